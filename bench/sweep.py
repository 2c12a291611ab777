"""The warning/overdue sweep (issue 14, benchmark 4): the worker's round over the watch jobs
due by the end of the day, each job alone in its own transaction against the jobs of the
kind run together (``jobs.run_claimed``: the clocks, cases, pauses and tasks read at once,
one commit and one audit seal per claimed batch), alternated in rounds on fresh databases
filled with ``tongban.demo.bulk`` (whose running clocks carry the alerts and watch jobs the
worker would have left). Prints statements, CPU and wall time per job, and per 10,000.

    PYTHONPATH=src .venv/bin/python bench/sweep.py [--cases 5000] [--rounds 2] \
        [--database-url postgresql+psycopg://…]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from typing import Any

from growth import database
from scale import sweep
from sqlalchemy import event


def one(url: str, cases: int, mode: str) -> str:
    from tongban.jobs import registry

    with database(url, f"sweep-{mode}") as db:
        db.fill_to(cases)
        seen: Counter[str] = Counter()

        def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            seen[statement.split()[0]] += 1

        event.listen(db.engine, "before_cursor_execute", count)
        kept = dict(registry.PREPARERS)
        if mode == "alone":
            registry.PREPARERS.clear()
        try:
            start = time.process_time()
            ran, wall = sweep(db)
            cpu = (time.process_time() - start) * 1000
        finally:
            registry.PREPARERS.update(kept)
        ran = max(ran, 1)
        return (
            f"{mode:>8} {ran:>6} {sum(seen.values()) / ran:>10.1f} {seen['BEGIN'] / ran:>8.2f}"
            f" {cpu / ran:>8.1f} {wall / ran:>8.1f} {cpu / ran * 10:>10.1f} {wall / ran * 10:>10.1f}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    from tongban.models import load_all

    load_all()  # registers the watch job's preparer
    print(
        f"{'mode':>8} {'jobs':>6} {'stmts/job':>10} {'tx/job':>8} {'cpu ms':>8} {'wall ms':>8}"
        f" {'cpu s/10k':>10} {'wall s/10k':>10}"
    )
    for _ in range(args.rounds):
        for mode in ("alone", "together"):
            print(one(args.database_url, args.cases, mode), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
