"""``tongban metrics`` and ``tongban simulate``: the reform figures' daily rows, and a
month of demo traffic to show them."""

from __future__ import annotations

import time
from datetime import date
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from tongban.catalog import service as catalog
from tongban.cli import base
from tongban.db import reading_session, unit_of_work
from tongban.demo.simulator import Steps
from tongban.demo.simulator import simulate as run_simulation
from tongban.integration import webhooks
from tongban.supervision import daily
from tongban.supervision.daily import compute_days
from tongban.timeutil import utcnow

app = typer.Typer(
    help="Reform figures (改革成效): the daily rows the dashboard reads.", no_args_is_help=True
)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            f"日期格式应为 2026-11-30 (a date like 2026-11-30): {text}"
        ) from None


STEP_DAYS = 7  # days written and committed together by a backfill


def _backfill(first: date, last: date, *, verb: str) -> None:
    """Write the rows of ``first`` … ``last`` a week at a time, each week in its own unit of
    work, with a progress bar in days (idempotent: a stopped run is started again with
    ``--from`` the day it reached)."""
    runtime = base.runtime()
    tz = ZoneInfo(runtime.settings.timezone)
    steps = daily.spans(first, last, days=STEP_DAYS)
    rows = 0
    columns = (TextColumn("重算指标"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=base.console) as progress:
        bar = progress.add_task("days", total=(last - first).days + 1)
        for lo, hi in steps:
            with unit_of_work(runtime.sessions) as session:
                rows += compute_days(session, first=lo, last=hi, tz=tz, now=utcnow())
            progress.advance(bar, (hi - lo).days + 1)
    base.console.print(
        f"已重算 {first} 至 {last}：{rows} 行，分 {len(steps)} 步"
        f" ({verb} {first}..{last}: {rows} rows in {len(steps)} steps)"
    )


@app.command("recompute")
def recompute(
    first: Annotated[str, typer.Option("--from", help="First local day, e.g. 2026-11-01")],
    last: Annotated[str, typer.Option("--to", help="Last local day (default: today)")] = "",
) -> None:
    """Write the daily reform rows of the days FROM … TO again from the cases (idempotent),
    a week at a time with a progress bar."""
    tz = ZoneInfo(base.runtime().settings.timezone)
    lo, hi = _day(first), _day(last) if last else utcnow().astimezone(tz).date()
    if lo > hi:
        raise typer.BadParameter("--from 晚于 --to (--from is after --to)")
    _backfill(lo, hi, verb="recomputed")


@app.command("rebuild")
def rebuild() -> None:
    """Write the daily reform rows of every day from the first case's to today again
    (the backfill after an upgrade, or loading or importing a history; idempotent), a week
    at a time with a progress bar."""
    runtime = base.runtime()
    tz = ZoneInfo(runtime.settings.timezone)
    today = utcnow().astimezone(tz).date()
    with reading_session(runtime.sessions) as session:
        first = min(daily.first_day(session, tz=tz) or today, today)
    _backfill(first, today, verb="rebuilt")


STEP_NAMES = {
    "cases": "模拟办件 (cases)",
    "alerts": "电子监察预警 (alerts)",
    "followups": "差评回访与申诉 (call-backs, appeals)",
    "metrics": "改革指标 (reform rows)",
}


class _Bars(Steps):
    """The simulation's steps as one bar each: cases, alerts raised, call-backs and
    appeals, reform rows."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.current: TaskID | None = None

    def begin(self, name: str, total: int | None) -> None:
        self.finish(self.progress)
        self.current = self.progress.add_task(STEP_NAMES[name], total=total)

    def advance(self, done: int) -> None:
        if self.current is not None:
            self.progress.advance(self.current, done)

    @staticmethod
    def finish(progress: Progress) -> None:
        """Every bar shown full: its step is over."""
        for task in progress.tasks:
            progress.update(task.id, total=task.total or 1, completed=task.total or 1)


def simulate(
    days: Annotated[int, typer.Option(min=1, max=366, help="Days of traffic, ending now")] = 30,
    cases: Annotated[int, typer.Option(min=1, max=200_000, help="Cases to make")] = 10_000,
    seed: Annotated[
        int, typer.Option(help="Random seed: the same seed gives the same traffic")
    ] = 2026,
) -> None:
    """Fill a demo database with DAYS days of traffic (CASES cases across the catalog), timed
    by the platform's rules: corrections, delays, window intake and pickup, ratings good and
    bad with rectifications, call-backs and appeals; then the alerts due by now and the
    reform rows of those days. Run `tongban demo --cases 0` first (calendar, catalog,
    accounts, shared population). Never in production.

    What it writes is marked simulated (each audit entry's data: "simulated": true) and
    told to no one: no webhook subscription receives its events (webhook subscriptions are
    kept and hear live events as before), its messages are left readable in the message
    centre as delivered back then, and no e-mail or SMS is sent for them."""
    runtime = base.runtime()
    if runtime.settings.environment == "production":
        base.console.print("[red]生产环境不能模拟办件 (no simulation in production)[/red]")
        raise typer.Exit(2)
    with reading_session(runtime.sessions) as session:
        if not catalog.list_entries(session):
            base.console.print(
                "[red]目录为空：请先运行 tongban demo --cases 0 (catalog empty: load the demo first)[/red]"
            )
            raise typer.Exit(1)
        subscribed = sum(1 for row in webhooks.list_subscriptions(session) if row.active)
    if subscribed:
        base.console.print(
            f"[yellow]{subscribed} 个事件推送订阅不会收到模拟办件的事件 "
            f"({subscribed} webhook subscriptions are not told of the simulated cases)[/yellow]"
        )
    started = time.monotonic()
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with (
        Progress(*columns, console=base.console) as progress,
        unit_of_work(runtime.sessions) as session,
    ):
        report = run_simulation(
            session,
            store=runtime.store,
            days=days,
            count=cases,
            seed=seed,
            now=utcnow(),
            tz=ZoneInfo(runtime.settings.timezone),
            progress=_Bars(progress),
        )
        _Bars.finish(progress)
    seconds = time.monotonic() - started
    base.console.print(report.summary())
    base.console.print(f"{cases} 个办件用时 {seconds:.0f} 秒 ({cases / seconds:.1f} cases/s)")


__all__ = ["app", "rebuild", "recompute", "simulate"]
