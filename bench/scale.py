"""Benchmark 4, scale: fill a database with N cases in bulk (``tongban.demo.bulk``: rows in
batches, about 2.5 tasks each, a realistic state mix over two years), check a sample by
running it through the service layer, then time at each size (median of ``--runs``):

- the warning/overdue sweep: the worker's run of the watch jobs due by the end of the day
  (once per size: what it runs is then due later), and per 10,000 jobs;
- the staff queue of the busiest department: the first page, and the third by cursor;
- a case looked up by its number;
- the supervision dashboard over 30 and 90 days (its longest period).

    PYTHONPATH=src .venv/bin/python bench/scale.py --sizes 10000,100000 \
        [--database-url postgresql+psycopg://…] [--plot bench/scale.png]

Prints a table, and with ``--plot`` draws it (log-log) with matplotlib.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from growth import NOW, TZ, arguments, database, median_ms, plot

MEASURES = ("sweep", "sweep/10k", "queue p1", "queue p3", "lookup", "dash 30d", "dash 90d")


def tonight() -> datetime:
    """The end of the bulk data's day: limits end at midnight, today's are due then."""
    day = NOW.astimezone(TZ).replace(hour=0, minute=0, second=0, microsecond=0)
    return day + timedelta(days=1)


def sweep(db: Any, end: datetime | None = None) -> tuple[int, float, float]:
    """The worker's round over the watch jobs due by ``end`` (the end of today by default;
    ``worker.run_jobs``: claimed in batches, each job in its own transaction, raising what
    is due and rescheduling the watch): how many ran, the wall time and this process's CPU
    time in ms, both from the round's start (the imports and the runtime a worker makes
    once are left out). Run once per moment (the jobs it runs are then due later)."""
    from tongban.cli.base import load_settings
    from tongban.files.store import LocalFileStore
    from tongban.web.runtime import Runtime
    from tongban.worker import run_jobs

    end = end or tonight()
    store = LocalFileStore(db.tmp / "files")
    runtime = Runtime(load_settings(), db.engine, db.sessions, store, lambda: end)
    start, cpu, ran = time.perf_counter(), time.process_time(), 0
    while done := run_jobs(runtime, now=end, worker="bench"):
        ran += len(done)
    return ran, (time.perf_counter() - start) * 1000, (time.process_time() - cpu) * 1000


def check_sample(sessions: Any, size: int = 30) -> str:
    """Bulk rows behave as the service layer's: recomputing a sample's running clocks moves
    none, their timelines read, and open review tasks are decided through the service."""
    from sqlalchemy import select

    from tongban.accounts.enums import Role
    from tongban.accounts.models import User
    from tongban.cases import service as cases
    from tongban.cases.core import clocks
    from tongban.cases.enums import Stage, TaskOutcome, TaskState
    from tongban.cases.models import Case, Task
    from tongban.files.store import LocalFileStore

    moved = reviewed = 0
    with sessions() as session:
        staff = session.scalars(select(User).where(User.department_code.is_not(None))).all()
        reviewers = {u.department_code: u for u in staff if u.has_role(Role.reviewer)}
        ids = session.scalars(
            select(Task.case_id).where(Task.state == TaskState.open).order_by(Task.id).limit(size)
        ).all()
        for case in session.scalars(select(Case).where(Case.id.in_(ids))):
            moved += len(clocks.recompute(session, case=case))
            cases.timeline(session, case=case, now=NOW)
        reviews = session.scalars(
            select(Task).where(Task.state == TaskState.open, Task.stage == Stage.review).limit(5)
        ).all()
        store = LocalFileStore(Path(tempfile.mkdtemp()))
        for task in reviews:
            cases.review_task(
                session,
                task_id=task.id,
                user=reviewers[task.department_code],
                outcome=TaskOutcome.approved,
                opinion="同意",
                now=NOW,
                store=store,
            )
            reviewed += 1
        session.rollback()
    return (
        f"sample of {len(ids)} cases: {moved} clocks moved on recompute, {reviewed} reviews decided"
    )


def measure(db: Any, runs: int) -> dict[str, float]:
    from sqlalchemy import func, select

    from tongban.accounts.models import User
    from tongban.cases import service as cases
    from tongban.cases.enums import TaskState
    from tongban.cases.models import Case, Task
    from tongban.supervision import metrics

    due, swept, _cpu = sweep(db)
    with db.sessions() as session:
        busiest = session.execute(
            select(Task.department_code, func.count())
            .where(Task.state == TaskState.open)
            .group_by(Task.department_code)
            .order_by(func.count().desc())
            .limit(1)
        ).one()[0]
        staff = next(
            u
            for u in session.scalars(select(User).where(User.department_code == busiest))
            if "reviewer" in u.roles
        )
        top = session.scalar(select(func.max(Case.id)))
        numbers = [
            session.scalar(select(Case.number).where(Case.id == random.randint(1, top)))
            for _ in range(runs)
        ]

        def third_page() -> None:
            first = cases.queue_page(session, user=staff, now=NOW)
            second = cases.queue_page(session, user=staff, now=NOW, after=first.next)
            cases.queue_page(session, user=staff, now=NOW, after=second.next)

        picks = iter(numbers * 2)
        figures = {
            "sweep": swept,
            "queue p1": median_ms(lambda: cases.queue_page(session, user=staff, now=NOW), runs),
            "queue p3": median_ms(third_page, runs) / 3,
            "lookup": median_ms(
                lambda: session.scalar(select(Case).where(Case.number == next(picks))), runs
            ),
            "dash 30d": median_ms(
                lambda: metrics.dashboard(session, now=NOW, tz=TZ, days=30), runs
            ),
            "dash 90d": median_ms(
                lambda: metrics.dashboard(session, now=NOW, tz=TZ, days=90), runs
            ),
        }
        figures["sweep/10k"] = figures["sweep"] * 10_000 / max(due, 1)
        figures["due"] = due
    return figures


def main() -> int:
    args = arguments(
        __doc__,
        sizes="10000,100000",
        extra=lambda parser: parser.add_argument("--plot", default=""),
    )
    with database(args.database_url, "scale") as db:
        rows = []
        for size in args.sizes:
            written, took = size - db.made, db.fill_to(size)
            print(f"{written:,} cases written in {took:.1f} s ({written / took:,.0f}/s)")
            print(check_sample(db.sessions))
            figures = measure(db, args.runs)
            rows.append((size, figures))
            print(
                f"{size:>9,} cases, {int(figures['due'])} watch jobs due by tonight: "
                + ", ".join(f"{k} {figures[k]:.1f} ms" for k in MEASURES)
            )
        _table(rows)
        if args.plot:
            plot(
                rows,
                MEASURES,
                args.plot,
                f"Tongban at scale ({db.url.split(':')[0].split('+')[0]})",
            )
    return 0


def _table(rows: list[tuple[int, dict[str, float]]]) -> None:
    print(f"{'cases':>9} " + " ".join(f"{m:>10}" for m in MEASURES) + "   (ms, medians)")
    for size, figures in rows:
        print(f"{size:>9,} " + " ".join(f"{figures[m]:>10.1f}" for m in MEASURES))


if __name__ == "__main__":
    sys.exit(main())
