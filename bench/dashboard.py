"""The supervision dashboard at growing size (issues 12 and 14): fill a database with N
cases in bulk (``tongban.demo.bulk``: about 2.5 tasks each, a realistic state mix over two
years, so most cases are closed), write the daily reform rows of every day
(``tongban metrics rebuild``, timed), then time at each size (median of ``--runs``):

- ``figures 30d`` / ``figures 90d``: ``supervision.dashboard`` over 30 and 90 days, and
  ``cpu 30d`` / ``cpu 90d`` the same in this process's CPU time (SQLite runs in it; the
  PostgreSQL server's time is not counted), steadier than wall time on a shared machine;
- ``page 30d`` / ``page 90d``: ``GET /supervision`` as the platform's supervisor (every
  section of the page: reform, ratings, complaints, backfill, alerts);
- ``sql``: the statements of one ``page 30d``.

    PYTHONPATH=src .venv/bin/python bench/dashboard.py --sizes 1000,10000,30000 \
        [--database-url postgresql+psycopg://…]
"""

from __future__ import annotations

import re
import sys
import time
from typing import Any

from growth import NOW, TZ, arguments, database, median_ms

MEASURES = (
    "rebuild",
    "figures 30d",
    "cpu 30d",
    "figures 90d",
    "cpu 90d",
    "page 30d",
    "page 90d",
    "sql",
)


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
    from tongban.supervision import service as supervision

    def page(days: int) -> None:
        response = client.get(f"/supervision?days={days}")
        assert response.status_code == 200, response.text[:500]

    figures: dict[str, float] = {}
    with runtime.sessions() as session:
        for days in (30, 90):

            def drawn(days: int = days) -> None:
                supervision.dashboard(session, now=NOW, tz=TZ, days=days)

            figures[f"figures {days}d"] = median_ms(drawn, runs)
            figures[f"cpu {days}d"] = median_ms(drawn, runs, clock=time.process_time)
    for days in (30, 90):
        figures[f"page {days}d"] = median_ms(lambda days=days: page(days), runs)
    figures["sql"] = statements(runtime.engine, lambda: page(30))
    return figures


def main() -> int:
    args = arguments(__doc__, sizes="1000,10000,30000")
    with database(args.database_url, "dashboard") as db:
        from fastapi.testclient import TestClient

        from tongban.app import create_app
        from tongban.cli.base import load_settings
        from tongban.files.store import LocalFileStore
        from tongban.supervision import daily
        from tongban.web.runtime import Runtime

        store = LocalFileStore(db.tmp / "files")
        runtime = Runtime(load_settings(), db.engine, db.sessions, store, lambda: NOW)
        rows = []
        with TestClient(create_app(runtime, start_worker=False)) as client:
            signed_in(client)
            for size in args.sizes:
                db.fill_to(size)
                with db.sessions() as session:
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
