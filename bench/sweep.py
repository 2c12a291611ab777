"""The warning/overdue sweep (issue 14, benchmark 4): the worker's round over the watch jobs
due by the end of the day, on fresh databases filled with ``tongban.demo.bulk`` (whose
running clocks carry the alerts and watch jobs the worker would have left), in modes
alternated round by round, each in its own process:

- ``alone``: each job in its own transaction (the kind's set handler unregistered);
- ``together``: the claimed batches of ``clock.watch`` run as a set (``jobs.run_claimed``);
- ``before`` (with ``--before-src``): ``together`` as the code in that folder runs it (a
  ``src`` exported from another commit: ``git archive <commit> src | tar -x -C /tmp/x``).

Each process sweeps twice: the jobs due by the end of the bulk data's day (``day 1``: its
first statement compilations and calendar load are in), then those due by the end of the
next day (``day 2``: warm, what a worker that has run before spends per job). Prints
statements, transactions, CPU (this process: PostgreSQL's own is not in it) and wall time
per job, and per 10,000 jobs, each from its round's start (the imports and the runtime a
worker makes once are left out). A progress bar on stderr while the sweep runs.

    PYTHONPATH=src .venv/bin/python bench/sweep.py [--cases 5000] [--rounds 2] \
        [--database-url postgresql+psycopg://…] [--before-src /tmp/before/src] [--no-alone]

Each round prints two lines per mode (day 1, day 2); with several rounds, the medians follow.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import structlog
from growth import database
from scale import sweep, tonight
from sqlalchemy import event

DAYS = (("d1", timedelta()), ("d2", timedelta(days=1)))
HEADER = (
    f"{'mode':>11} {'jobs':>6} {'stmts/job':>10} {'tx/job':>8} {'cpu ms':>8} {'wall ms':>8}"
    f" {'cpu s/10k':>10} {'wall s/10k':>10}"
)


class Progress:
    """A bar on stderr fed by the worker's own log: one ``job.run`` event per job run."""

    def __init__(self, total: int) -> None:
        self.total, self.ran, self.shown = max(total, 1), 0, 0.0

    def __call__(self, _logger: Any, _name: str, event_dict: Any) -> Any:
        if event_dict.get("event") != "job.run":
            return event_dict  # warnings (a batch that failed) still shown
        self.ran += 1
        if time.monotonic() - self.shown > 0.5 or self.ran == self.total:
            self.shown = time.monotonic()
            done = min(self.ran / self.total, 1.0)
            bar = "#" * int(done * 30)
            print(f"\r  sweep [{bar:<30}] {self.ran}/{self.total} jobs", end="", file=sys.stderr)
        raise structlog.DropEvent


def one(url: str, cases: int, mode: str) -> list[str]:
    """Fill a fresh database, sweep it in ``mode`` at the end of the day, then of the next;
    the figures of each as one line."""
    from tongban.jobs import registry
    from tongban.jobs import service as jobs

    lines = []
    with database(url, f"sweep-{mode}") as db:
        db.fill_to(cases)
        if mode == "alone":
            getattr(registry, "TOGETHER", {}).clear()
        seen: Counter[str] = Counter()

        def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            seen[statement.split()[0]] += 1

        event.listen(db.engine, "before_cursor_execute", count)
        for day, later in DAYS:
            end = tonight() + later
            with db.sessions() as session:
                due = jobs.counts(session, now=end)["due"]
            structlog.configure(
                processors=[Progress(due), structlog.dev.ConsoleRenderer()],
                logger_factory=structlog.PrintLoggerFactory(sys.stderr),
            )
            seen.clear()
            ran, wall, cpu = sweep(db, end)
            print(file=sys.stderr)
            ran = max(ran, 1)
            per_job = [sum(seen.values()) / ran, seen["BEGIN"] / ran, cpu / ran, wall / ran]
            lines.append(line(f"{mode} {day}", [ran, *per_job, cpu / ran * 10, wall / ran * 10]))
    return lines


def line(mode: str, figures: list[float]) -> str:
    """A row under ``HEADER``: jobs, statements, transactions, CPU and wall ms per job, CPU
    and wall s per 10,000 jobs."""
    jobs, statements, transactions, *times = figures
    rest = "".join(f" {f:>{w}.1f}" for f, w in zip(times, (8, 8, 10, 10), strict=True))
    return f"{mode:>11} {jobs:>6.0f} {statements:>10.1f} {transactions:>8.2f}{rest}"


def child(args: argparse.Namespace, mode: str, src: str) -> list[str]:
    """One mode in a process of its own, with ``src`` first on the path: its two lines."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([src, os.environ.get("PYTHONPATH", "")]))
    command = [sys.executable, __file__, "--mode", mode, "--cases", str(args.cases)]
    if args.database_url:
        command += ["--database-url", args.database_url]
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True, check=True)
    return done.stdout.strip().splitlines()[-len(DAYS) :]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--before-src", default="", help="a src folder of another commit")
    parser.add_argument("--no-alone", action="store_true", help="leave each job alone out")
    parser.add_argument("--mode", default="", help=argparse.SUPPRESS)  # a child's one mode
    args = parser.parse_args()
    if args.mode:
        from tongban.models import load_all

        load_all()  # registers the watch job's set handler
        print("\n".join(one(args.database_url, args.cases, args.mode)), flush=True)
        return 0
    here = str(Path(__file__).resolve().parent.parent / "src")
    modes = [("alone", here), ("together", here)][1 if args.no_alone else 0 :]
    if args.before_src:
        modes.insert(len(modes) - 1, ("before", args.before_src))
    print(HEADER, flush=True)
    figures: dict[str, list[list[float]]] = {}
    for _ in range(args.rounds):
        for mode, src in modes:
            for (day, _), row in zip(
                DAYS, child(args, "together" if mode == "before" else mode, src), strict=True
            ):
                label = f"{mode} {day}"
                print(f"{label:>11}{row[11:]}", flush=True)
                figures.setdefault(label, []).append([float(f) for f in row.split()[2:]])
    if args.rounds > 1:
        print("medians:")
        for mode, rows in figures.items():
            middle = [statistics.median(column) for column in zip(*rows, strict=True)]
            print(line(mode, middle), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
