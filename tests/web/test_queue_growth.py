"""The staff queue does not grow with the number of cases: a page costs the same number
of SQL statements at 20 and at 200 cases (no statement per row), pages go forward and
back with the filters kept, and paging shows every task exactly once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, event, select
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tests.web.support import SignedIn
from tongban.accounts.models import User
from tongban.cases import service
from tongban.cases.models import Task
from tongban.demo import bulk
from tongban.pii import keys

NOW = datetime(2025, 11, 3, 2, 0, tzinfo=UTC)  # a Monday morning in Fuzhou
ROW = re.compile(r'href="/staff/tasks/(\d+)">')


@contextmanager
def statements(connection: Connection) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(args[2])

    event.listen(connection, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(connection, "before_cursor_execute", count)


def _fill(db: Session, cases: int, seed: int) -> None:
    bulk.fill(db, cases=cases, now=NOW, seed=seed, department="WJW")
    db.commit()


def _cost(client: Any, connection: Connection, url: str, **kw: Any) -> int:
    with statements(connection) as seen:
        response = client.get(url, **kw)
    assert response.status_code == 200, response.text
    return len(seen)


def test_a_queue_page_costs_the_same_statements_at_20_and_200_cases(
    signed_in: SignedIn,
    as_user: Any,
    db: Session,
    connection: Connection,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the keyring's periodic re-read (two statements every 30 s of wall time) is not the
    # queue's cost: on a slow machine it fell inside one of the counted requests
    monkeypatch.setattr(keys, "REFRESH_SECONDS", float("inf"))
    clock.now = NOW
    client = signed_in("wjw")
    api, head = as_user("wjw"), as_user("wjw-hz")  # the head lists every stage (may_act)
    _fill(db, 20, seed=1)
    few = {
        "page": _cost(client, connection, "/staff"),
        "urgent": _cost(client, connection, "/staff?urgency=red"),
        "api": _cost(client, connection, "/api/v1/tasks", headers=api),
        "head_api": _cost(client, connection, "/api/v1/tasks", headers=head),
    }
    _fill(db, 180, seed=2)
    open_tasks = db.scalar(
        select(Task.id).where(Task.department_code == "WJW", Task.state == "open").offset(60)
    )
    assert open_tasks is not None, "the second fill put more than a page in the queue"
    many = {
        "page": _cost(client, connection, "/staff"),
        "urgent": _cost(client, connection, "/staff?urgency=red"),
        "api": _cost(client, connection, "/api/v1/tasks", headers=api),
        "head_api": _cost(client, connection, "/api/v1/tasks", headers=head),
    }
    assert many == few


def test_next_and_previous_pages_keep_the_filters(
    signed_in: SignedIn, db: Session, clock: Clock
) -> None:
    clock.now = NOW
    _fill(db, 400, seed=3)
    client = signed_in("wjw")
    first = client.get("/staff", params={"urgency": "red"}).text
    assert 'rel="prev"' not in first
    link = re.search(r'href="([^"]+)" rel="next">下一页', first)
    assert link, "a second page is offered"
    second = client.get(link.group(1).replace("&amp;", "&")).text
    assert "urgency=red" in link.group(1)
    assert not set(ROW.findall(first)) & set(ROW.findall(second))
    back = re.search(r'href="([^"]+)" rel="prev">上一页', second)
    assert back, "the second page leads back"
    again = client.get(back.group(1).replace("&amp;", "&")).text
    assert ROW.findall(again) == ROW.findall(first)


def test_a_hand_edited_page_position_is_refused_in_words(
    signed_in: SignedIn, as_user: Any, clock: Clock
) -> None:
    clock.now = NOW
    response = signed_in("wjw").get("/staff", params={"after": "yesterday"})
    assert response.status_code == 422 and "翻页位置无效" in response.text
    api = signed_in("wjw").get("/api/v1/tasks", params={"after": "x.y"}, headers=as_user("wjw"))
    assert api.status_code == 422


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    size=st.integers(min_value=1, max_value=17),
    urgency=st.sampled_from(["", "red", "yellow", "green"]),
    hours=st.integers(min_value=0, max_value=24 * 20),
)
def test_paging_shows_every_task_once_in_queue_order(
    db: Session, size: int, urgency: str, hours: int
) -> None:
    if db.info.get("filled") is None:
        bulk.fill(db, cases=120, now=NOW, seed=4, department="WJW")
        db.flush()
        db.info["filled"] = True
    user = db.scalars(select(User).where(User.username == "wjw")).one()
    now = NOW + timedelta(hours=hours)
    whole = service.queue_page(db, user=user, now=now, urgency=urgency, size=10_000).rows
    assert whole == sorted(whole, key=lambda row: row.cursor.key())
    assert all(row.badge == urgency for row in whole) if urgency else True
    if not urgency:  # the badge the SQL filter used is the one each row shows
        for colour in ("red", "yellow", "green"):
            chosen = service.queue_page(db, user=user, now=now, urgency=colour, size=10_000)
            assert [r.task.id for r in chosen.rows] == [
                r.task.id for r in whole if r.badge == colour
            ]
    seen, cursor, pages = [], None, []
    while True:
        found = service.queue_page(db, user=user, now=now, urgency=urgency, after=cursor, size=size)
        seen += [row.task.id for row in found.rows]
        pages.append(found)
        if found.next is None:
            break
        cursor = found.next
    assert seen == [row.task.id for row in whole]
    back = [row.task.id for row in pages[-1].rows]
    previous = pages[-1].previous
    while previous is not None:  # and back again from the last page
        found = service.queue_page(
            db, user=user, now=now, urgency=urgency, before=previous, size=size
        )
        back = [row.task.id for row in found.rows] + back
        previous = found.previous
    assert back == seen
