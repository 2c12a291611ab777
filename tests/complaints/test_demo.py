"""The demo's complaints load once and are what the demo accounts find: the operator a
call to call back and one to route again, the department nothing left of them."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tests.factories import API
from tongban.demo.complaints import load_complaints


def test_the_demo_complaints(client: TestClient, as_user: Any, db: Session, clock: Clock) -> None:
    assert load_complaints(db, now=clock.now) == 2  # no case of 张三 yet: the two calls
    assert load_complaints(db, now=clock.now) == 0
    db.commit()
    console = client.get(f"{API}/complaints", headers=as_user("rexian")).json()
    assert sorted(c["state"] for c in console) == ["answered", "returned"]
    assert client.get(f"{API}/complaints", headers=as_user("ga")).json() == []
