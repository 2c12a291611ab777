"""The background worker: periodic sweeps, and the durable jobs of ``tongban.jobs``.

It can be killed at any moment and started again: a job is claimed in one transaction and
done in another with its effects, so it runs at least once and, for what it writes to the
database, once in effect (``jobs.service``). Several workers may run at once: on
PostgreSQL jobs are claimed with ``FOR UPDATE SKIP LOCKED`` and one worker at a time runs
the sweeps (an advisory lock, let go if its worker dies); on SQLite the one write lock
orders them. Sweeps are idempotent (``run_due_<thing>(session, *, now)``), each in its own
transaction. In the embedded default the worker is a thread of the web server;
``tongban worker`` runs it on its own.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import structlog
from sqlalchemy import text

from tongban.assistant import service as assistant
from tongban.audit.verify import run_due_anchor
from tongban.benefits import service as benefits
from tongban.cases import service as cases
from tongban.db import unit_of_work
from tongban.jobs import service as jobs
from tongban.lenient import service as lenient
from tongban.licences import tasks as licences
from tongban.notifications import service as notifications
from tongban.payments import service as payments
from tongban.privacy import service as privacy
from tongban.ratings import service as ratings
from tongban.supervision import tasks as metrics
from tongban.timeutil import utcnow
from tongban.web.runtime import Runtime

log = structlog.get_logger("tongban.worker")

SWEEP_LOCK = 0x7467_6A6F  # PostgreSQL advisory lock key of the sweeps ("tgjo")
BATCH = 20  # jobs claimed at a time
MAX_BATCHES = 50  # per round, so a round ends and the sweeps get their turn


def worker_name() -> str:
    """This worker's name in ``jobs.locked_by``: host, process and thread."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 100000}"


def _now(runtime: Runtime) -> datetime:
    return runtime.clock() if runtime.clock else utcnow()


def run_sweeps(runtime: Runtime, *, now: datetime) -> dict[str, list[str]]:
    """Run every periodic sweep once, each in its own transaction."""
    with unit_of_work(runtime.sessions) as session:
        accepted = cases.run_deemed_acceptance(session, now=now, store=runtime.store)
    for number in accepted:
        log.info("case.deem_accept", case=number)
    with unit_of_work(runtime.sessions) as session:
        expired = licences.expire_licences(session, now=now)
    with unit_of_work(runtime.sessions) as session:
        proactive = benefits.run_due_benefits(session, now=now, store=runtime.store)
    with unit_of_work(runtime.sessions) as session:
        invited = ratings.run_due_invitations(session, now=now)
    sent = notifications.deliver_backlog(runtime.sessions, now=now, settings=runtime.settings)
    with unit_of_work(runtime.sessions) as session:
        checks = lenient.run_due_post_checks(session, now=now)
    with unit_of_work(runtime.sessions) as session:
        deficiencies = lenient.run_due_deficiencies(session, now=now, store=runtime.store)
    with unit_of_work(runtime.sessions) as session:
        retention = timedelta(days=runtime.settings.job_retention_days)
        jobs_purged = jobs.purge_done(session, now=now, retention=retention)
        settings = runtime.settings
        metrics.ensure_refresh(
            session, now=now, tz=settings.timezone, minutes=settings.metrics_refresh_minutes
        )
    purged = privacy.run_due_purge(
        runtime.sessions, store=runtime.store, now=now, settings=runtime.settings
    )
    with unit_of_work(runtime.sessions) as session:
        paid = payments.run_due_payments(session, now=now)
    with unit_of_work(runtime.sessions) as session:
        reconciled = payments.run_due_reconciliation(session, now=now)
    with unit_of_work(runtime.sessions) as session:
        anchored = run_due_anchor(session)
    with unit_of_work(runtime.sessions) as session:
        cut = assistant.cut_published(session, now=now)
    return {
        "deemed_accepted": accepted,
        "licences_expired": expired,
        "post_checks_overdue": checks,
        "deficiencies_due": deficiencies,
        "benefits_run": proactive,
        "ratings_invited": invited,
        "notifications_sent": sent,
        "audit_anchored": anchored,
        "cases_purged": purged,
        "payments": paid,
        "reconciled": reconciled,
        "jobs_purged": [str(jobs_purged)] if jobs_purged else [],
        "assistant_cut": [str(cut)] if cut else [],
    }


@contextmanager
def sweep_turn(runtime: Runtime) -> Iterator[bool]:
    """Whether this worker runs the sweeps now: on PostgreSQL only the holder of an
    advisory lock (held by its connection, so released if its process dies)."""
    if runtime.engine.dialect.name != "postgresql":
        yield True
        return
    # A connection of its own, its transaction ended at once: the lock belongs to the
    # connection, and no transaction stays open around the sweeps' own.
    with runtime.engine.connect() as conn:
        ours = bool(conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": SWEEP_LOCK}))
        conn.commit()
        try:
            yield ours
        finally:
            if ours:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": SWEEP_LOCK})
                conn.commit()


def run_jobs(runtime: Runtime, *, now: datetime, worker: str | None = None) -> list[str]:
    """Claim and run due jobs until none is due (or ``MAX_BATCHES`` batches), the round
    starting at ``now`` and going on by the worker's clock (each batch claimed, and each
    job run, at the time it comes to); returns ``kind#id:result`` for each."""
    name = worker or worker_name()
    length = timedelta(seconds=runtime.settings.job_lease_seconds)
    began = _now(runtime)

    def clock() -> datetime:
        return now + (_now(runtime) - began)

    ran: list[str] = []
    for _ in range(MAX_BATCHES):
        claimed_at = clock()
        with unit_of_work(runtime.sessions) as session:
            taken = jobs.claim(session, worker=name, now=claimed_at, lease=length, limit=BATCH)
        if not taken:
            break
        lease = jobs.Lease(runtime.sessions, name, clock, length, claimed_at)
        outcomes = jobs.run_claimed(taken, lease=lease, store=runtime.store)
        ran += [f"{o.kind}#{o.job_id}:{o.result}" for o in outcomes]
    return ran


def run_once(runtime: Runtime, *, now: datetime | None = None) -> dict[str, list[str]]:
    """Run every sweep once (if it is this worker's turn), then every due job;
    returns what each did."""
    moment = now or _now(runtime)
    done: dict[str, list[str]] = {}
    with sweep_turn(runtime) as ours:
        if ours:
            done.update(run_sweeps(runtime, now=moment))
    done["jobs"] = run_jobs(runtime, now=now or _now(runtime))  # the time after the sweeps
    return done


class EmbeddedWorker:
    """A thread running the sweeps every ``worker_interval_seconds`` and due jobs every
    ``job_poll_seconds``; ``tongban worker`` runs :meth:`run` in the foreground."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self.run, name="tongban-worker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def run(self) -> None:
        """Loop until stopped; a failed sweep or round is logged and tried again later."""
        settings = self.runtime.settings
        name, last_sweep = worker_name(), None
        log.info("worker.start", worker=name)
        while not self._stop.is_set():
            now = _now(self.runtime)
            if last_sweep is None or (now - last_sweep).total_seconds() >= (
                settings.worker_interval_seconds
            ):
                last_sweep = now
                self._guarded("worker.sweeps_failed", self._sweep, now)
            # The time after the sweeps: a lease is counted from when its jobs are claimed.
            claiming = _now(self.runtime)
            self._guarded("worker.jobs_failed", lambda at: run_jobs(self.runtime, now=at), claiming)
            self._stop.wait(settings.job_poll_seconds)
        log.info("worker.stop", worker=name)

    def _sweep(self, now: datetime) -> None:
        with sweep_turn(self.runtime) as ours:
            if ours:
                run_sweeps(self.runtime, now=now)

    @staticmethod
    def _guarded(event: str, step: Callable[[datetime], object], now: datetime) -> None:
        try:
            step(now)
        except Exception:  # a failed round is logged and retried next round
            log.exception(event)
