"""The jobs domain promises: work due at a moment is a row, taken by one worker at a time
and never lost.

- ``enqueue`` writes a job in the caller's transaction (so it exists only if the change
  that asked for it commits); a ``key`` makes it one row that later calls move.
- ``claim`` takes due jobs (and jobs whose worker's lease ran out) with
  ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several workers never take the same
  row; on SQLite the claiming transaction holds the one write lock (``BEGIN IMMEDIATE``).
- ``run_claimed`` runs a claimed batch by the worker's clock: each job sees the time it
  starts and is marked finished at the time it ends, and past half the lease the lease of
  the jobs still to run is renewed, so a batch that takes longer than the lease stays its
  worker's (one job longer than the lease alone is protected by its row lock while it runs).
- ``run`` runs one claimed job in its own transaction, its row locked, and marks it done
  in that transaction: a database effect of a handler and the job's completion commit
  together, so killed at any moment the job is either done once or not at all (and runs
  again when its lease expires). A failure is retried with exponential backoff; after
  ``max_attempts`` the job is ``failed`` and listed for operators (``tongban jobs``, the
  dashboard), never dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

import structlog
from sqlalchemy import Row, Table, and_, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from tongban.db import unit_of_work
from tongban.files.store import FileStore
from tongban.jobs.enums import JobState
from tongban.jobs.errors import JobNotFound
from tongban.jobs.models import Job
from tongban.jobs.registry import batch_of, handler_of, takes_store, together_of
from tongban.timeutil import utcnow

log = structlog.get_logger("tongban.jobs")

DEFAULT_MAX_ATTEMPTS = 8
BACKOFF_SECONDS = 30.0  # first retry after 30 s, then 60, 120 … capped at MAX_BACKOFF
MAX_BACKOFF = timedelta(hours=1)
JOBS = cast(Table, Job.__table__)  # a job moves by Core UPDATEs: no object per job to flush
Claimable = Row[int, str, str, int, int, str | None]  # id, kind, state, attempts, max, locked_by
Clock = Callable[[], datetime]  # the worker's time, UTC


def enqueue(
    session: Session,
    *,
    kind: str,
    due_at: datetime,
    now: datetime | None = None,
    payload: dict[str, Any] | None = None,
    key: str | None = None,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    new_key: bool = False,
) -> Job:
    """Add a job of ``kind`` due at ``due_at`` (UTC); with ``key``, move the one job of
    that key instead (pending again from its first attempt, whatever it was). With
    ``new_key`` the caller knows no job has that key yet (it names a row written in this
    transaction): it is not looked for (the key's unique index still stands guard)."""
    job = session.scalar(select(Job).where(Job.key == key)) if key and not new_key else None
    if job is None:
        job = Job(kind=kind, key=key, created_at=now or utcnow(), attempts=0, runs=0)
        session.add(job)
    job.payload, job.due_at, job.max_attempts = payload or {}, due_at, max_attempts
    job.state, job.attempts, job.last_error = JobState.pending, 0, None
    job.locked_by = job.locked_until = job.finished_at = None
    return job


def enqueue_new(
    session: Session,
    *,
    kind: str,
    jobs: Sequence[tuple[str, datetime, dict[str, Any]]],
    now: datetime,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
) -> None:
    """Add one job of ``kind`` per ``(key, due_at, payload)`` in one statement (an
    executemany): each key names a row written in this transaction, so no job has it yet
    (the unique index stands guard). The rows are not loaded: nothing in the transaction
    that writes them reads them."""
    if not jobs:
        return
    rows = [
        {
            "kind": kind,
            "key": key,
            "payload": payload,
            "state": JobState.pending,
            "due_at": due_at,
            "attempts": 0,
            "max_attempts": max_attempts,
            "created_at": now,
            "runs": 0,
        }
        for key, due_at, payload in jobs
    ]
    session.execute(insert(Job), rows)


def claim(
    session: Session, *, worker: str, now: datetime, lease: timedelta, limit: int = 20
) -> dict[int, str]:
    """Take up to ``limit`` due jobs for ``worker`` until ``now + lease``; returns their ids
    and kinds, in the order taken. A kind that runs together with a larger ``batch``
    (``jobs.registry``) among them is topped up to its batch with more of its due jobs.

    A running job whose lease ran out (its worker died) is taken again; one that has used
    all its attempts that way is marked failed (a job that kills its worker).
    """
    due = or_(
        and_(Job.state == JobState.pending, Job.due_at <= now),
        and_(Job.state == JobState.running, Job.locked_until <= now),
    )
    columns = select(Job.id, Job.kind, Job.state, Job.attempts, Job.max_attempts, Job.locked_by)
    query = columns.where(due).order_by(Job.due_at, Job.id)
    rows = session.execute(query.limit(limit).with_for_update(skip_locked=True)).all()
    taken: dict[int, str] = {}
    _take(session, rows, taken, worker=worker, now=now, lease=lease)
    for kind in dict.fromkeys(row.kind for row in rows):
        more = batch_of(kind) - sum(1 for row in rows if row.kind == kind)
        if more > 0:
            same = query.where(Job.kind == kind, Job.id.not_in([row.id for row in rows]))
            extra = session.execute(same.limit(more).with_for_update(skip_locked=True)).all()
            _take(session, extra, taken, worker=worker, now=now, lease=lease)
    return taken


def _take(
    session: Session,
    rows: Sequence[Claimable],
    taken: dict[int, str],
    *,
    worker: str,
    now: datetime,
    lease: timedelta,
) -> None:
    """Lease ``rows`` (id, kind, state, attempts, max_attempts, locked_by) to ``worker``
    with one UPDATE, but those that used all their attempts."""
    ids = []
    for row in rows:
        if row.state == JobState.running and row.attempts >= row.max_attempts:
            error = f"worker {row.locked_by} stopped during the last run"
            _give_up(
                session, job_id=row.id, kind=row.kind, attempts=row.attempts, now=now, error=error
            )
            continue
        ids.append(row.id)
        taken[row.id] = row.kind
    if ids:
        lent = {"state": JobState.running, "locked_by": worker, "locked_until": now + lease}
        session.execute(
            update(JOBS).where(JOBS.c.id.in_(ids)).values(attempts=JOBS.c.attempts + 1, **lent)
        )


def _give_up(
    session: Session, *, job_id: int, kind: str, attempts: int, now: datetime, error: str
) -> None:
    gone = {"state": JobState.failed, "last_error": error, "finished_at": now}
    session.execute(
        update(JOBS).where(JOBS.c.id == job_id).values(locked_by=None, locked_until=None, **gone)
    )
    log.error("job.failed", job=job_id, kind=kind, attempts=attempts, error=error)


def backoff(attempts: int) -> timedelta:
    """Wait before retry number ``attempts``: 30 s doubled each time, at most an hour."""
    return min(timedelta(seconds=BACKOFF_SECONDS * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


@dataclass(frozen=True)
class Outcome:
    job_id: int
    kind: str
    result: str  # done, rescheduled, retry, failed, skipped (no longer this worker's)


@dataclass
class Lease:
    """A worker's hold on the jobs it claimed at ``claimed_at`` for ``length``, renewed as
    its batch goes on (:meth:`keep`)."""

    sessions: sessionmaker[Session]
    worker: str
    clock: Clock
    length: timedelta
    claimed_at: datetime
    renew_at: datetime = field(init=False)

    def __post_init__(self) -> None:
        self.renew_at = self.claimed_at + self.length / 2

    def keep(self, job_ids: Collection[int]) -> None:
        """Once half the lease has gone, the lease of ``job_ids`` still running for this
        worker runs ``length`` again from now (one UPDATE in its own transaction)."""
        now = self.clock()
        if now >= self.renew_at and job_ids:
            mine = and_(JOBS.c.locked_by == self.worker, JOBS.c.state == JobState.running)
            renewed = update(JOBS).where(JOBS.c.id.in_(job_ids), mine)
            with unit_of_work(self.sessions) as session:
                session.execute(renewed.values(locked_until=now + self.length))
            self.renew_at = now + self.length / 2


def run_claimed(
    claimed: Mapping[int, str], *, lease: Lease, store: FileStore | None = None
) -> list[Outcome]:
    """Run the jobs ``claimed`` under ``lease`` (id → kind, as :func:`claim` returns them):
    the jobs of a kind registered with ``together`` together in one transaction (if one of
    them fails there, each of them runs again alone, so the failure is its own), then every
    other job alone (:func:`run`), in claim order; the lease of those still to run is kept
    (:meth:`Lease.keep`) before each."""
    together: dict[str, list[int]] = {}
    for job_id, kind in claimed.items():
        if together_of(kind) is not None:
            together.setdefault(kind, []).append(job_id)
    left = dict(claimed)
    outcomes: list[Outcome] = []
    for kind, ids in together.items():
        lease.keep(left)
        ran = _run_together(
            lease.sessions, kind=kind, job_ids=ids, worker=lease.worker, clock=lease.clock
        )
        outcomes += ran
        for outcome in ran:
            left.pop(outcome.job_id, None)
    for job_id in list(left):
        lease.keep(left)
        outcomes.append(
            run(lease.sessions, job_id=job_id, worker=lease.worker, clock=lease.clock, store=store)
        )
        del left[job_id]
    return outcomes


def _run_together(
    sessions: sessionmaker[Session], *, kind: str, job_ids: list[int], worker: str, clock: Clock
) -> list[Outcome]:
    if len(job_ids) == 1:
        return []  # runs alone
    now = clock()
    try:
        with unit_of_work(sessions) as session:
            columns = select(Job.id, Job.state, Job.locked_by, Job.payload)
            query = columns.where(Job.id.in_(job_ids)).order_by(Job.id).with_for_update()
            jobs = [row for row in session.execute(query) if _ours(row, worker)]
            run_all = together_of(kind)
            if run_all is None:
                raise LookupError(f"no handler registered for job kind {kind!r}")
            again = run_all(session, [dict(row.payload) for row in jobs], now=now)
            ran = [(row.id, at) for row, at in zip(jobs, again, strict=True)]
            outcomes = _done(session, kind, ran, now=clock())
    except Exception as error:  # each job again alone: its own retry, its own failure
        log.warning("job.together_failed", kind=kind, jobs=len(job_ids), error=str(error))
        return []
    for outcome in outcomes:
        log.info("job.run", job=outcome.job_id, kind=kind, result=outcome.result, worker=worker)
    done = {o.job_id for o in outcomes}
    return outcomes + [Outcome(i, kind, "skipped") for i in job_ids if i not in done]


def run(
    sessions: sessionmaker[Session],
    *,
    job_id: int,
    worker: str,
    clock: Clock,
    store: FileStore | None = None,
) -> Outcome:
    """Run one job claimed by ``worker``: the handler (given the time it starts) and the
    job's completion (at the time it ends, by ``clock``) in one transaction; on an error,
    the retry (or the failure) in another. ``store`` goes to handlers registered with
    ``store=True`` (a job of theirs fails without one)."""
    try:
        with unit_of_work(sessions) as session:
            outcome = _run_locked(session, job_id=job_id, worker=worker, clock=clock, store=store)
    except Exception as error:  # any handler error: retried, and visible once it keeps failing
        with unit_of_work(sessions) as session:
            return _failed(session, job_id=job_id, worker=worker, now=clock(), error=error)
    log.info("job.run", job=job_id, kind=outcome.kind, result=outcome.result, worker=worker)
    return outcome


def _ours(job: Job | Row[int, str, str | None, dict[str, Any]] | None, worker: str) -> bool:
    """Still running for ``worker`` (not moved, not taken over after its lease ran out)."""
    return job is not None and job.state == JobState.running and job.locked_by == worker


def _run_locked(
    session: Session, *, job_id: int, worker: str, clock: Clock, store: FileStore | None
) -> Outcome:
    job = session.scalar(select(Job).where(Job.id == job_id).with_for_update())
    if job is None or not _ours(job, worker):
        return Outcome(job_id, job.kind if job else "?", "skipped")  # moved or taken over
    handler = handler_of(job.kind)
    if handler is None:
        raise LookupError(f"no handler registered for job kind {job.kind!r}")
    now = clock()
    if takes_store(job.kind):
        if store is None:
            raise LookupError(f"job kind {job.kind!r} needs the file store")
        again = handler(session, payload=dict(job.payload), now=now, store=store)
    else:
        again = handler(session, payload=dict(job.payload), now=now)
    return _done(session, job.kind, [(job.id, again)], now=clock())[0]


def _done(
    session: Session, kind: str, ran: Sequence[tuple[int, datetime | None]], *, now: datetime
) -> list[Outcome]:
    """The jobs of ``kind`` that ran by ``now``, each with when to run again: pending again
    then (a recurring watch), else done at ``now``; one UPDATE (executemany) for each of the two. A change
    a handler made to its own job's object (enqueued its key again) is flushed first, so
    the move has the last word, as when the object itself was moved."""
    session.flush()
    again = [{"job_id": job_id, "again": at} for job_id, at in ran if at is not None]
    done = [{"job_id": job_id} for job_id, at in ran if at is None]
    ran_once = {"runs": JOBS.c.runs + 1, "locked_by": None, "locked_until": None}
    moved = update(JOBS).where(JOBS.c.id == bindparam("job_id")).values(last_error=None, **ran_once)
    if again:
        pending = {"state": JobState.pending, "attempts": 0}
        session.execute(moved.values(due_at=bindparam("again"), **pending), again)
    if done:
        session.execute(moved.values(state=JobState.done, finished_at=now), done)
    results = {job_id: "done" if at is None else "rescheduled" for job_id, at in ran}
    return [Outcome(job_id, kind, results[job_id]) for job_id, _ in ran]


def _failed(
    session: Session, *, job_id: int, worker: str, now: datetime, error: Exception
) -> Outcome:
    job = session.get(Job, job_id)
    if job is None or job.locked_by != worker:
        return Outcome(job_id, job.kind if job else "?", "skipped")
    text = f"{type(error).__name__}: {error}"[:2000]
    if job.attempts >= job.max_attempts:
        _give_up(session, job_id=job_id, kind=job.kind, attempts=job.attempts, now=now, error=text)
        return Outcome(job_id, job.kind, "failed")
    job.state, job.last_error, job.due_at = JobState.pending, text, now + backoff(job.attempts)
    job.locked_by = job.locked_until = None
    log.warning("job.retry", job=job_id, kind=job.kind, attempts=job.attempts, error=text)
    return Outcome(job_id, job.kind, "retry")


def list_jobs(
    session: Session, *, state: JobState | None = None, limit: int = 100
) -> Sequence[Job]:
    """Jobs, newest due first; ``state`` failed lists what operators must look at."""
    query = select(Job)
    if state is not None:
        query = query.where(Job.state == state)
    return session.scalars(query.order_by(Job.due_at.desc(), Job.id.desc()).limit(limit)).all()


def counts(session: Session, *, now: datetime) -> dict[str, int]:
    """How many jobs are pending, running, failed, and due but not yet taken (lag)."""
    rows = session.execute(select(Job.state, func.count()).group_by(Job.state)).all()
    figures = {state.value: 0 for state in JobState} | {str(s): int(n) for s, n in rows}
    late = select(func.count()).where(Job.state == JobState.pending, Job.due_at <= now)
    figures["due"] = int(session.scalar(late) or 0)
    return figures


def retry(session: Session, *, job_id: int, now: datetime) -> Job:
    """An operator sends a failed job back to the queue, due now, with fresh attempts.

    Raises ``JobNotFound``."""
    job = session.get(Job, job_id)
    if job is None:
        raise JobNotFound(job_id)
    job.state, job.due_at, job.attempts, job.finished_at = JobState.pending, now, 0, None
    job.locked_by = job.locked_until = None
    return job


def purge_done(session: Session, *, now: datetime, retention: timedelta) -> int:
    """Delete the jobs done before ``now - retention``; returns how many.

    Only ``done`` jobs go: pending and running ones are work, failed ones wait for an
    operator. A keyed job deleted here is simply created again by its next ``enqueue``.
    """
    query = delete(Job).where(Job.state == JobState.done, Job.finished_at < now - retention)
    result = session.execute(query.execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)
