"""Working time spent, for e-supervision: decision times per item and stage times, measured
on the holiday calendar.

The database first groups the spans by their local start and end dates, on which a count
of working days solely depends, and each group is measured once with
``queries.working_time``, the function the case timeline uses. Hour-counted spans are
measured one by one; they are few and short.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from tongban.cases.core.queries import working_time
from tongban.cases.enums import ClockKind, Stage
from tongban.cases.models import Case, Clock, Task
from tongban.supervision.measures import (
    Dates,
    Status,
    case_conditions,
    completed_stages,
    local_day,
)
from tongban.workdays.calendar import WorkCalendar


@dataclass
class Average:
    """A mean working time in one unit (working days or office hours)."""

    total: float = 0.0
    count: int = 0

    @property
    def value(self) -> float:
        return round(self.total / self.count, 1) if self.count else 0.0


@dataclass
class Scope:
    """One dashboard's period, zone and calendar, and the working time it has measured."""

    session: Session
    now: datetime
    tz: ZoneInfo
    period: Dates
    cal: WorkCalendar
    # a region's supervisor: the departments of the region (None: every one, the platform's)
    departments: Select[str] | None = None
    days_between: dict[tuple[object, object], float] = field(default_factory=dict)

    def cases(self) -> list[ColumnElement[bool]]:
        """Conditions keeping the cases handled, or received (跨域通办), in the region."""
        if self.departments is None:
            return []
        return [
            or_(
                Case.lead_department.in_(self.departments),
                Case.received_by_department.in_(self.departments),
            )
        ]

    def tasks(self) -> list[ColumnElement[bool]]:
        """Conditions keeping the tasks of the region's departments."""
        return [] if self.departments is None else [Task.department_code.in_(self.departments)]

    def day(self, column: Any) -> ColumnElement[Any]:
        return local_day(self.session, column, self.tz, self.now)

    def working_time(
        self, unit: str, start: datetime, end: datetime, days: tuple[object, object]
    ) -> float:
        """``queries.working_time``, once per pair of local dates for working days."""
        if unit == "hours":
            return working_time(self.cal, start, end, unit)
        if days not in self.days_between:
            self.days_between[days] = working_time(self.cal, start, end, unit)
        return self.days_between[days]

    def dates(self, status: Status) -> Dates | None:
        return self.period if status in (Status.finished, Status.late) else None


def _grouped_spans(
    scope: Scope, unit: Any, hours: ColumnElement[bool], start: Any, end: Any, *keys: Any
) -> tuple[list[Any], list[Any]]:
    """Columns and GROUP BY terms that merge working-day spans with the same local dates."""
    days = [scope.day(start), scope.day(end)]
    group = [*keys, unit, *days, case((hours, start)), case((hours, end))]
    return [*keys, unit, func.count(), func.min(start), func.min(end), *days], group


def decision_spans(scope: Scope) -> Select[Any]:
    """From acceptance to decision (the promised clock) of cases decided in the period."""
    columns, group = _grouped_spans(
        scope,
        Clock.unit,
        Clock.unit == "hours",
        Clock.started_at,
        Clock.stopped_at,
        Case.catalog_code,
    )
    return (
        select(*columns)
        .join(Case, Case.id == Clock.case_id)
        .where(
            Clock.kind == ClockKind.promised,
            Clock.stopped_at.is_not(None),
            *case_conditions(Status.finished, now=scope.now, dates=scope.period),
            *scope.cases(),
        )
        .group_by(*group)
    )


def _stage_spans(scope: Scope) -> Select[Any]:
    """Stages completed in the period, merged by stage, unit and local dates.

    The timeline counts a stage in the unit of its first clock. Clocks start right after
    their task, so that is the clock of the stage's first task; only hour clocks are
    joined (few), and a stage is in hours when its first task has one.
    """
    first_in_hours = func.min(case((Clock.id.is_not(None), Task.id))) == func.min(Task.id)
    spans = (
        completed_stages(scope.period, first_in_hours.label("hours"))
        .where(*scope.tasks())
        .outerjoin(
            Clock,
            # by the case first: clocks.case_id is indexed, clocks.task_id is not
            and_(Clock.case_id == Task.case_id, Clock.task_id == Task.id, Clock.unit == "hours"),
        )
        .subquery()
    )
    hours = spans.c.hours.is_(True)
    columns, group = _grouped_spans(
        scope, spans.c.hours, hours, spans.c.started_at, spans.c.finished_at, spans.c.stage
    )
    return select(*columns).group_by(*group)


def stage_times(scope: Scope) -> tuple[dict[Stage, dict[str, Average]], dict[Stage, int]]:
    """Mean working time per stage and unit, and how many of each stage completed in the period."""
    times: dict[Stage, dict[str, Average]] = {}
    completed: dict[Stage, int] = defaultdict(int)
    for stage, hours, count, start, end, *days in scope.session.execute(_stage_spans(scope)):
        unit = "hours" if hours else "working_days"
        average = times.setdefault(Stage(stage), {}).setdefault(unit, Average())
        average.total += count * scope.working_time(unit, start, end, (days[0], days[1]))
        average.count += count
        completed[Stage(stage)] += count
    order = list(Stage)
    return dict(sorted(times.items(), key=lambda kv: order.index(kv[0]))), dict(completed)
