"""What the benchmarks at growing size share (``scale.py``, ``dashboard.py``): their
command line (``--sizes``, ``--runs``, ``--database-url``), a throw-away database (a SQLite
file in a temporary folder, or an emptied PostgreSQL schema) with the calendar, the bench
catalog and the demo users, filling it with bulk cases up to each size with a progress
bar, and the median time of a call.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
NOW = datetime(2025, 11, 3, 2, 0, tzinfo=UTC)  # Monday 10:00 in Fuzhou
TZ = ZoneInfo("Asia/Shanghai")


def arguments(doc: str, *, sizes: str, extra: Callable[[Any], None] = lambda _: None) -> Any:
    """The parsed command line: ``--sizes`` (comma-separated, ``sizes`` by default),
    ``--runs``, ``--database-url`` (a SQLite file by default) and those ``extra`` adds."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--sizes", default=sizes)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", default="")
    extra(parser)
    args = parser.parse_args()
    args.sizes = [int(s) for s in args.sizes.split(",")]
    return args


def median_ms(
    run: Callable[[], Any], runs: int, clock: Callable[[], float] = time.perf_counter
) -> float:
    """The median time of ``runs`` calls of ``run`` in milliseconds: wall time, or with
    ``clock=time.process_time`` this process's CPU time (steadier on a shared machine;
    a PostgreSQL server's own time is not in it)."""
    times = []
    for _ in range(runs):
        start = clock()
        run()
        times.append((clock() - start) * 1000)
    return statistics.median(times)


@dataclass
class Database:
    url: str
    tmp: Path
    engine: Any
    sessions: Any
    made: int = 0  # cases written so far

    @property
    def postgres(self) -> bool:
        return self.url.startswith("postgresql")

    def fill_to(self, size: int) -> float:
        """Write bulk cases until there are ``size`` (two years of them, ``demo.bulk``),
        with a progress bar; then ANALYZE on PostgreSQL. Returns the seconds written."""
        from rich.progress import Progress

        from tongban.demo import bulk

        with Progress() as progress, self.sessions() as session:
            bar = progress.add_task(f"{size:,} cases", total=size - self.made)
            start = time.perf_counter()
            bulk.fill(
                session,
                cases=size - self.made,
                now=NOW,
                seed=size,
                on_batch=lambda n: progress.advance(bar, n),
            )
            session.commit()
            took = time.perf_counter() - start
        self.made = size
        if self.postgres:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE")
        return took


@contextmanager
def database(url: str, name: str) -> Iterator[Database]:
    """A migrated database at ``url`` (emptied first: PostgreSQL) or, without one, a SQLite
    file ``name``.sqlite3 in a temporary folder that is removed afterwards."""
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        url = url or f"sqlite:///{tmp}/{name}.sqlite3"
        os.environ.update(TONGBAN_DATABASE_URL=url, TONGBAN_FILE_STORE_PATH=str(tmp / "files"))
        from engine import _empty_postgres, prepare

        from tongban.models import load_all

        if url.startswith("postgresql"):
            _empty_postgres(url)
        load_all()
        engine, sessions = prepare(url, tmp, users=None)
        yield Database(url, tmp, engine, sessions)


def plot(
    rows: list[tuple[int, dict[str, float]]], measures: tuple[str, ...], path: str, title: str
) -> None:
    """Draw ``measures`` of ``rows`` (size, figures) against the size, log-log, to ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    sizes = [size for size, _ in rows]
    for measure in measures:
        ax.plot(sizes, [f[measure] for _, f in rows], marker="o", label=measure)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("cases in the database")
    ax.set_ylabel("ms (median)")
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    print(f"plot written to {path}")
