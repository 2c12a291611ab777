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

With ``--profile`` it also prints, at each size, where one ``supervision.dashboard`` over
30 days spends its time: the Tongban functions with the most cumulative time (cProfile)
and the slowest SQL statements (wall time from send to last row); with ``--plot`` it
draws the table (log-log) to a PNG.

    PYTHONPATH=src .venv/bin/python bench/dashboard.py --sizes 1000,10000,30000 \
        [--database-url postgresql+psycopg://…] [--profile] [--plot bench/dashboard.png]
"""

from __future__ import annotations

import cProfile
import io
import pstats
import re
import sys
import time
from typing import Any

from growth import NOW, TZ, arguments, database, median_ms, plot

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


def profile(runtime: Any) -> None:
    """Print the Tongban functions and the SQL statements one ``supervision.dashboard``
    over 30 days spends most time in."""
    from sqlalchemy import event

    from tongban.supervision import service as supervision

    spent: list[tuple[float, str]] = []
    started: list[float] = []

    def before(*_: Any) -> None:
        started.append(time.perf_counter())

    def after(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        spent.append(((time.perf_counter() - started.pop()) * 1000, " ".join(statement.split())))

    profiler = cProfile.Profile()
    event.listen(runtime.engine, "before_cursor_execute", before)
    event.listen(runtime.engine, "after_cursor_execute", after)
    try:
        with runtime.sessions() as session:
            profiler.runcall(supervision.dashboard, session, now=NOW, tz=TZ, days=30)
    finally:
        event.remove(runtime.engine, "before_cursor_execute", before)
        event.remove(runtime.engine, "after_cursor_execute", after)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(r"tongban/", 15)
    text = out.getvalue()
    print(text[text.find("   ncalls") :])
    print(f"{len(spent)} statements, {sum(ms for ms, _ in spent):.0f} ms; the slowest:")
    for ms, statement in sorted(spent, reverse=True)[:8]:
        print(f"  {ms:8.1f} ms  {statement[:160]}")


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
    def extra(parser: Any) -> None:
        parser.add_argument("--profile", action="store_true")
        parser.add_argument("--plot", default="")

    args = arguments(__doc__, sizes="1000,10000,30000", extra=extra)
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
                if args.profile:
                    profile(runtime)
    print(
        f"{'cases':>9} " + " ".join(f"{m:>12}" for m in MEASURES) + "   (ms, medians; sql: count)"
    )
    for size, figures in rows:
        print(f"{size:>9,} " + " ".join(f"{figures[m]:>12.0f}" for m in MEASURES))
    if args.plot:
        database_name = (args.database_url or "sqlite").split(":")[0].split("+")[0]
        timed = tuple(m for m in MEASURES if m != "sql")
        plot(rows, timed, args.plot, f"Supervision dashboard ({database_name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
