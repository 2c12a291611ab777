"""The job queue in one process: a failing job is retried with growing waits and, past its
attempts, kept as failed where operators see it (``tongban jobs``, the dashboard); a job
whose worker died runs again when the lease ends; a keyed job is one row that moves.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

import pytest
import structlog
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.conftest import Clock
from tongban.audit import service as audit
from tongban.audit.models import AuditEntry
from tongban.cli import app, base
from tongban.jobs import service as jobs
from tongban.jobs.enums import JobState
from tongban.jobs.models import Job
from tongban.jobs.registry import register
from tongban.web.runtime import Runtime
from tongban.worker import SWEEP_LOCK, run_once

CALLS: list[int] = []
PREPARED: list[list[int]] = []


@register("test.flaky")
def flaky(session: Session, *, payload: dict[str, Any], now: datetime) -> None:
    """Fails until ``payload["fails"]`` calls have been made."""
    CALLS.append(payload["n"])
    if CALLS.count(payload["n"]) <= payload["fails"]:
        raise RuntimeError("数据源暂时无法访问")


def _together(
    session: Session, payloads: Sequence[dict[str, Any]], *, now: datetime
) -> list[datetime | None]:
    PREPARED.append([payload["n"] for payload in payloads])
    return [together(session, payload=payload, now=now) for payload in payloads]


@register("test.together", together=_together, batch=30)
def together(session: Session, *, payload: dict[str, Any], now: datetime) -> None:
    """Writes its effect (an audit entry) in the job's transaction; fails when told to."""
    CALLS.append(payload["n"])
    audit.record(
        session,
        at=now,
        action="test.together",
        actor=audit.SYSTEM,
        object_type="test",
        object_id=payload["n"],
    )
    if payload.get("fails"):
        raise RuntimeError("数据源暂时无法访问")


def _ours(done: dict[str, list[str]]) -> list[str]:
    """The jobs of this test, not the recurring metrics refresh every round makes sure of."""
    return [ran for ran in done["jobs"] if not ran.startswith("metrics.refresh#")]


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    CALLS.clear()
    PREPARED.clear()
    yield
    structlog.reset_defaults()  # the CLI points structlog at its own, closed, stream


def _job(db: Session, clock: Clock, *, n: int, fails: int, max_attempts: int = 3) -> Job:
    job = jobs.enqueue(
        db,
        kind="test.flaky",
        due_at=clock.now,
        payload={"n": n, "fails": fails},
        max_attempts=max_attempts,
    )
    db.commit()
    return job


def test_a_failing_job_is_retried_with_backoff_then_kept_as_failed(
    db: Session, clock: Clock, runtime: Runtime, client: TestClient, as_user: Any
) -> None:
    job = _job(db, clock, n=1, fails=99)
    assert _ours(run_once(runtime)) == [f"test.flaky#{job.id}:retry"]
    db.refresh(job)
    assert job.state == JobState.pending and job.due_at == clock.now + timedelta(seconds=30)
    assert "数据源暂时无法访问" in (job.last_error or "")
    clock.advance(seconds=29)
    assert _ours(run_once(runtime)) == []  # not yet due
    clock.advance(seconds=1)
    assert _ours(run_once(runtime)) == [f"test.flaky#{job.id}:retry"]
    db.refresh(job)
    assert job.due_at == clock.now + timedelta(seconds=60)  # the wait doubles
    clock.advance(seconds=60)
    assert _ours(run_once(runtime)) == [f"test.flaky#{job.id}:failed"]
    db.refresh(job)
    assert job.state == JobState.failed and job.attempts == 3
    clock.advance(days=1)
    assert _ours(run_once(runtime)) == []  # given up, but kept
    assert jobs.counts(db, now=clock.now)["failed"] == 1

    listed = CliRunner().invoke(app, ["jobs", "list"], catch_exceptions=False)
    assert "failed=1" in listed.output and f"{job.id}\ttest.flaky\tfailed" in listed.output
    assert "数据源暂时无法访问" in listed.output
    page = client.get("/supervision", headers=as_user("supervisor"))
    assert page.status_code == 200
    assert "失败作业" in page.text

    retried = CliRunner().invoke(app, ["jobs", "retry", str(job.id)], catch_exceptions=False)
    assert retried.exit_code == 0 and "pending" in retried.output
    missing = CliRunner().invoke(app, ["jobs", "retry", "999999"])
    assert missing.exit_code == 2 and "没有编号为 999999 的作业" in missing.output


@pytest.fixture(autouse=True)
def _cli_runtime(monkeypatch: pytest.MonkeyPatch, runtime: Runtime) -> None:
    monkeypatch.setattr(base, "runtime", lambda: runtime)


def test_a_job_that_recovers_is_done_once(db: Session, clock: Clock, runtime: Runtime) -> None:
    job = _job(db, clock, n=2, fails=1)
    run_once(runtime)
    clock.advance(seconds=30)
    assert _ours(run_once(runtime)) == [f"test.flaky#{job.id}:done"]
    db.refresh(job)
    assert (job.state, job.runs, job.last_error) == (JobState.done, 1, None)
    assert CALLS == [2, 2]


def test_a_claimed_job_whose_worker_died_runs_again_after_the_lease(
    db: Session, clock: Clock, runtime: Runtime
) -> None:
    job = _job(db, clock, n=3, fails=0)
    lease = timedelta(seconds=runtime.settings.job_lease_seconds)
    assert jobs.claim(db, worker="dead", now=clock.now, lease=lease) == {job.id: job.kind}
    db.commit()  # … and the worker "dead" is killed before it runs it
    assert _ours(run_once(runtime)) == []  # still leased to it
    clock.advance(seconds=runtime.settings.job_lease_seconds)
    assert _ours(run_once(runtime)) == [f"test.flaky#{job.id}:done"]
    assert CALLS == [3]


def test_jobs_of_a_prepared_kind_run_together_and_a_failure_stays_their_own(
    db: Session, clock: Clock, runtime: Runtime
) -> None:
    """A worker's round over many watch jobs reads what they need at once and commits them
    together; one job that fails there does not fail the others: each runs again alone,
    and its effect is written once, with its job's completion."""
    made = [
        jobs.enqueue(db, kind="test.together", due_at=clock.now, payload={"n": n}) for n in range(3)
    ]
    db.commit()
    assert sorted(_ours(run_once(runtime))) == sorted(f"test.together#{j.id}:done" for j in made)
    assert PREPARED == [[0, 1, 2]] and CALLS == [0, 1, 2]

    PREPARED.clear()
    CALLS.clear()
    more = [
        jobs.enqueue(db, kind="test.together", due_at=clock.now, payload={"n": n, "fails": n == 4})
        for n in range(3, 6)
    ]
    db.commit()
    ran = _ours(run_once(runtime))
    assert sorted(ran) == sorted(
        f"test.together#{j.id}:{'retry' if j.payload['n'] == 4 else 'done'}" for j in more
    )
    assert PREPARED == [[3, 4, 5]] and CALLS == [3, 4, 3, 4, 5]  # together, then each alone
    for job in more:
        db.refresh(job)
    assert [job.state for job in more] == [JobState.done, JobState.pending, JobState.done]
    effects = db.scalars(select(AuditEntry.object_id).where(AuditEntry.action == "test.together"))
    assert sorted(effects) == ["0", "1", "2", "3", "5"]  # each once; 4 failed


def test_a_kind_run_together_is_claimed_by_its_own_batch_in_due_order(
    db: Session, clock: Clock, runtime: Runtime
) -> None:
    """A day's 25 watch-like jobs run in one transaction, more than the worker's usual
    batch of 20; a job of another kind due before them still runs, alone, in its turn."""
    first = _job(db, clock, n=100, fails=0)
    first.due_at = clock.now - timedelta(minutes=1)
    made = [
        jobs.enqueue(db, kind="test.together", due_at=clock.now, payload={"n": n})
        for n in range(25)
    ]
    db.commit()
    ran = _ours(run_once(runtime))
    assert sorted(ran) == sorted(
        [f"test.flaky#{first.id}:done", *(f"test.together#{j.id}:done" for j in made)]
    )
    day = list(range(25))
    assert [day] == PREPARED and [*day, 100] == CALLS  # one batch, then the other kind


def test_a_keyed_job_is_one_row_that_moves(db: Session, clock: Clock) -> None:
    first = jobs.enqueue(db, kind="test.flaky", key="k:1", due_at=clock.now, payload={"n": 4})
    later = clock.now + timedelta(days=2)
    again = jobs.enqueue(db, kind="test.flaky", key="k:1", due_at=later, payload={"n": 4})
    assert again is first and first.due_at == later and first.state == JobState.pending


@pytest.mark.postgres
def test_one_worker_at_a_time_runs_the_sweeps_on_postgresql(runtime: Runtime) -> None:
    with runtime.engine.connect() as other:  # another worker, in the middle of its sweeps
        assert other.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": SWEEP_LOCK})
        done = run_once(runtime)
        assert "deemed_accepted" not in done and _ours(done) == []  # jobs still run
        other.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": SWEEP_LOCK})
    assert "deemed_accepted" in run_once(runtime)
