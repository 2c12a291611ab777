"""The background worker: runs due jobs from database rows, each in its own transaction.

It can be killed at any moment and started again: every job is idempotent, so work
is done at least once and never twice in effect. In the embedded default it runs as a
thread inside the web server; ``tongban worker`` runs it on its own.
"""

from __future__ import annotations

import threading
from datetime import datetime

import structlog

from tongban.cases import service as cases
from tongban.db import unit_of_work
from tongban.lenient import service as lenient
from tongban.licences import tasks as licences
from tongban.timeutil import utcnow
from tongban.web.runtime import Runtime

log = structlog.get_logger("tongban.worker")


def run_once(runtime: Runtime, *, now: datetime | None = None) -> dict[str, list[str]]:
    """Run every job once; returns what each job did."""
    moment = now or (runtime.clock() if runtime.clock else utcnow())
    with unit_of_work(runtime.sessions) as session:
        accepted = cases.run_deemed_acceptance(session, now=moment, store=runtime.store)
    for number in accepted:
        log.info("case.deem_accept", case=number)
    with unit_of_work(runtime.sessions) as session:
        expired = licences.expire_licences(session, now=moment)
    with unit_of_work(runtime.sessions) as session:
        checks = lenient.run_due_post_checks(session, now=moment)
    with unit_of_work(runtime.sessions) as session:
        deficiencies = lenient.run_due_deficiencies(session, now=moment, store=runtime.store)
    return {
        "deemed_accepted": accepted,
        "licences_expired": expired,
        "post_checks_overdue": checks,
        "deficiencies_due": deficiencies,
    }


class EmbeddedWorker:
    """A daemon thread calling :func:`run_once` every ``worker_interval_seconds``."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="tongban-worker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                run_once(self.runtime)
            except Exception:  # a failed round is logged and retried next round
                log.exception("worker.round_failed")
            self._stop.wait(self.runtime.settings.worker_interval_seconds)
