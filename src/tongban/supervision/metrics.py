"""Figures for e-supervision (电子监察 / 数据驾驶舱): what is late and whose it is,
volumes, on-time rates and working time per item and per stage, computed from the case,
task and clock rows (never stored counters).

Counting happens in the database (GROUP BY); working time, which needs the holiday
calendar, is measured in ``durations``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, distinct, func, select
from sqlalchemy.orm import QueryableAttribute, Session, selectinload

from tongban.cases.core import clocks
from tongban.cases.enums import CaseState, Channel, Stage
from tongban.cases.models import Case, Task
from tongban.supervision import durations
from tongban.supervision.measures import (
    Dates,
    Status,
    as_date,
    case_conditions,
    task_conditions,
)

PERIODS = (7, 30, 90)


def on_time_rate(finished: int, late: int) -> float | None:
    """The share of finished cases that were not late; None before any has finished."""
    return round((finished - late) / finished, 3) if finished else None


@dataclass
class Counts:
    """Cases of one department, item or the whole platform (see ``measures``)."""

    open: int = 0
    due_soon: int = 0
    overdue: int = 0
    finished: int = 0
    late: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return on_time_rate(self.finished, self.late)


@dataclass
class ItemFigures(Counts):
    received: int = 0
    time: dict[str, durations.Average] = field(default_factory=dict)  # unit → decision time


@dataclass
class WeekFigures:
    dates: Dates
    finished: int = 0
    late: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return on_time_rate(self.finished, self.late)


@dataclass
class Dashboard:
    period: Dates
    by_state: dict[str, int]
    total: ItemFigures
    departments: dict[str, Counts]
    items: dict[str, ItemFigures]
    channels: dict[str, ItemFigures]
    overdue: list[Task]
    received_per_day: list[tuple[date, int]]
    weeks: list[WeekFigures]
    stages: dict[Stage, dict[str, durations.Average]]  # stage → unit → time the stage took
    stages_completed: dict[Stage, int]


def _by_state(scope: durations.Scope) -> dict[str, int]:
    rows = scope.session.execute(
        select(Case.state, func.count())
        .where(Case.state != CaseState.draft, *scope.cases())
        .group_by(Case.state)
    ).all()
    return {str(state): int(count) for state, count in rows}


def _departments(scope: durations.Scope) -> dict[str, Counts]:
    figures: dict[str, Counts] = defaultdict(Counts)
    for status in Status:
        conditions = task_conditions(status, now=scope.now, dates=scope.dates(status))
        # No join with cases: a draft has no tasks.
        query = (
            select(Task.department_code, func.count(distinct(Task.case_id)))
            .where(*conditions, *scope.tasks())
            .group_by(Task.department_code)
        )
        for department, count in scope.session.execute(query):
            setattr(figures[department], status, int(count))
    return dict(sorted(figures.items()))


def _counted(scope: durations.Scope, column: QueryableAttribute[Any]) -> dict[str, ItemFigures]:
    """The counts of every status and the cases received, by ``column`` of the case."""
    figures: dict[str, ItemFigures] = defaultdict(ItemFigures)
    for status in Status:
        conditions = case_conditions(status, now=scope.now, dates=scope.dates(status))
        for key, count in _count_by(scope.session, column, [*conditions, *scope.cases()]):
            setattr(figures[key], status, count)
    received = [scope.period.holds(Case.submitted_at), *scope.cases()]
    for key, count in _count_by(scope.session, column, received):
        figures[key].received = count
    return figures


def _items(scope: durations.Scope) -> dict[str, ItemFigures]:
    figures = _counted(scope, Case.catalog_code)
    for code, unit, count, start, end, *days in scope.session.execute(
        durations.decision_spans(scope)
    ):
        average = figures[code].time.setdefault(unit, durations.Average())
        average.total += count * scope.working_time(unit, start, end, (days[0], days[1]))
        average.count += count
    return dict(sorted(figures.items()))


def _channels(scope: durations.Scope) -> dict[str, ItemFigures]:
    """Figures by channel (办事渠道): every channel makes the same cases, counted alike."""
    figures = _counted(scope, Case.channel)
    return {str(channel): figures[channel] for channel in Channel if channel in figures}


def _count_by(
    session: Session, column: QueryableAttribute[Any], conditions: list[ColumnElement[bool]]
) -> list[tuple[str, int]]:
    query = (
        select(column, func.count())
        .where(Case.state != CaseState.draft, *conditions)
        .group_by(column)
    )
    return [(str(key), int(count)) for key, count in session.execute(query)]


def _received_per_day(scope: durations.Scope) -> list[tuple[date, int]]:
    day = scope.day(Case.submitted_at)
    query = (
        select(day, func.count())
        .where(Case.state != CaseState.draft, scope.period.holds(Case.submitted_at), *scope.cases())
        .group_by(day)
    )
    counts = {as_date(found): int(count) for found, count in scope.session.execute(query)}
    first, last = scope.period.first, scope.period.last
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return [(d, counts.get(d, 0)) for d in days]


def _weeks(scope: durations.Scope) -> list[WeekFigures]:
    """Decisions per week (from Monday) within the period, with how many were late."""
    day = scope.day(Case.decided_at)
    finished = [
        *case_conditions(Status.finished, now=scope.now, dates=scope.period),
        *scope.cases(),
    ]
    query = select(day, func.count()).where(*finished).group_by(day)
    late = query.where(*case_conditions(Status.late, now=scope.now, dates=scope.period))
    weeks: dict[date, WeekFigures] = {}

    def week(found: object) -> WeekFigures:
        monday = as_date(found) - timedelta(days=as_date(found).weekday())
        if monday not in weeks:
            first, last = max(monday, scope.period.first), monday + timedelta(days=6)
            weeks[monday] = WeekFigures(Dates.of(first, min(last, scope.period.last), scope.tz))
        return weeks[monday]

    monday = scope.period.first
    while monday <= scope.period.last:
        week(monday)
        monday += timedelta(days=7 - monday.weekday())
    for found, count in scope.session.execute(query):
        week(found).finished += int(count)
    for found, count in scope.session.execute(late):
        week(found).late += int(count)
    return [weeks[key] for key in sorted(weeks)]


def _overdue_tasks(scope: durations.Scope) -> list[Task]:
    conditions = task_conditions(Status.overdue, now=scope.now, dates=None)
    query = (
        select(Task)
        .where(*conditions, *scope.tasks())
        .order_by(Task.due_at)
        .limit(100)
        .options(selectinload(Task.case))
    )
    return list(scope.session.scalars(query))


def _total(items: dict[str, ItemFigures]) -> ItemFigures:
    """Every case has exactly one catalog code, so the platform's counts are sums."""
    total = ItemFigures()
    for entry in items.values():
        for name in ("open", "due_soon", "overdue", "finished", "late", "received"):
            setattr(total, name, getattr(total, name) + getattr(entry, name))
        for unit, average in entry.time.items():
            summed = total.time.setdefault(unit, durations.Average())
            summed.total += average.total
            summed.count += average.count
    return total


def dashboard(
    session: Session,
    *,
    now: datetime,
    tz: ZoneInfo,
    days: int = 30,
    departments: Select[str] | None = None,
) -> Dashboard:
    """Everything the supervision dashboard shows, as of ``now``, over the last ``days``;
    of a region when ``departments`` selects its departments (``access.supervised_departments``)."""
    period = Dates.last_days(days, now=now, tz=tz)
    cal = clocks.calendar(session)
    scope = durations.Scope(session, now, tz, period, cal, departments)
    items = _items(scope)
    stages, completed = durations.stage_times(scope)
    return Dashboard(
        period=scope.period,
        by_state=_by_state(scope),
        total=_total(items),
        departments=_departments(scope),
        items=items,
        channels=_channels(scope),
        overdue=_overdue_tasks(scope),
        received_per_day=_received_per_day(scope),
        weeks=_weeks(scope),
        stages=stages,
        stages_completed=completed,
    )
