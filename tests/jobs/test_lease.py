"""A worker's lease over the jobs it claimed: a batch whose work outlasts the lease stays
the worker's to the end (no other worker may take a job of it), each job is marked
finished when it ends, and the jobs of a worker that died are taken up again as soon as
their lease ends, not after the backlog of the round.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tongban.jobs import service as jobs
from tongban.jobs.models import Job
from tongban.jobs.registry import register
from tongban.web.runtime import Runtime
from tongban.worker import run_jobs

CLOCKS: list[Clock] = []
FOUND_BY_OTHER: list[dict[int, str]] = []
MINUTE = timedelta(minutes=1)


@register("test.minute")
def a_minute(session: Session, *, payload: dict[str, Any], now: datetime) -> None:
    """Takes a minute of the worker's clock; then, if told to, another worker looks for work."""
    clock = CLOCKS[-1]
    clock.advance(minutes=1)
    if not payload["look"]:
        return
    lease = timedelta(seconds=120)
    FOUND_BY_OTHER.append(jobs.claim(session, worker="other", now=clock.now, lease=lease))


@pytest.fixture(autouse=True)
def _clock(clock: Clock) -> Iterator[None]:
    CLOCKS.append(clock)
    FOUND_BY_OTHER.clear()
    yield
    CLOCKS.clear()


def _minutes(db: Session, clock: Clock, count: int, *, look: bool = False) -> list[Job]:
    made = [
        jobs.enqueue(db, kind="test.minute", due_at=clock.now, payload={"n": n, "look": look})
        for n in range(count)
    ]
    db.commit()
    return made


def test_a_batch_longer_than_its_lease_stays_the_workers_and_each_job_ends_when_done(
    db: Session, clock: Clock, runtime: Runtime
) -> None:
    """Five jobs of a minute each under a two-minute lease: another worker looking after
    every job finds none of them free, each runs once, and each job's ``finished_at`` is
    the minute it ended, not the moment the batch was claimed."""
    assert runtime.settings.job_lease_seconds == 120
    made = _minutes(db, clock, 5, look=True)
    start = clock.now
    ran = run_jobs(runtime, now=clock.now, worker="first")
    assert ran == [f"test.minute#{job.id}:done" for job in made]
    assert FOUND_BY_OTHER == [{}] * 5  # nothing of the batch was free for another worker
    for job in made:
        db.refresh(job)
    assert [job.finished_at for job in made] == [start + MINUTE * (n + 1) for n in range(5)]
    assert [(job.attempts, job.runs) for job in made] == [(1, 1)] * 5  # each claimed once


def test_the_job_of_a_dead_worker_is_taken_when_its_lease_ends_within_a_long_round(
    db: Session, clock: Clock, runtime: Runtime
) -> None:
    """A worker died holding a job; another, busy with four minutes of work, takes it up as
    soon as that lease ends, in the same round, not after the round's backlog."""
    orphan = _minutes(db, clock, 1)[0]
    lease = timedelta(seconds=runtime.settings.job_lease_seconds)
    assert jobs.claim(db, worker="dead", now=clock.now, lease=lease) == {orphan.id: orphan.kind}
    db.commit()
    busy = _minutes(db, clock, 4)
    ran = run_jobs(runtime, now=clock.now, worker="alive")
    assert f"test.minute#{orphan.id}:done" in ran
    db.refresh(orphan)
    assert orphan.locked_by is None and orphan.finished_at is not None
    assert orphan.finished_at <= clock.now and orphan.runs == 1
    assert all(f"test.minute#{job.id}:done" in ran for job in busy)
