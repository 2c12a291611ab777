"""A real worker process for the tests: ``python -m tests.jobs.worker_process URL LOG``.

It runs the platform's worker loop (``tongban.worker.EmbeddedWorker.run``) with one more
job kind, ``test.record``: it appends ``<n> <pid>`` to the file LOG when it starts (every
time it is handled, even if the process dies before the end), sleeps a little, and writes
an audit entry ``test.job`` for ``n`` in the job's transaction (its effect).
"""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from tongban.audit import service as audit
from tongban.config import Settings
from tongban.jobs.registry import register
from tongban.logs import configure
from tongban.models import load_all
from tongban.web.runtime import Runtime
from tongban.worker import EmbeddedWorker

LOG = Path(sys.argv[2]) if len(sys.argv) > 2 else None


@register("test.record")
def record(session: Session, *, payload: dict[str, Any], now: datetime) -> None:
    """Note the start outside the database, then the effect inside the job's transaction."""
    if LOG is not None:
        with LOG.open("a", encoding="utf-8") as out:
            out.write(f"{payload['n']} {os.getpid()}\n")
    time.sleep(float(payload.get("sleep", 0.05)))
    audit.record(
        session,
        at=now,
        action="test.job",
        actor=audit.SYSTEM,
        object_type="test",
        object_id=payload["n"],
    )


def main() -> None:
    load_all()
    configure(json=True)
    settings = Settings(
        environment="test",
        database_url=sys.argv[1],
        job_poll_seconds=0.05,
        job_lease_seconds=2,
        worker_interval_seconds=3600,
    )
    EmbeddedWorker(Runtime.from_settings(settings)).run()


if __name__ == "__main__":
    main()
