"""Cases brought to an end through the API, ready to be rated."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import API, act, open_task, submitted
from tests.web.support import sign_in
from tongban.accounts import service as accounts
from tongban.accounts.models import User
from tongban.cases.models import Case

ITEM = "3501-RS-003"  # 失业登记: one department (人社局, staff "rs"); 受理 and 审查 only
Finish = Callable[..., str]


@pytest.fixture
def browser(client: TestClient):  # type: ignore[no-untyped-def]
    """``browser("zhangsan")`` → the client with that demo user's session cookie."""

    def login(username: str) -> TestClient:
        client.cookies.clear()
        sign_in(client, username)
        return client

    return login


def _step(client: TestClient, staff: dict[str, str], number: str, stage: str, action: str) -> None:
    body: dict[str, Any] = {"opinion": "同意。"}
    if action == "review":
        body["outcome"] = "approved"
    response = act(client, staff, open_task(client, staff, number, stage), action, **body)
    assert response.status_code == 200, response.text


@pytest.fixture
def finish(client: TestClient, as_user: Any) -> Finish:
    """``finish()`` → the number of a case of zhangsan's that is completed; ``finish("rejected")``
    → one not accepted; ``finish("submitted")`` → one still waiting for acceptance."""

    def run(end: str = "completed", applicant: str = "zhangsan") -> str:
        number = str(submitted(client, as_user(applicant), ITEM)["number"])
        staff = as_user("rs")
        if end == "rejected":
            _step(client, staff, number, "accept", "reject")
        elif end == "withdrawn":
            response = client.post(f"{API}/cases/{number}/withdraw", headers=as_user(applicant))
            assert response.status_code == 200, response.text
        elif end == "completed":
            for stage, action in [("accept", "accept"), ("review", "review")]:
                _step(client, staff, number, stage, action)
        state = client.get(f"{API}/cases/{number}", headers=as_user(applicant)).json()["state"]
        assert state == end, state
        return number

    return run


def user(db: Session, username: str) -> User:
    found = accounts.find_user(db, username=username)
    assert found is not None
    return found


def case_id(db: Session, number: str) -> int:
    found = db.scalar(select(Case.id).where(Case.number == number))
    assert found is not None
    return found
