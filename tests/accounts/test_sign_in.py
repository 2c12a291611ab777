"""Signing in and out: wrong passwords, expired sign-ins and logged-out tokens are
all refused with 401.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import token
from tests.factories import API
from tongban.accounts.models import SignInSession
from tongban.timeutil import utcnow


def _login(client: TestClient, username: str, password: str) -> int:
    body = {"username": username, "password": password}
    return client.post(f"{API}/auth/login", json=body).status_code


def test_signed_in_user_sees_themselves(client: TestClient) -> None:
    me = client.get(f"{API}/me", headers=token(client, "zhangsan"))

    assert me.status_code == 200
    assert me.json()["username"] == "zhangsan"
    assert me.json()["display_name"] == "张三"


def test_wrong_password_and_unknown_user_are_refused_alike(client: TestClient) -> None:
    wrong = client.post(f"{API}/auth/login", json={"username": "zhangsan", "password": "nope1234"})
    unknown = client.post(f"{API}/auth/login", json={"username": "nobody", "password": "demo12345"})

    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["error"]["message"] == unknown.json()["error"]["message"]
    assert wrong.json()["error"]["message"] == "用户名或密码不正确。"


def test_without_a_token_me_is_401(client: TestClient) -> None:
    response = client.get(f"{API}/me")

    assert response.status_code == 401
    assert response.json()["error"]["message"] == "请先登录。"


def test_a_made_up_token_is_401(client: TestClient) -> None:
    response = client.get(f"{API}/me", headers={"Authorization": "Bearer made-up"})

    assert response.status_code == 401


def test_login_says_how_long_the_token_lives(client: TestClient) -> None:
    body = client.post(f"{API}/auth/login", json={"username": "lisi", "password": "demo12345"})

    assert body.json()["token_type"] == "bearer"
    assert body.json()["expires_in"] == 8 * 3600


def test_only_a_hash_of_the_token_is_stored(client: TestClient, db: Session) -> None:
    headers = token(client, "lisi")
    raw = headers["Authorization"].removeprefix("Bearer ")

    hashes = db.scalars(select(SignInSession.token_hash)).all()

    assert hashlib.sha256(raw.encode()).hexdigest() in hashes
    assert raw not in hashes


def test_token_stops_working_after_it_expires(client: TestClient, db: Session) -> None:
    headers = token(client, "lisi")
    raw = headers["Authorization"].removeprefix("Bearer ")
    assert client.get(f"{API}/me", headers=headers).status_code == 200
    digest = hashlib.sha256(raw.encode()).hexdigest()
    row = db.scalar(select(SignInSession).where(SignInSession.token_hash == digest))
    assert row is not None
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.commit()

    assert client.get(f"{API}/me", headers=headers).status_code == 401


def test_logout_makes_the_token_useless(client: TestClient) -> None:
    headers = token(client, "lisi")
    other = token(client, "lisi")

    assert client.post(f"{API}/auth/logout", headers=headers).status_code == 204

    assert client.get(f"{API}/me", headers=headers).status_code == 401
    assert client.get(f"{API}/me", headers=other).status_code == 200
    assert _login(client, "lisi", "demo12345") == 200
