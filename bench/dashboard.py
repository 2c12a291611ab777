"""The supervision dashboard at growing size (issues 12 and 14): fill a database with N
cases in bulk (``tongban.demo.bulk``: about 2.5 tasks each, a realistic state mix over two
years, so most cases are closed), write the daily reform rows of every day
(``tongban metrics rebuild``, timed), then time at each size (median of ``--runs``):

- ``figures 30d`` / ``figures 90d``: ``supervision.dashboard`` over 30 and 90 days;
- ``page 30d`` / ``page 90d``: ``GET /supervision`` as the platform's supervisor (every
  section of the page: reform, ratings, complaints, backfill, alerts);
- ``sql``: the statements of one ``page 30d``.

    PYTHONPATH=src .venv/bin/python bench/dashboard.py --sizes 1000,10000,30000 \
        [--database-url postgresql+psycopg://…]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
NOW = datetime(2025, 11, 3, 2, 0, tzinfo=UTC)  # Monday 10:00 in Fuzhou
TZ = ZoneInfo("Asia/Shanghai")
MEASURES = ("rebuild", "figures 30d", "figures 90d", "page 30d", "page 90d", "sql")


def signed_in(client: Any) -> Any:
    """The client with the session cookie of the demo's platform supervisor."""
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token is not None
    form = {"username": "supervisor", "password": "demo12345", "csrf_token": token.group(1)}
    assert client.post("/login", data=form).status_code == 200
    return client


def statements(engine: Any, run: Any) -> int:
    """How many SQL statements ``run()`` sends."""
    from sqlalchemy import event

    seen = [0]

    def count(*_: Any) -> None:
        seen[0] += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return seen[0]


def measure(runtime: Any, client: Any, runs: int) -> dict[str, float]:
    from scale import median_ms

    from tongban.supervision import service as supervision

    def page(days: int) -> None:
        response = client.get(f"/supervision?days={days}")
        assert response.status_code == 200, response.text[:500]

    figures: dict[str, float] = {}
    with runtime.sessions() as session:
        for days in (30, 90):
            figures[f"figures {days}d"] = median_ms(
                lambda days=days: supervision.dashboard(session, now=NOW, tz=TZ, days=days), runs
            )
    for days in (30, 90):
        figures[f"page {days}d"] = median_ms(lambda days=days: page(days), runs)
    figures["sql"] = statements(runtime.engine, lambda: page(30))
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,30000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        url = args.database_url or f"sqlite:///{tmp}/dashboard.sqlite3"
        os.environ.update(TONGBAN_DATABASE_URL=url, TONGBAN_FILE_STORE_PATH=str(tmp / "files"))
        from engine import _empty_postgres, prepare
        from fastapi.testclient import TestClient
        from rich.progress import Progress

        from tongban.app import create_app
        from tongban.cli.base import load_settings
        from tongban.demo import bulk
        from tongban.files.store import LocalFileStore
        from tongban.models import load_all
        from tongban.supervision import daily
        from tongban.web.runtime import Runtime

        if url.startswith("postgresql"):
            _empty_postgres(url)
        load_all()
        engine, sessions = prepare(url, tmp, users=None)
        runtime = Runtime(
            load_settings(), engine, sessions, LocalFileStore(tmp / "files"), lambda: NOW
        )
        rows, made = [], 0
        with TestClient(create_app(runtime, start_worker=False)) as client:
            signed_in(client)
            for size in sizes:
                with Progress() as progress, sessions() as session:
                    bar = progress.add_task(f"{size:,} cases", total=size - made)
                    bulk.fill(
                        session,
                        cases=size - made,
                        now=NOW,
                        seed=size,
                        on_batch=lambda n, bar=bar: progress.advance(bar, n),
                    )
                    session.commit()
                made = size
                if url.startswith("postgresql"):
                    with engine.connect() as conn:
                        conn.exec_driver_sql("ANALYZE")
                with sessions() as session:
                    start = time.perf_counter()
                    daily.rebuild(session, tz=TZ, now=NOW)
                    session.commit()
                    took = (time.perf_counter() - start) * 1000
                figures = {"rebuild": took, **measure(runtime, client, args.runs)}
                rows.append((size, figures))
                print(f"{size:>9,} cases: " + ", ".join(f"{k} {figures[k]:.0f}" for k in MEASURES))
    print(
        f"{'cases':>9} " + " ".join(f"{m:>12}" for m in MEASURES) + "   (ms, medians; sql: count)"
    )
    for size, figures in rows:
        print(f"{size:>9,} " + " ".join(f"{figures[m]:>12.0f}" for m in MEASURES))
    return 0


if __name__ == "__main__":
    sys.exit(main())
