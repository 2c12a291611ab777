"""A case in review at 卫健委 and the demo expert register, for the expert review tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import ROOT, Clock
from tests.factories import act, open_task, submitted
from tests.web.support import sign_in
from tongban.accounts import service as accounts
from tongban.db import unit_of_work
from tongban.experts import service as experts

RADIATION = "3501-WJW-002"  # 放射工作人员证: 卫健委 accepts, reviews, decides; legal 20 days
MONDAY = datetime(2025, 11, 3, 2, 0, tzinfo=UTC)  # 10:00 in Fuzhou; November has no holiday

Unit = Callable[[], AbstractContextManager[Session]]


@pytest.fixture
def unit(client: TestClient) -> Unit:
    """A unit of work on the app's own sessions (what a request or a job runs in)."""
    return lambda: unit_of_work(client.app.state.runtime.sessions)


@pytest.fixture
def register(unit: Unit, clock: Clock) -> Iterator[dict[str, int]]:
    """The demo register (demo/experts.yaml), every expert also in the health field:
    username → expert id."""
    entries = yaml.safe_load((ROOT / "demo" / "experts.yaml").read_text(encoding="utf-8"))
    ids = {}
    with unit() as session:
        admin = accounts.find_user(session, username="admin")
        assert admin is not None
        for row in entries:
            entry = experts.Entry(
                fields=[*row["fields"], "health"],
                employer=row["employer"],
                employer_credit_code=row.get("employer_credit_code", ""),
                phone=row["phone"],
            )
            expert = experts.register(
                session,
                username=row["username"],
                entry=entry,
                actor=accounts.actor_of(admin),
                now=clock.now,
            )
            ids[row["username"]] = expert.id
    yield ids


@pytest.fixture
def review(client: TestClient, as_user: Any, clock: Clock) -> dict[str, Any]:
    """A radiation-worker case accepted on Monday 10:00 and in review at 卫健委."""
    clock.now = MONDAY
    number = submitted(client, as_user("zhangsan"), RADIATION)["number"]
    accept = open_task(client, as_user("wjw"), number, "accept")
    assert act(client, as_user("wjw"), accept, "accept").status_code == 200
    return open_task(client, as_user("wjw"), number, "review")


@pytest.fixture
def signed_in(client: TestClient) -> Callable[[str], TestClient]:
    """``signed_in("zhuanjia1")`` → the client, with the session cookie of that demo user."""

    def login(username: str) -> TestClient:
        client.cookies.clear()
        sign_in(client, username)
        return client

    return login
