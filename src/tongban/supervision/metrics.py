"""Figures for e-supervision (电子监察 / 数据驾驶舱): what is late and whose it is,
volumes, on-time rates and working time per item and per stage.

The period's figures (received, decided, late, time per item, channel and stage, the
daily and weekly series) are sums of the daily rows (``metric_days``, docs/metrics.md)
that the worker writes, summed by the database; the department table's finished and late
cases are sums of ``metric_department_days`` (``department_days``). Yesterday's and
today's rows, which the worker is still rewriting, are counted from those two days'
events at once (``daily.count_days``), so the page is current; the rating counts of
every day are counted from the ratings (``reform.rated_rows``), so a rectification or
appeal decision on an earlier day's rating shows at once too. Open
work (open, due soon, overdue) is counted from the open cases and tasks through indexes
on their state and due time. Neither reads a closed case of an earlier day: the cost
grows with the period's days and the work in hand, not with the history.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, distinct, func, select
from sqlalchemy.orm import QueryableAttribute, Session, selectinload

from tongban.cases.enums import Channel
from tongban.cases.models import Case, Task
from tongban.ratings.enums import RatingChannel
from tongban.ratings.rules import satisfaction_rate
from tongban.supervision import daily, department_days
from tongban.supervision.measures import (
    OPEN_STATES,
    Dates,
    Status,
    case_conditions,
    task_conditions,
)
from tongban.supervision.models import MetricDay
from tongban.supervision.reform import (
    Reform,
    ReformFilter,
    StageTime,
    as_rows,
    day_of,
    rated_rows,
    stage_times,
    summed,
)

PERIODS = (7, 30, 90)
LIVE_DAYS = 2  # yesterday and today: the days the worker's refresh rewrites (tasks.refresh)
WORKING_DAYS = "working_days"


def on_time_rate(finished: int, late: int) -> float | None:
    """The share of finished cases that were not late; None before any has finished."""
    return round((finished - late) / finished, 3) if finished else None


@dataclass
class Average:
    """A mean working time in one unit (working days)."""

    total: float = 0.0
    count: int = 0

    @property
    def value(self) -> float:
        return round(self.total / self.count, 1) if self.count else 0.0


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
    time: dict[str, Average] = field(default_factory=dict)  # unit → receipt to decision

    def add(self, reform: Reform) -> None:
        """The period's counts of one item from its summed daily rows."""
        self.received += int(reform["received"])
        self.finished += int(reform["decided"])
        self.late += int(reform["decided"] - reform["decided_on_time"])
        if reform["decided"]:
            average = self.time.setdefault(WORKING_DAYS, Average())
            average.total += reform["elapsed_days"]
            average.count += int(reform["decided"])


@dataclass
class ChannelFigures(ItemFigures):
    """A channel's cases (received, decided, open: by the case's channel) and the ratings
    given through it (by the rating's own channel: the window's pad, an SMS link …)."""

    rated: int = 0
    rated_good: int = 0  # score 4 or 5

    @property
    def satisfaction_rate(self) -> float | None:
        """好评率 of the ratings given through the channel (``rules.satisfaction_rate``)."""
        return satisfaction_rate(good=self.rated_good, rated=self.rated)


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
    by_state: dict[str, int]  # the open cases (在办) by state
    total: ItemFigures
    departments: dict[str, Counts]
    items: dict[str, ItemFigures]
    channels: dict[str, ChannelFigures]
    overdue: list[Task]
    received_per_day: list[tuple[date, int]]
    weeks: list[WeekFigures]
    stages: list[tuple[str, StageTime]]  # tasks finished in the period, office hours
    rows_read: int  # daily rows read for the period (the live days' not counted)


@dataclass(frozen=True)
class Scope:
    """One dashboard's moment, zone, period and region (None: every department)."""

    session: Session
    now: datetime
    tz: ZoneInfo
    period: Dates
    departments: tuple[str, ...] | None

    def cases(self) -> list[ColumnElement[bool]]:
        """Conditions keeping the cases handled, or received (跨域通办), in the region."""
        if self.departments is None:
            return []
        return [
            Case.lead_department.in_(self.departments)
            | Case.received_by_department.in_(self.departments)
        ]

    def tasks(self) -> list[ColumnElement[bool]]:
        """Conditions keeping the tasks of the region's departments."""
        return [] if self.departments is None else [Task.department_code.in_(self.departments)]


class Period:
    """The period's daily rows summed: the stored rows (the days before yesterday) by the
    database, one line per item, channel or day, and yesterday's and today's rows, which
    the worker's refresh still rewrites, counted now from those two days' events; the
    stored days' rating counts too, from their ratings as they are now (``rated_rows``)."""

    def __init__(self, scope: Scope) -> None:
        today = scope.now.astimezone(scope.tz).date()
        self.scope = scope
        self.live_from = max(scope.period.first, today - timedelta(days=LIVE_DAYS - 1))
        self.stored = ReformFilter(
            scope.period.first, self.live_from - timedelta(days=1), departments=scope.departments
        )
        counted = daily.count_days(scope.session, first=self.live_from, last=today, tz=scope.tz)
        self.live: list[dict[str, Any]] = [
            row
            for row in as_rows(counted)
            if scope.departments is None or row["department_code"] in scope.departments
        ]
        if self.stored.first <= self.stored.last:  # the stored days' ratings as they are now
            self.live += rated_rows(scope.session, where=self.stored, tz=scope.tz)

    def sums(self, column: SQLColumnExpression[Any], key: str) -> dict[Any, Reform]:
        """The rows summed per value of ``column`` (``key`` in a live row's mapping)."""
        found = summed(self.scope.session, where=self.stored, by=column)
        sums = {value: reform for value, (reform, _rows) in found.items()}
        for row in self.live:
            sums.setdefault(row[key], Reform()).add(row)
        return sums

    def stages(self) -> tuple[Reform, int]:
        """The stage times of every row, and how many stored rows the period has."""
        total, rows = summed(self.scope.session, where=self.stored).get(None, (Reform(), 0))
        stage_times(self.scope.session, where=self.stored, into=total)
        for row in self.live:
            total.add_stages(row["stages"])
        return total, rows


def _received_per_day(scope: Scope, days: Mapping[Any, Reform]) -> list[tuple[date, int]]:
    counts = {day_of(day): int(reform["received"]) for day, reform in days.items()}
    first, last = scope.period.first, scope.period.last
    every = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return [(d, counts.get(d, 0)) for d in every]


def _weeks(scope: Scope, days: Mapping[Any, Reform]) -> list[WeekFigures]:
    """Decisions per week (from Monday) within the period, with how many were late."""
    weeks: dict[date, WeekFigures] = {}
    monday = scope.period.first - timedelta(days=scope.period.first.weekday())
    while monday <= scope.period.last:
        first, last = max(monday, scope.period.first), monday + timedelta(days=6)
        weeks[monday] = WeekFigures(Dates.of(first, min(last, scope.period.last), scope.tz))
        monday += timedelta(days=7)
    for day, reform in days.items():
        week = weeks[day_of(day) - timedelta(days=day_of(day).weekday())]
        week.finished += int(reform["decided"])
        week.late += int(reform["decided"] - reform["decided_on_time"])
    return [weeks[key] for key in sorted(weeks)]


def _open_work(scope: Scope, column: QueryableAttribute[Any]) -> dict[str, Counts]:
    """Open, due-soon and overdue cases by ``column`` of the case (open cases only)."""
    figures: dict[str, Counts] = defaultdict(Counts)
    for status in (Status.open, Status.due_soon, Status.overdue):
        conditions = case_conditions(status, now=scope.now, dates=None)
        query = select(column, func.count()).where(*conditions, *scope.cases()).group_by(column)
        for key, count in scope.session.execute(query):
            setattr(figures[str(key)], status, int(count))
    return figures


def _by_state(scope: Scope) -> dict[str, int]:
    query = (
        select(Case.state, func.count())
        .where(Case.state.in_(OPEN_STATES), *scope.cases())
        .group_by(Case.state)
    )
    found = {str(state): int(count) for state, count in scope.session.execute(query)}
    return {str(state): found[state] for state in OPEN_STATES if state in found}


def _departments(scope: Scope, live_from: date) -> dict[str, Counts]:
    """A department's own tasks: open ones now (the open tasks, through the index on
    their state), and the cases of which it finished a task in the period, distinct, as
    the drill-down lists them: summed from ``metric_department_days``, the live days
    counted now (``department_days``), so no task of the period is read."""
    figures: dict[str, Counts] = defaultdict(Counts)
    for status in (Status.open, Status.due_soon, Status.overdue):
        conditions = task_conditions(status, now=scope.now, dates=scope.period)
        # No join with cases: a draft has no tasks.
        query = (
            select(Task.department_code, func.count(distinct(Task.case_id)))
            .where(*conditions, *scope.tasks())
            .group_by(Task.department_code)
        )
        for department, count in scope.session.execute(query):
            setattr(figures[department], status, int(count))
    today = scope.now.astimezone(scope.tz).date()
    live = department_days.count(scope.session, first=live_from, last=today, tz=scope.tz)
    done = department_days.summed(
        scope.session,
        first=scope.period.first,
        last=live_from - timedelta(days=1),
        departments=scope.departments,
        live=live.items(),
    )
    for department, counts in done.items():
        for name, n in counts.items():
            setattr(figures[department], name, n)
    return dict(sorted(figures.items()))


def _channels(scope: Scope, sums: Mapping[str, Reform]) -> dict[str, ChannelFigures]:
    """Figures by channel (办事渠道): received, decided and late in the period from the
    daily rows, open and overdue from the open cases, all by the case's channel; the
    ratings given in the period by the channel each was given through (the rows keep
    those counts under the rating's channel, ``daily._ratings``)."""
    figures: dict[str, ChannelFigures] = defaultdict(ChannelFigures)
    for key, reform in sums.items():
        if reform["received"] or reform["decided"]:  # not rows of tasks or ratings only
            figures[key].add(reform)
        if reform["rated"]:
            figures[key].rated += int(reform["rated"])
            figures[key].rated_good += int(reform["rated_good"])
    for key, counts in _open_work(scope, Case.channel).items():
        figures[key].open, figures[key].overdue = counts.open, counts.overdue
    order = [*map(str, Channel), *(str(c) for c in RatingChannel if str(c) not in set(Channel))]
    return {str(channel): figures[channel] for channel in order if channel in figures}


def _overdue_tasks(scope: Scope) -> list[Task]:
    """The overdue tasks of the cases the region counts (``Scope.cases``: led or received
    there, as its 已超期 figure counts them), whichever region's department holds them."""
    conditions = task_conditions(Status.overdue, now=scope.now, dates=None)
    query = (
        select(Task)
        .join(Case, Case.id == Task.case_id)
        .where(*conditions, *scope.cases())
        .order_by(Task.due_at)
        .limit(100)
        .options(selectinload(Task.case))
    )
    return list(scope.session.scalars(query))


def _items(scope: Scope, sums: Mapping[str, Reform]) -> dict[str, ItemFigures]:
    figures: dict[str, ItemFigures] = defaultdict(ItemFigures)
    for code, reform in sums.items():
        if reform["received"] or reform["decided"]:  # not rows of ratings or tasks only
            figures[code].add(reform)
    for code, counts in _open_work(scope, Case.catalog_code).items():
        entry = figures[code]
        entry.open, entry.due_soon, entry.overdue = counts.open, counts.due_soon, counts.overdue
    return dict(sorted(figures.items()))


def _total(items: dict[str, ItemFigures]) -> ItemFigures:
    """Every case has exactly one catalog code, so the platform's counts are sums."""
    total = ItemFigures()
    for entry in items.values():
        for name in ("open", "due_soon", "overdue", "finished", "late", "received"):
            setattr(total, name, getattr(total, name) + getattr(entry, name))
        for unit, average in entry.time.items():
            summed = total.time.setdefault(unit, Average())
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
    of a region when ``departments`` selects its departments (``access.supervised_departments``).
    The period's figures of a region are those of the cases its departments lead."""
    region = None if departments is None else tuple(session.scalars(departments))
    scope = Scope(session, now, tz, Dates.last_days(days, now=now, tz=tz), region)
    period = Period(scope)
    items = _items(scope, period.sums(MetricDay.item_code, "item_code"))
    total, stored = period.stages()
    per_day = {day_of(day): reform for day, reform in period.sums(MetricDay.day, "day").items()}
    return Dashboard(
        period=scope.period,
        by_state=_by_state(scope),
        total=_total(items),
        departments=_departments(scope, period.live_from),
        items=items,
        channels=_channels(scope, period.sums(MetricDay.channel, "channel")),
        overdue=_overdue_tasks(scope),
        received_per_day=_received_per_day(scope, per_day),
        weeks=_weeks(scope, per_day),
        stages=total.ordered_stages(),
        rows_read=stored,
    )
