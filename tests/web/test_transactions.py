"""The request's unit of work, seen through a real server on the suite's database.

The test client runs the whole ASGI call before it hands back the response, so it cannot
see a commit that lands after the response was sent, nor two requests at once; these
tests start uvicorn on a loopback port and talk to it over HTTP, as browsers do.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Connection, Engine, text

from tests.web.live import own_engine, serve
from tongban.db import writer_turn

ITEM = "3501-RS-003"  # 失业登记: the applicant's draft needs nothing but the item code
READ_PAGES = ["/", "/?q=失业", f"/items/{ITEM}", "/login"]


@pytest.fixture
def impatient_engine(committing_engine: Engine) -> Iterator[Engine]:
    """The engine of a server that waits at most half a second for a lock."""
    with own_engine(committing_engine, lock_wait_seconds=0.5) as engine:
        yield engine


@pytest.fixture
def impatient(impatient_engine: Engine, tmp_path: Path) -> Iterator[httpx.Client]:
    with serve(impatient_engine, tmp_path / "files") as client:
        yield client


def _sign_in(client: httpx.Client, username: str) -> dict[str, str]:
    response = client.post(
        "/api/v1/auth/login", json={"username": username, "password": "demo12345"}
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _csrf(client: httpx.Client) -> str:
    found = re.search(r'name="csrf_token" value="(\w+)"', client.get("/login").text)
    assert found
    return found.group(1)


@contextmanager
def _writer_holding_the_lock(engine: Engine) -> Iterator[Connection]:
    """Another unit of work that has written and not yet committed: it holds SQLite's
    write lock (``BEGIN IMMEDIATE``), and on PostgreSQL an exclusive lock on the table of
    sign-ins (any sign-in waits for it)."""
    with engine.connect() as conn:
        conn.begin()  # BEGIN IMMEDIATE on SQLite
        if engine.dialect.name == "postgresql":
            conn.execute(text("LOCK TABLE sign_in_sessions IN EXCLUSIVE MODE"))
        conn.execute(text("UPDATE users SET active = active WHERE username = 'zhangsan'"))
        try:
            yield conn
        finally:
            conn.rollback()


# -- read-after-write: the unit of work commits before the response leaves ------------


def test_a_fresh_token_works_at_once(live: httpx.Client) -> None:
    """Sign in, then at once ask who I am: 50 times, never a 401."""
    failures = []
    for attempt in range(50):
        headers = _sign_in(live, "zhangsan")
        me = live.get("/api/v1/me", headers=headers)
        if me.status_code != 200:
            failures.append((attempt, me.status_code))
    assert failures == []


def test_a_fresh_session_cookie_opens_my_pages_at_once(live: httpx.Client) -> None:
    """Sign in through the form, then at once open 我的办件: 20 times, never the login form."""
    failures = []
    for attempt in range(20):
        live.cookies.clear()
        form = {"username": "zhangsan", "password": "demo12345", "csrf_token": _csrf(live)}
        signed_in = live.post("/login", data=form)
        assert signed_in.status_code == 303, signed_in.text
        mine = live.get("/my/cases")
        if mine.status_code != 200:
            failures.append((attempt, mine.status_code))
    assert failures == []


def test_a_created_case_can_be_read_at_once(live: httpx.Client) -> None:
    """Create a draft (201), then at once read it: 30 times, never a 404."""
    headers = _sign_in(live, "zhangsan")
    failures = []
    for attempt in range(30):
        created = live.post("/api/v1/cases", json={"code": ITEM, "form_data": {}}, headers=headers)
        assert created.status_code == 201, created.text
        number = created.json()["number"]
        read = live.get(f"/api/v1/cases/{number}", headers=headers)
        if read.status_code != 200:
            failures.append((attempt, read.status_code))
    assert failures == []


# -- only units of work that write take the write lock --------------------------------


def test_readers_are_not_held_up_by_a_long_write(
    live: httpx.Client, committing_engine: Engine
) -> None:
    """While another unit of work holds the write lock, pages and API reads all answer:
    the writer lets go only after every reader is done, so a reader that waited for the
    lock would fail (after the wait) instead of answering 200."""
    headers = _sign_in(live, "zhangsan")
    reads: list[Callable[[], httpx.Response]] = [
        *(lambda page=page: live.get(page) for page in READ_PAGES),
        lambda: live.get("/api/v1/me", headers=headers),
        lambda: live.get("/api/v1/cases", headers=headers),
    ]
    with (
        _writer_holding_the_lock(committing_engine),
        ThreadPoolExecutor(max_workers=6) as pool,
    ):
        statuses = list(pool.map(lambda read: read().status_code, reads * 3))
    assert statuses == [200] * len(reads) * 3


def test_writers_that_read_first_queue_and_all_succeed(live: httpx.Client) -> None:
    """Four applicants each create five drafts at the same time: every one is created
    (a read transaction upgraded to a write would fail with SQLITE_BUSY instead)."""
    applicants = [_sign_in(live, "zhangsan") for _ in range(4)]

    def create_five(headers: dict[str, str]) -> list[int]:
        body = {"code": ITEM, "form_data": {}}
        return [live.post("/api/v1/cases", json=body, headers=headers).status_code for _ in "12345"]

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = [status for batch in pool.map(create_five, applicants) for status in batch]
    assert statuses == [201] * 20


def _assert_busy(api: httpx.Response, page: httpx.Response) -> None:
    """503, Retry-After, a message in the reader's language, never a 500."""
    assert api.status_code == 503, api.text
    assert int(api.headers["Retry-After"]) > 0
    assert api.json()["error"]["code"] == "busy"
    assert "try again" in api.json()["error"]["message"]
    assert page.status_code == 503, page.text
    assert int(page.headers["Retry-After"]) > 0
    assert "系统繁忙" in page.text and "database is locked" not in page.text


def _sign_in_twice(client: httpx.Client, csrf: str) -> tuple[httpx.Response, httpx.Response]:
    """A sign-in through the API (in English) and one through the form."""
    api = client.post(
        "/api/v1/auth/login",
        json={"username": "zhangsan", "password": "demo12345"},
        headers={"Accept-Language": "en"},
    )
    form = {"username": "zhangsan", "password": "demo12345", "csrf_token": csrf}
    return api, client.post("/login", data=form)


def test_a_lock_held_elsewhere_past_the_wait_is_a_503_with_retry_advice(
    impatient: httpx.Client, committing_engine: Engine
) -> None:
    """Another process holds the database's write lock (SQLite) or a table lock
    (PostgreSQL) longer than the server waits: its sign-ins answer 503, its pages 200."""
    csrf = _csrf(impatient)
    with _writer_holding_the_lock(committing_engine):
        api, page = _sign_in_twice(impatient, csrf)
        home = impatient.get("/")
    _assert_busy(api, page)
    assert home.status_code == 200
    assert _sign_in_twice(impatient, csrf)[0].is_success, "once the lock is gone, it works"


def test_a_writer_whose_turn_does_not_come_gets_a_503(
    impatient: httpx.Client, impatient_engine: Engine
) -> None:
    """A unit of work of the same server keeps writing longer than the wait (SQLite: the
    writers' queue; PostgreSQL has none and signs in at once)."""
    csrf = _csrf(impatient)
    with writer_turn(impatient_engine):
        api, page = _sign_in_twice(impatient, csrf)
    if impatient_engine.dialect.name == "sqlite":
        _assert_busy(api, page)
    else:
        assert api.status_code == 200 and page.status_code == 303
