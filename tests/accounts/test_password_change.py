"""A wrong current password on the change form (page and API) is a failed sign-in
(等保 2.0 level 3, 8.1.4.1 b: 登录失败处理): it counts toward the account's lock, so a
session left open on someone's screen cannot be used to guess the password without limit.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import Clock, token
from tests.factories import API
from tests.web.support import csrf, sign_in
from tongban.audit.models import AuditEntry

NEW = "minjiang river walk"


def _change(client: TestClient, headers: dict[str, str], current: str, new: str = NEW) -> Any:
    body = {"current_password": current, "new_password": new}
    return client.post(f"{API}/me/password", json=body, headers=headers)


def _login(client: TestClient, password: str) -> int:
    body = {"username": "zhangsan", "password": password}
    return client.post(f"{API}/auth/login", json=body).status_code


def test_wrong_current_passwords_through_the_api_lock_the_account(
    client: TestClient, db: Session, clock: Clock
) -> None:
    headers = token(client, "zhangsan")
    clock.advance(seconds=1)  # failures count after the last sign-in
    for _ in range(3):
        wrong = _change(client, headers, "not-the-password")
        assert wrong.status_code == 422
        assert wrong.json()["error"]["field"] == "current_password"
    # a refusable new password does not hide a wrong current one from the count
    odd = _change(client, headers, "still-wrong", new="still-wrong")
    assert odd.status_code == 422, odd.text
    fifth = _change(client, headers, "not-the-password")
    assert fifth.status_code == 429
    assert "已暂时锁定" in fifth.json()["error"]["message"]
    assert int(fifth.headers["Retry-After"]) > 14 * 60
    assert _change(client, headers, "demo12345").status_code == 429  # the right one waits too
    assert _login(client, "demo12345") == 429  # the same lock as sign-in's
    failed = select(AuditEntry).where(AuditEntry.action == "account.sign_in_failed")
    entries = db.scalars(failed).all()
    assert [e.object_id for e in entries] == ["zhangsan"] * 5
    assert all(e.actor_id is not None for e in entries)  # the signed-in holder, named
    clock.advance(minutes=16)
    assert _change(client, headers, "demo12345").status_code == 204


def test_wrong_current_passwords_on_the_page_count_with_wrong_sign_ins(
    client: TestClient, clock: Clock
) -> None:
    sign_in(client, "zhangsan")
    clock.advance(seconds=1)
    for _ in range(2):
        assert _login(client, "wrong-password") == 401
    form = {"current_password": "not-the-password", "password": NEW, "password_again": NEW}
    page = client.get("/account/password")
    for _ in range(2):
        page = client.post("/account/password", data={**form, "csrf_token": csrf(page.text)})
        assert page.status_code == 422
        assert "当前密码不正确" in page.text
    page = client.post("/account/password", data={**form, "csrf_token": csrf(page.text)})
    assert page.status_code == 429
    assert "已暂时锁定" in page.text
    assert _login(client, "demo12345") == 429
