"""Sign-in and registration defended as 等保 2.0 level 3 asks (登录失败处理): a username
locks after wrong passwords in a row (known or not, alike), one address cannot try without
limit, unknown usernames cost the same hashing, weak passwords are refused at registration,
and every sign-in, failure, sign-out and registration is audited once with its address.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.accounts.test_registration import person
from tests.conftest import Clock, token
from tests.factories import API
from tests.web.support import csrf
from tongban.accounts import service
from tongban.accounts.models import User
from tongban.app import create_app
from tongban.audit.models import AuditEntry
from tongban.identifiers import make_resident_id
from tongban.web.runtime import Runtime


def _login(client: TestClient, username: str, password: str) -> Any:
    return client.post(f"{API}/auth/login", json={"username": username, "password": password})


def _fail(client: TestClient, username: str, times: int) -> None:
    for _ in range(times):
        assert _login(client, username, "wrong-password").status_code == 401


def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(
    client: TestClient, clock: Clock
) -> None:
    _fail(client, "zhangsan", 4)
    fifth = _login(client, "zhangsan", "wrong-password")
    assert fifth.status_code == 429
    assert "已暂时锁定" in fifth.json()["error"]["message"]
    right = _login(client, "zhangsan", "demo12345")
    assert right.status_code == 429
    assert int(right.headers["Retry-After"]) > 14 * 60
    assert "15 分钟后再试" in right.json()["error"]["message"]
    clock.advance(minutes=16)
    assert _login(client, "zhangsan", "demo12345").status_code == 200


def test_an_unknown_username_locks_alike_so_no_answer_tells_which_exist(
    client: TestClient,
) -> None:
    for username in ("lisi", "nobody-here"):
        _fail(client, username, 4)
    known, unknown = (_login(client, name, "wrong-password") for name in ("lisi", "nobody-here"))
    assert known.status_code == unknown.status_code == 429
    assert known.json() == unknown.json()


def test_a_success_ends_the_run_of_failures(client: TestClient) -> None:
    _fail(client, "lisi", 4)
    assert _login(client, "lisi", "demo12345").status_code == 200
    _fail(client, "lisi", 4)
    assert _login(client, "lisi", "demo12345").status_code == 200


def test_an_unknown_username_costs_a_password_check_like_a_known_one(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    real = service.verify_password

    def counting(password_hash: str, password: str) -> None:
        checked.append(password_hash)
        real(password_hash, password)

    monkeypatch.setattr(service, "verify_password", counting)
    _login(client, "nobody-at-all", "demo12345")
    _login(client, "zhangsan", "wrong-password")
    assert len(checked) == 2 and all(h.startswith("$argon2id$") for h in checked)


@pytest.fixture
def strict(runtime: Runtime) -> Iterator[TestClient]:
    """The app with low per-address limits."""
    runtime.settings = runtime.settings.model_copy(
        update={"sign_in_per_source_per_minute": 5, "registrations_per_source_per_hour": 2}
    )
    with TestClient(create_app(runtime, start_worker=False)) as test_client:
        yield test_client


def test_one_address_trying_many_usernames_is_slowed_down(strict: TestClient, clock: Clock) -> None:
    for username in ("a1", "a2", "a3", "a4", "a5"):
        assert _login(strict, username, "guess-1234").status_code == 401
    spraying = _login(strict, "zhangsan", "demo12345")
    assert spraying.status_code == 429
    assert "1 分钟后再试" in spraying.json()["error"]["message"]
    assert 0 < int(spraying.headers["Retry-After"]) <= 60
    clock.advance(seconds=61)
    assert _login(strict, "zhangsan", "demo12345").status_code == 200


def test_registrations_from_one_address_are_limited(strict: TestClient) -> None:
    for index, name in enumerate(("wangyi", "wanger")):
        body = person(name, id_number=_valid_id(index))
        assert strict.post(f"{API}/auth/register", json=body).status_code == 201
    third = strict.post(f"{API}/auth/register", json=person("wangsan", id_number=_valid_id(2)))
    assert third.status_code == 429
    assert "注册账号过于频繁" in third.json()["error"]["message"]


def _valid_id(index: int) -> str:
    return make_resident_id("350102", date(1990, 3, 7), 457 + index * 2)


@pytest.mark.parametrize(
    "password", ["12345678", "password", "aaaaaaaa", "woaini1314", "P@ssw0rd", "wangxiaoming1"]
)
def test_registration_refuses_common_and_guessable_passwords(
    client: TestClient, db: Session, password: str
) -> None:
    response = client.post(f"{API}/auth/register", json=person(password=password))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == "password" and "太常见或太容易猜到" in error["message"]
    assert db.scalar(select(User.id).where(User.username == "wangxiaoming")) is None


def test_the_dengbao3_profile_asks_for_three_kinds_of_characters(runtime: Runtime) -> None:
    runtime.settings = runtime.settings.model_copy(update={"password_policy": "dengbao3"})
    with TestClient(create_app(runtime, start_worker=False)) as client:
        plain = client.post(f"{API}/auth/register", json=person(password="minjiang river walk"))
        assert plain.status_code == 422
        assert "至少三种" in plain.json()["error"]["message"]
        good = client.post(f"{API}/auth/register", json=person(password="Minjiang-2026"))
        assert good.status_code == 201


def _audited(db: Session, username: str) -> list[tuple[str, str | None]]:
    query = select(AuditEntry.action, AuditEntry.source_address).where(
        AuditEntry.object_type == "account", AuditEntry.object_id == username
    )
    return [tuple(row) for row in db.execute(query.order_by(AuditEntry.id))]  # type: ignore[misc]


def test_every_sign_in_event_is_audited_once_with_its_address(
    client: TestClient, db: Session
) -> None:
    assert client.post(f"{API}/auth/register", json=person()).status_code == 201
    _fail(client, "wangxiaoming", 1)
    headers = token(client, "wangxiaoming", "s3cret-passw0rd")
    assert client.post(f"{API}/auth/logout", headers=headers).status_code == 204
    assert _audited(db, "wangxiaoming") == [
        ("account.registered", "testclient"),
        ("account.sign_in_failed", "testclient"),
        ("account.signed_in", "testclient"),
        ("account.signed_out", "testclient"),
    ]


def test_the_lock_and_every_attempt_refused_by_it_are_audited(
    client: TestClient, db: Session, clock: Clock
) -> None:
    """Found by a fresh-clone trial: 101 attempts on a locked account left 5 audit entries;
    the attempts refused by the lock (the right password among them) and the lock itself
    left none. Refused attempts do not count as failures, so they do not lengthen the lock."""
    _fail(client, "lisi", 4)
    assert _login(client, "lisi", "wrong-password").status_code == 429  # the fifth locks
    for password in ("wrong-password", "demo12345"):
        assert _login(client, "lisi", password).status_code == 429
    assert [action for action, _ in _audited(db, "lisi")] == [
        *["account.sign_in_failed"] * 5,
        "account.locked",
        "account.sign_in_refused",
        "account.sign_in_refused",
    ]
    clock.advance(minutes=16)  # 15 minutes after the fifth failure, not after the refusals
    assert _login(client, "lisi", "demo12345").status_code == 200


def test_the_sign_in_page_says_the_account_is_locked(client: TestClient) -> None:
    _fail(client, "zhangsan", 4)
    assert _login(client, "zhangsan", "wrong-password").status_code == 429
    page = client.post(
        "/login",
        data={
            "username": "zhangsan",
            "password": "demo12345",
            "csrf_token": csrf(client.get("/login").text),
        },
    )
    assert page.status_code == 429
    assert "已暂时锁定" in page.text and "15 分钟后再试" in page.text
    assert "Retry-After" in page.headers
