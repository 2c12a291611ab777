"""Periodic password change (等保 2.0 level 3, 8.1.4.1 a: 定期更换) under the ``dengbao3``
profile: a staff member (an applicant only when the setting says so) whose password is
older than ``password_max_age_days`` may, once signed in, only change it or sign out — the
pages lead to the change page, the API answers 403 ``password_expired``; audited. The
``nist`` profile never forces a change.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tests.conftest import Clock, token
from tests.factories import API
from tests.web.support import csrf, sign_in
from tongban.accounts.models import User
from tongban.app import create_app
from tongban.audit.models import AuditEntry
from tongban.web.runtime import Runtime

NEW = "Minjiang-2026"


def _client(runtime: Runtime, **settings: Any) -> Iterator[TestClient]:
    runtime.settings = runtime.settings.model_copy(update=settings)
    with TestClient(create_app(runtime, start_worker=False)) as client:
        yield client


@pytest.fixture
def dengbao3(runtime: Runtime) -> Iterator[TestClient]:
    yield from _client(runtime, password_policy="dengbao3", password_max_age_days=90)


@pytest.fixture
def nist(runtime: Runtime) -> Iterator[TestClient]:
    yield from _client(runtime, password_policy="nist", password_max_age_days=90)


def _age(db: Session, clock: Clock, username: str, days: int) -> None:
    """Make ``username``'s password ``days`` days old by the test clock."""
    changed = clock.now - timedelta(days=days)
    db.execute(update(User).where(User.username == username).values(password_changed_at=changed))
    db.commit()


def _actions(db: Session, username: str) -> list[str]:
    query = select(AuditEntry.action).where(
        AuditEntry.object_id == username, AuditEntry.action.like("account.password_%")
    )
    return list(db.scalars(query.order_by(AuditEntry.id)))


def _change(client: TestClient, headers: dict[str, str], current: str, new: str) -> Any:
    body = {"current_password": current, "new_password": new}
    return client.post(f"{API}/me/password", json=body, headers=headers)


def test_a_staff_password_past_its_age_allows_nothing_but_changing_it_through_the_api(
    dengbao3: TestClient, db: Session, clock: Clock
) -> None:
    _age(db, clock, "clerk", 91)
    headers = token(dengbao3, "clerk")
    refused = dengbao3.get(f"{API}/me", headers=headers)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "password_expired"
    assert "密码已超过有效期" in refused.json()["error"]["message"]
    assert dengbao3.get(f"{API}/tasks", headers=headers).status_code == 403
    wrong = _change(dengbao3, headers, "not-the-password", NEW)
    assert wrong.status_code == 422
    assert wrong.json()["error"]["field"] == "current_password"
    weak = _change(dengbao3, headers, "demo12345", "alllowercase")
    assert weak.status_code == 422
    assert "至少三种" in weak.json()["error"]["message"]
    assert dengbao3.get(f"{API}/me", headers=headers).status_code == 403  # nothing changed
    assert _change(dengbao3, headers, "demo12345", NEW).status_code == 204
    assert dengbao3.get(f"{API}/me", headers=headers).status_code == 200
    assert _actions(db, "clerk") == ["account.password_expired", "account.password_changed"]
    assert token(dengbao3, "clerk", NEW)  # the new password signs in, without a new demand
    assert _actions(db, "clerk") == ["account.password_expired", "account.password_changed"]


def test_the_pages_lead_to_the_change_page_until_the_password_is_changed(
    dengbao3: TestClient, db: Session, clock: Clock
) -> None:
    _age(db, clock, "clerk", 91)
    sign_in(dengbao3, "clerk")  # follows the redirects: /staff → /account/password
    workbench = dengbao3.get("/staff", follow_redirects=False)
    assert workbench.status_code == 303
    assert workbench.headers["location"] == "/account/password"
    page = dengbao3.get("/account/password")
    assert "您的密码已超过有效期" in page.text
    form = {"current_password": "demo12345", "password": NEW, "password_again": NEW + "x"}
    again = dengbao3.post("/account/password", data={**form, "csrf_token": csrf(page.text)})
    assert again.status_code == 422
    assert "两次输入的新密码不一致" in again.text
    assert dengbao3.get("/staff", follow_redirects=False).status_code == 303
    form["password_again"] = NEW
    done = dengbao3.post(
        "/account/password",
        data={**form, "csrf_token": csrf(again.text)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/staff?done=password_changed"
    assert "密码已修改" in dengbao3.get(done.headers["location"]).text


def test_a_password_within_its_age_is_not_asked_to_change(
    dengbao3: TestClient, db: Session, clock: Clock
) -> None:
    _age(db, clock, "clerk", 89)
    assert dengbao3.get(f"{API}/me", headers=token(dengbao3, "clerk")).status_code == 200
    assert _actions(db, "clerk") == []


def test_the_nist_profile_never_forces_a_change(
    nist: TestClient, db: Session, clock: Clock
) -> None:
    _age(db, clock, "clerk", 3000)
    assert nist.get(f"{API}/me", headers=token(nist, "clerk")).status_code == 200
    assert _actions(db, "clerk") == []


def test_applicants_passwords_expire_only_when_the_setting_says_so(
    runtime: Runtime, db: Session, clock: Clock
) -> None:
    _age(db, clock, "zhangsan", 200)
    for applicants, status in ((False, 200), (True, 403)):
        clients = _client(
            runtime, password_policy="dengbao3", password_max_age_for_applicants=applicants
        )
        client = next(clients)
        assert client.get(f"{API}/me", headers=token(client, "zhangsan")).status_code == status
        clients.close()


def test_changing_the_password_ends_the_other_sessions_of_the_account(
    nist: TestClient,
) -> None:
    here, elsewhere = token(nist, "zhangsan"), token(nist, "zhangsan")
    assert _change(nist, here, "demo12345", "minjiang river walk").status_code == 204
    assert nist.get(f"{API}/me", headers=here).status_code == 200
    assert nist.get(f"{API}/me", headers=elsewhere).status_code == 401
