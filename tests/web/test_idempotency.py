"""A client that retries an API write with the same ``Idempotency-Key`` gets it done once:
the retry replays the first answer, twenty at once make one case, and a key reused for a
different request is refused."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from tests import figures
from tests.conftest import Clock, token
from tests.factories import API
from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.errors import Conflict
from tongban.online import api as online_api
from tongban.web import idempotency

ITEM = "3501-RS-003"
BODY = {"code": ITEM, "form_data": {}}


def _cases_of(db: Session, username: str) -> int:
    owner = select(User.id).where(User.username == username).scalar_subquery()
    return db.scalar(select(func.count(Case.id)).where(Case.applicant_id == owner)) or 0


def test_a_retry_with_the_same_key_replays_the_first_answer(
    client: TestClient, db: Session, as_user
) -> None:  # type: ignore[no-untyped-def]
    headers = {**as_user("zhangsan"), "Idempotency-Key": "draft-2026-11-30-001"}
    before = _cases_of(db, "zhangsan")
    first = client.post(f"{API}/cases", json=BODY, headers=headers)
    again = client.post(f"{API}/cases", json=BODY, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["number"] == first.json()["number"]
    assert _cases_of(db, "zhangsan") == before + 1
    fresh = client.post(f"{API}/cases", json=BODY, headers={**headers, "Idempotency-Key": "002"})
    assert fresh.status_code == 201 and "Idempotent-Replayed" not in fresh.headers
    assert _cases_of(db, "zhangsan") == before + 2


def test_the_same_key_for_a_different_request_is_refused(
    client: TestClient, db: Session, as_user
) -> None:  # type: ignore[no-untyped-def]
    headers = {**as_user("zhangsan"), "Idempotency-Key": "k-1"}
    assert client.post(f"{API}/cases", json=BODY, headers=headers).status_code == 201
    before = _cases_of(db, "zhangsan")
    other = client.post(f"{API}/cases", json={**BODY, "code": "3501-GA-002"}, headers=headers)
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert "换一个新键" in other.json()["error"]["message"]
    assert _cases_of(db, "zhangsan") == before


def test_keys_belong_to_one_account(client: TestClient, db: Session, as_user) -> None:  # type: ignore[no-untyped-def]
    for username in ("zhangsan", "lisi"):
        headers = {**as_user(username), "Idempotency-Key": "shared-key"}
        made = client.post(f"{API}/cases", json=BODY, headers=headers)
        assert made.status_code == 201 and "Idempotent-Replayed" not in made.headers


def test_a_retry_after_signing_in_again_replays_the_first_answer(
    client: TestClient, db: Session
) -> None:
    """A client restarted (or whose token expired) signs in again and retries its call: the
    key is the account's, so the retry gets the first answer and no second case is made."""
    first_sign_in = {**token(client, "zhangsan"), "Idempotency-Key": "restart-1"}
    second_sign_in = {**token(client, "zhangsan"), "Idempotency-Key": "restart-1"}
    assert first_sign_in["Authorization"] != second_sign_in["Authorization"]
    before = _cases_of(db, "zhangsan")
    first = client.post(f"{API}/cases", json=BODY, headers=first_sign_in)
    again = client.post(f"{API}/cases", json=BODY, headers=second_sign_in)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["number"] == first.json()["number"]
    assert _cases_of(db, "zhangsan") == before + 1


def test_a_key_under_no_live_sign_in_claims_nothing(client: TestClient, as_user) -> None:  # type: ignore[no-untyped-def]
    """A call with an unknown token is refused as not signed in, and the key stays free."""
    stale = {"Authorization": "Bearer not-a-token", "Idempotency-Key": "free-key"}
    assert client.post(f"{API}/cases", json=BODY, headers=stale).status_code == 401
    headers = {**as_user("zhangsan"), "Idempotency-Key": "free-key"}
    made = client.post(f"{API}/cases", json=BODY, headers=headers)
    assert made.status_code == 201 and "Idempotent-Replayed" not in made.headers


def test_a_key_that_is_too_long_is_refused_with_what_to_change(client: TestClient, as_user) -> None:  # type: ignore[no-untyped-def]
    headers = {**as_user("zhangsan"), "Idempotency-Key": "k" * 256}
    refused = client.post(f"{API}/cases", json=BODY, headers=headers)
    assert refused.status_code == 422
    assert "1 至 255 个可打印字符" in refused.json()["error"]["message"]


def test_twenty_identical_calls_at_once_make_one_case(
    live: httpx.Client, committing_engine: Engine
) -> None:
    signed_in = live.post(
        f"{API}/auth/login", json={"username": "zhangsan", "password": "demo12345"}
    )
    headers = {
        "Authorization": f"Bearer {signed_in.json()['access_token']}",
        "Idempotency-Key": "burst-1",
    }
    with Session(committing_engine) as db:
        before = _cases_of(db, "zhangsan")
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(
            pool.map(lambda _: live.post(f"{API}/cases", json=BODY, headers=headers), range(20))
        )
    numbers = {answer.json()["number"] for answer in answers if answer.status_code == 201}
    with Session(committing_engine) as db:
        made = _cases_of(db, "zhangsan") - before
    figures.count("concurrency, one idempotency key", retries_at_once=len(answers), cases_made=made)
    assert {answer.status_code for answer in answers} <= {201, 409}
    assert len(numbers) == 1
    settled = live.post(f"{API}/cases", json=BODY, headers=headers)
    assert settled.status_code == 201 and settled.json()["number"] in numbers
    with Session(committing_engine) as db:
        assert _cases_of(db, "zhangsan") == before + 1


def test_a_call_killed_after_its_case_was_made_is_never_run_again(
    client: TestClient, db: Session, as_user, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Found reviewing a duplicate in the crash test: a server killed between making the
    case and keeping its answer left the key claimed and unanswered for 24 hours, and
    nothing told a retry whether the case was made. Now the claim is marked done with the
    case, and a retry, at once or much later, is told to look the result up."""
    headers = {**as_user("zhangsan"), "Idempotency-Key": "lost-answer-1"}
    before = _cases_of(db, "zhangsan")
    with monkeypatch.context() as killed:
        killed.setattr(idempotency, "_settle", lambda *args, **kwargs: None)
        client.post(f"{API}/cases", json=BODY, headers=headers)
    assert _cases_of(db, "zhangsan") == before + 1
    for wait in (timedelta(0), idempotency.STALE * 10):
        clock.now += wait
        again = client.post(f"{API}/cases", json=BODY, headers=headers)
        assert again.status_code == 409, again.text
        error = again.json()["error"]
        assert error["code"] == "idempotency_answer_lost" and "查看结果" in error["message"]
    assert _cases_of(db, "zhangsan") == before + 1


def test_a_call_that_died_before_its_work_committed_is_run_by_the_retry(
    client: TestClient, db: Session, as_user, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """A claim whose call died before its work committed (nothing made, no answer kept)
    answers 409 while that call might still be running, then lets a retry do it, once."""
    headers = {**as_user("zhangsan"), "Idempotency-Key": "died-1"}
    before = _cases_of(db, "zhangsan")
    with monkeypatch.context() as dying:
        dying.setattr(idempotency, "_settle", lambda *args, **kwargs: None)  # killed
        dying.setattr(online_api.service, "create_case", _dies)
        client.post(f"{API}/cases", json=BODY, headers=headers)
    waiting = client.post(f"{API}/cases", json=BODY, headers=headers)
    assert waiting.status_code == 409 and waiting.headers["retry-after"] == "1"
    clock.now += idempotency.STALE + timedelta(seconds=1)
    retried = client.post(f"{API}/cases", json=BODY, headers=headers)
    assert retried.status_code == 201, retried.text
    assert _cases_of(db, "zhangsan") == before + 1
    replayed = client.post(f"{API}/cases", json=BODY, headers=headers)
    assert replayed.json()["number"] == retried.json()["number"]


def _dies(*args: object, **kwargs: object) -> None:
    raise Conflict("进程在此被终止。", "The process was killed here.")
