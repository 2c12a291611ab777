"""Time limits of cases and tasks, counted on the holiday calendar.

A clock's due time is always ``start + limit + extension + paused time``, counted in
working days (or office hours) on the calendar in force. Because it is derived, an
administrator entering a new year's official calendar can recompute every open
deadline; :func:`recompute` does that and reports which clocks moved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tongban.cases.enums import ClockKind
from tongban.cases.models import Case, CasePause, Clock, Task
from tongban.config import get_settings
from tongban.workdays import service as workdays
from tongban.workdays.calendar import Deadline, WorkCalendar
from tongban.workdays.models import CalendarYear

_cache: dict[tuple[object, ...], WorkCalendar] = {}
HOURS_PER_DAY = 8


def _office_hours() -> tuple[time, time]:
    start, end = get_settings().office_hours.split("-")
    return time.fromisoformat(start), time.fromisoformat(end)


def calendar(session: Session) -> WorkCalendar:
    """The calendar in force, rebuilt only when an administrator changed a year."""
    revision = session.execute(
        select(func.count(CalendarYear.year), func.max(CalendarYear.updated_at))
    ).one()
    key = (session.get_bind().engine.url.render_as_string(), *revision)
    if key not in _cache:
        _cache.clear()
        _cache[key] = workdays.load_calendar(
            session=session, tz=ZoneInfo(get_settings().timezone), office_hours=_office_hours()
        )
    return _cache[key]


def _paused(cal: WorkCalendar, clock: Clock, pauses: Sequence[CasePause]) -> float:
    """Working time lost to closed pauses while the clock ran."""
    total = 0.0
    for pause in pauses:
        if pause.ended_at is None or pause.ended_at <= clock.started_at:
            continue
        if clock.stopped_at is not None and pause.started_at >= clock.stopped_at:
            continue
        start = max(pause.started_at, clock.started_at)
        if clock.unit == "hours":
            total += cal.working_hours_between(start, pause.ended_at)
        else:
            total += cal.working_days_between(start, pause.ended_at)
    return total


def compute_due(cal: WorkCalendar, clock: Clock, pauses: Sequence[CasePause]) -> Deadline:
    """The due time of ``clock`` given the case's pauses."""
    amount = clock.limit + clock.extension + _paused(cal, clock, pauses)
    if clock.unit == "hours":
        return cal.add_working_hours(clock.started_at, amount)
    return cal.add_working_days_checked(clock.started_at, int(amount))


def start_clock(
    session: Session,
    *,
    case: Case,
    kind: ClockKind,
    unit: str,
    limit: int,
    now: datetime,
    task: Task | None = None,
) -> Clock:
    """Start a clock now; a task's due time follows its stage clock."""
    clock = Clock(
        case_id=case.id,
        task_id=task.id if task else None,
        kind=kind,
        unit=unit,
        limit=limit,
        started_at=now,
        extension=0,
    )
    deadline = compute_due(calendar(session), clock, [])
    clock.due_at, clock.provisional = deadline.due_at, deadline.provisional
    session.add(clock)
    case.clocks.append(clock)
    if task is not None:
        task.due_at = deadline.due_at
    return clock


def running(case: Case, *kinds: ClockKind) -> list[Clock]:
    return [c for c in case.clocks if c.stopped_at is None and (not kinds or c.kind in kinds)]


def stop_clocks(
    case: Case, *, now: datetime, kinds: Sequence[ClockKind] = (), task: Task | None = None
) -> None:
    """Stop the running clocks of a case (of some kinds, or of one task)."""
    for clock in running(case, *kinds):
        if task is None or clock.task_id == task.id:
            clock.stopped_at = now


def recompute(session: Session, *, case: Case) -> list[tuple[Clock, datetime]]:
    """Recompute running clocks of a case; returns (clock, old due) for those that moved."""
    cal = calendar(session)
    moved = []
    tasks = {task.id: task for task in case.tasks}
    for clock in running(case):
        deadline = compute_due(cal, clock, case.pauses)
        if deadline.due_at != clock.due_at or deadline.provisional != clock.provisional:
            moved.append((clock, clock.due_at))
            clock.due_at, clock.provisional = deadline.due_at, deadline.provisional
        if clock.task_id in tasks:
            tasks[clock.task_id].due_at = clock.due_at
    return moved


@dataclass(frozen=True)
class TimeLeft:
    """How much of a limit is left (negative: overdue), in the clock's unit."""

    amount: float
    unit: str
    due_at: datetime
    provisional: bool
    paused: bool
    limit: float

    @property
    def overdue(self) -> bool:
        return self.amount < 0

    @property
    def urgency(self) -> str:
        """red: overdue; yellow: at most a working day or a quarter of the limit left; green."""
        if self.overdue:
            return "red"
        day = HOURS_PER_DAY if self.unit == "hours" else 1
        return "yellow" if self.amount <= day or self.amount <= 0.25 * self.limit else "green"


def time_left(cal: WorkCalendar, clock: Clock, *, now: datetime, paused: bool) -> TimeLeft:
    """Working time left before ``clock`` is due."""
    if clock.unit == "hours":
        if now <= clock.due_at:
            amount = cal.working_hours_between(now, clock.due_at)
        else:
            amount = -cal.working_hours_between(clock.due_at, now)
    elif now < clock.due_at:
        amount = cal.working_days_between(now, clock.due_at - timedelta(seconds=1))
    else:
        amount = -max(1, cal.working_days_between(clock.due_at - timedelta(seconds=1), now))
    limit = float(clock.limit + clock.extension)
    return TimeLeft(round(amount, 1), clock.unit, clock.due_at, clock.provisional, paused, limit)
