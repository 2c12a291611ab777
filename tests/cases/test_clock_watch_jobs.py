"""The watch jobs of clocks (``cases.core.watch``) are written at the commit, for the
clocks still running then, whatever flushed the clocks before."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Connection, event, select
from sqlalchemy.orm import Session

from tests.factories import submitted
from tongban.cases.core import clocks
from tongban.cases.enums import ClockKind, Stage
from tongban.cases.models import Case, Task
from tongban.jobs.models import Job
from tongban.timeutil import utcnow

EIA = "3501-ST-001"  # 环评报告表审批


def _fresh_case(client: TestClient, as_user, db: Session) -> Case:  # type: ignore[no-untyped-def]
    """A submitted case read in a new unit of work: its clocks not loaded yet."""
    number = submitted(client, as_user("minfeng"), EIA)["number"]
    db.expire_all()
    return db.scalars(select(Case).where(Case.number == number)).one()


def _watched(db: Session) -> set[str]:
    return set(db.scalars(select(Job.key).where(Job.kind == "clock.watch")))


def test_a_clock_started_and_stopped_in_one_unit_of_work_gets_no_watch_job(
    client: TestClient,
    as_user,  # type: ignore[no-untyped-def]
    db: Session,
) -> None:
    """Found counting statements (issue 11): a whole-case clock started on a case whose
    clocks were not loaded yet was flushed by loading them, and its watch job was queued
    at once (a look-up by key, an INSERT), though the clock stopped before the commit."""
    case = _fresh_case(client, as_user, db)
    now = utcnow()
    clock = clocks.start_clock(
        db, case=case, kind=ClockKind.promised, unit="working_days", limit=5, now=now
    )
    assert clock.id is not None  # flushed by the load of the case's clocks
    clocks.stop_clocks(db, case=case, now=now, kinds=[ClockKind.promised])
    db.commit()
    assert f"clock.watch:{clock.id}" not in _watched(db)


def test_a_clock_still_running_at_the_commit_is_watched_from_its_first_moment(
    client: TestClient,
    as_user,  # type: ignore[no-untyped-def]
    db: Session,
) -> None:
    case = _fresh_case(client, as_user, db)
    now = utcnow()
    clock = clocks.start_clock(
        db, case=case, kind=ClockKind.legal, unit="working_days", limit=20, now=now
    )
    db.commit()
    job = db.scalars(select(Job).where(Job.key == f"clock.watch:{clock.id}")).one()
    assert now < job.due_at < clock.due_at  # the warning, before the limit runs out
    assert job.payload == {"id": clock.id}


def test_the_clocks_started_in_one_unit_of_work_get_their_watch_jobs_in_one_statement(
    client: TestClient,
    as_user,  # type: ignore[no-untyped-def]
    db: Session,
    connection: Connection,
) -> None:
    """An acceptance starts a review clock per department and the case's promised and
    legal clocks: their watch jobs were one INSERT each at the commit (issue 11)."""
    case = _fresh_case(client, as_user, db)
    now = utcnow()
    reviews = [
        Task(case=case, stage=Stage.review, department_code=case.lead_department, started_at=now)
        for _ in range(2)
    ]
    db.add_all(reviews)
    started = clocks.start_stage_clocks(
        db, case=case, now=now, limits=[(task, "working_days", 5) for task in reviews]
    )
    for kind in (ClockKind.promised, ClockKind.legal):
        started.append(
            clocks.start_clock(db, case=case, kind=kind, unit="working_days", limit=20, now=now)
        )
    inserts: list[Any] = []

    def count(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.startswith("INSERT INTO jobs"):
            inserts.append(parameters)

    event.listen(connection, "before_cursor_execute", count)
    try:
        db.commit()
    finally:
        event.remove(connection, "before_cursor_execute", count)
    assert len(inserts) == 1
    for clock in started:
        job = db.scalars(select(Job).where(Job.key == f"clock.watch:{clock.id}")).one()
        assert (job.kind, job.state, job.payload) == ("clock.watch", "pending", {"id": clock.id})
        assert now < job.due_at < clock.due_at
