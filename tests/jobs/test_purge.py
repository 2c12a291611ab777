"""Done jobs do not pile up: the worker's sweep deletes those finished longer ago than
``job_retention_days``; pending, running and failed jobs stay whatever their age."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tongban.jobs import service as jobs
from tongban.jobs.enums import JobState
from tongban.jobs.models import Job
from tongban.web.runtime import Runtime
from tongban.worker import run_once


def _job(db: Session, clock: Clock, state: JobState, finished_days_ago: float | None) -> int:
    job = jobs.enqueue(db, kind="test.none", due_at=clock.now - timedelta(days=90), now=clock.now)
    job.state = state
    if finished_days_ago is not None:
        job.finished_at = clock.now - timedelta(days=finished_days_ago)
    db.flush()
    return job.id


def test_done_jobs_past_retention_are_purged_by_the_sweep(
    db: Session, clock: Clock, runtime: Runtime
) -> None:
    assert runtime.settings.job_retention_days == 30
    old = _job(db, clock, JobState.done, 31)
    recent = _job(db, clock, JobState.done, 29)
    failed = _job(db, clock, JobState.failed, 200)
    pending = _job(db, clock, JobState.pending, None)
    db.commit()
    done = run_once(runtime, now=clock.now)
    assert done["jobs_purged"] == ["1"]
    left = set(db.scalars(select(Job.id)))
    assert old not in left
    assert {recent, failed, pending} <= left


def test_retention_is_a_setting(db: Session, clock: Clock) -> None:
    kept = _job(db, clock, JobState.done, 3)
    assert jobs.purge_done(db, now=clock.now, retention=timedelta(days=5)) == 0
    assert jobs.purge_done(db, now=clock.now, retention=timedelta(days=2)) == 1
    assert db.get(Job, kept) is None
