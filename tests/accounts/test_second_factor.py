"""Two-factor sign-in (等保 2.0 level 3, 8.1.4.1 d): with TONGBAN_SECOND_FACTOR_FOR_STAFF a
staff account enrols a TOTP authenticator (RFC 6238) from a QR code at its next sign-in,
gets recovery codes once, and from then on needs a code on the page and the API; a code
works once, wrong codes lock the account like wrong passwords, every outcome is audited."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from html import unescape
from pathlib import Path
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tests.factories import API
from tests.web.live import own_engine, serve
from tests.web.support import csrf
from tongban.accounts.models import SecondFactor
from tongban.app import create_app
from tongban.audit.models import AuditEntry
from tongban.web.runtime import Runtime


@pytest.fixture
def strict(runtime: Runtime) -> Iterator[TestClient]:
    """The app with a second factor required of staff."""
    settings = runtime.settings.model_copy(update={"second_factor_for_staff": True})
    with TestClient(create_app(replace(runtime, settings=settings), start_worker=False)) as client:
        yield client


def _password_step(client: TestClient, username: str = "clerk") -> Any:
    token = csrf(client.get("/login").text)
    return client.post(
        "/login", data={"username": username, "password": "demo12345", "csrf_token": token}
    )


def _code_step(client: TestClient, page: str, code: str) -> Any:
    return client.post("/login/second-factor", data={"code": code, "csrf_token": csrf(page)})


def _enrol(client: TestClient, clock: Clock) -> tuple[str, list[str]]:
    """Enrol clerk's authenticator through the page; returns its secret and recovery codes."""
    page = _password_step(client)
    assert page.status_code == 200 and page.url.path == "/login/second-factor"
    assert "<svg" in page.text and "扫描" in page.text
    found = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', page.text)
    assert found
    secret = found.group(1)
    done = _code_step(client, page.text, pyotp.TOTP(secret).at(clock.now))
    assert done.status_code == 200, done.text
    codes = re.findall(r"<li><code>([0-9a-f]{5}-[0-9a-f]{5})</code></li>", done.text)
    assert len(codes) == 10
    return secret, codes


def _api_login(client: TestClient, code: str | None = None) -> Any:
    body = {"username": "clerk", "password": "demo12345"}
    if code is not None:
        body["second_factor"] = code
    return client.post(f"{API}/auth/login", json=body)


def test_a_staff_password_alone_does_not_sign_in_when_a_second_factor_is_required(
    strict: TestClient,
) -> None:
    refused = _api_login(strict)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "second_factor_enrolment"
    page = _password_step(strict)
    assert page.url.path == "/login/second-factor"
    assert strict.get("/staff", follow_redirects=False).status_code in (303, 401)


def test_staff_enrol_from_the_qr_code_and_then_sign_in_with_a_code(
    strict: TestClient, clock: Clock, db: Session
) -> None:
    secret, _codes = _enrol(strict, clock)
    assert strict.get("/staff").status_code == 200  # signed in by the confirming code
    enrolled = select(AuditEntry).where(AuditEntry.action == "account.second_factor_enrolled")
    assert [e.object_id for e in db.scalars(enrolled)] == ["clerk"]
    factor = db.scalar(select(SecondFactor))
    assert factor is not None and factor.confirmed_at is not None
    assert secret not in factor.sealed_secret  # stored sealed
    asked = _api_login(strict)
    assert asked.status_code == 401 and asked.json()["error"]["code"] == "second_factor_required"
    clock.advance(seconds=60)
    code = pyotp.TOTP(secret).at(clock.now)
    assert _api_login(strict, code).status_code == 200
    replayed = _api_login(strict, code)
    assert replayed.status_code == 401 and replayed.json()["error"]["code"] == "bad_second_factor"
    entries = db.scalars(
        select(AuditEntry).where(AuditEntry.action == "account.signed_in").order_by(AuditEntry.id)
    ).all()
    assert [e.data.get("factor") for e in entries[-2:]] == ["totp", "totp"]


def test_a_recovery_code_works_once(strict: TestClient, clock: Clock, db: Session) -> None:
    _secret, codes = _enrol(strict, clock)
    assert _api_login(strict, codes[0].upper()).status_code == 200
    assert _api_login(strict, codes[0]).status_code == 401
    failed = db.scalars(
        select(AuditEntry).where(AuditEntry.action == "account.sign_in_failed")
    ).all()
    assert [e.data for e in failed] == [{"factor": "recovery_code"}]  # not told as a TOTP
    page = _password_step(strict)
    assert "恢复码" in page.text
    assert _code_step(strict, page.text, codes[1]).status_code == 200


def test_wrong_codes_lock_the_account_like_wrong_passwords(
    strict: TestClient, clock: Clock
) -> None:
    secret, _codes = _enrol(strict, clock)
    clock.advance(seconds=1)  # after the enrolling sign-in
    for _ in range(4):
        assert _api_login(strict, "000000").status_code == 401
    assert _api_login(strict, "000000").status_code == 429
    clock.advance(seconds=30)
    assert _api_login(strict, pyotp.TOTP(secret).at(clock.now)).status_code == 429
    page = _password_step(strict)
    assert page.status_code == 429 and "密码或验证码连续输错" in unescape(page.text)
    clock.advance(minutes=16)
    assert _api_login(strict, pyotp.TOTP(secret).at(clock.now)).status_code == 200


def test_the_pending_step_expires(strict: TestClient, clock: Clock) -> None:
    page = _password_step(strict)
    clock.advance(minutes=6)
    late = strict.get("/login/second-factor")
    assert late.url.path == "/login"
    secret = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', page.text)
    assert secret
    # nothing was confirmed: a late code signs no one in
    assert (
        _code_step(strict, page.text, pyotp.TOTP(secret.group(1)).at(clock.now)).url.path
        == "/login"
    )


def test_staff_enrol_on_a_real_server(committing_engine: Engine, tmp_path: Path) -> None:
    """Found by a fresh-clone trial: on the SQLite file every code posted to the enrolment
    page was answered 503 (系统繁忙), for the page held the request's turn to write while
    the check waited for it; the test client, on one shared connection, has no turns."""
    with (
        own_engine(committing_engine, lock_wait_seconds=2) as engine,
        serve(engine, tmp_path / "files", second_factor_for_staff=True) as client,
    ):
        login = client.get("/login").text
        data = {"username": "clerk", "password": "demo12345", "csrf_token": csrf(login)}
        page = client.post("/login", data=data, follow_redirects=True)
        assert page.url.path == "/login/second-factor", page.text
        found = re.search(r'<code id="totp-secret">([A-Z2-7]+)</code>', page.text)
        assert found
        wrong = client.post(
            "/login/second-factor", data={"code": "000000", "csrf_token": csrf(page.text)}
        )
        assert wrong.status_code == 401 and "验证码" in wrong.text
        code = pyotp.TOTP(found.group(1)).now()
        done = client.post(
            "/login/second-factor", data={"code": code, "csrf_token": csrf(wrong.text)}
        )
        assert done.status_code == 200, done.text
        assert len(re.findall(r"<li><code>[0-9a-f]{5}-[0-9a-f]{5}</code></li>", done.text)) == 10
