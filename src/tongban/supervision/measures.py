"""What the supervision figures count, written once as SQL conditions on cases.

Every figure of the dashboard is "the number of cases matching some conditions", and
its drill-down lists the cases matching the same conditions, so a figure and its list
cannot disagree. Department figures are about the department's own stage tasks ("whose
it is"); the others are about the whole case.

- open: not draft and not final; for a department, it has an open task of the case.
- due soon / overdue: an open task due within ``SOON`` / whose due time has come (from
  ``due_at`` on, as a clock's time left turns negative: ``clocks.TimeLeft``). A
  paused case's clocks stand still (a correction or an art. 45 pause): it is never due
  soon, and overdue only if its task was already past due when the pause began, as its
  frozen time left shows.
- finished: decided (核准 or 不予许可) within the dates; for a department, it finished a
  task of the case within the dates.
- late: finished at or after the promised due time; for a department, a task it
  finished at or after the task's due time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from tongban.cases.enums import FINAL_STATES, CaseState, ClockKind, Stage, TaskState
from tongban.cases.models import Case, CasePause, Clock, Task

SOON = timedelta(hours=24)


class Status(StrEnum):
    """Time-limit conditions a supervisor filters cases by."""

    open = "open"
    due_soon = "due_soon"
    overdue = "overdue"
    finished = "finished"
    late = "late"


@dataclass(frozen=True)
class Dates:
    """Local dates ``first`` to ``last`` (inclusive) and the UTC moments that bound them."""

    first: date
    last: date
    start: datetime
    end: datetime  # the start of the day after ``last``

    @classmethod
    def of(cls, first: date, last: date, tz: ZoneInfo) -> Dates:
        def midnight(day: date) -> datetime:
            return datetime.combine(day, time(), tzinfo=tz)

        return cls(first, last, midnight(first), midnight(last + timedelta(days=1)))

    @classmethod
    def last_days(cls, days: int, *, now: datetime, tz: ZoneInfo) -> Dates:
        """The ``days`` local dates ending today."""
        today = now.astimezone(tz).date()
        return cls.of(today - timedelta(days=days - 1), today, tz)

    def holds(self, column: SQLColumnExpression[Any]) -> ColumnElement[bool]:
        return and_(column >= self.start, column < self.end)


def not_paused(case_id: SQLColumnExpression[int] = Case.id) -> ColumnElement[bool]:
    """The case's clock runs: no correction or art. 45 pause is open."""
    return case_id.not_in(select(CasePause.case_id).where(CasePause.ended_at.is_(None)))


def overdue_when_paused() -> ColumnElement[bool]:
    """The task is open and was past its due time when its case's open pause began: its
    time left stands still below zero (few rows: only cases paused now)."""
    task = aliased(Task)
    found = (
        select(task.id)
        .join(CasePause, CasePause.case_id == task.case_id)
        .where(
            CasePause.ended_at.is_(None),
            task.state == TaskState.open,
            task.due_at <= CasePause.started_at,
        )
    )
    return Task.id.in_(found)


def _with_task(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    # IN (uncorrelated) rather than EXISTS: the database finds the few matching tasks
    # once instead of probing for every case (SQLite does not rewrite EXISTS itself).
    return Case.id.in_(select(Task.case_id).where(*conditions))


def task_conditions(
    status: Status, *, now: datetime, dates: Dates | None
) -> list[ColumnElement[bool]]:
    """Conditions on a task for a department's figure of ``status``."""
    if status == Status.open:
        return [Task.state == TaskState.open]
    if status == Status.due_soon:
        soon = [Task.due_at > now, Task.due_at <= now + SOON]
        return [Task.state == TaskState.open, not_paused(Task.case_id), *soon]
    if status == Status.overdue:
        past = and_(not_paused(Task.case_id), Task.due_at <= now)
        return [Task.state == TaskState.open, or_(past, overdue_when_paused())]
    found: list[ColumnElement[bool]] = [Task.state == TaskState.done]
    if dates is not None:
        found.append(dates.holds(Task.finished_at))
    if status == Status.late:
        found.append(Task.finished_at >= Task.due_at)
    return found


def promised_late() -> ColumnElement[bool]:
    """The case was decided after its promised limit."""
    late = select(Clock.case_id).where(
        Clock.kind == ClockKind.promised, Clock.stopped_at >= Clock.due_at
    )
    return Case.id.in_(late)


def case_conditions(
    status: Status, *, now: datetime, dates: Dates | None
) -> list[ColumnElement[bool]]:
    """Conditions on a case for a whole-case figure of ``status``."""
    if status == Status.open:
        return [Case.state.not_in([CaseState.draft, *FINAL_STATES])]
    if status in (Status.due_soon, Status.overdue):
        return [_with_task(*task_conditions(status, now=now, dates=None))]
    found: list[ColumnElement[bool]] = [Case.decided_at.is_not(None)]
    if dates is not None:
        found.append(dates.holds(Case.decided_at))
    if status == Status.late:
        found.append(promised_late())
    return found


def department_conditions(
    department: str, status: Status | None, *, now: datetime, dates: Dates | None
) -> list[ColumnElement[bool]]:
    """Cases where ``department`` has a task matching ``status`` (any task if None)."""
    if status is None:
        tasks = [Task.state != TaskState.cancelled]
    else:
        tasks = task_conditions(status, now=now, dates=dates)
    return [_with_task(Task.department_code == department, *tasks)]


def completed_stages(dates: Dates | None, *columns: ColumnElement[Any]) -> Select[Any]:
    """(case, stage, started_at, finished_at, *columns) of stages whose tasks are all
    finished, completed within ``dates``: a stage runs from its first task's start to its
    last task's end, as the case timeline shows it."""
    query = (
        select(
            Task.case_id,
            Task.stage,
            func.min(Task.started_at).label("started_at"),
            func.max(Task.finished_at).label("finished_at"),
            *columns,
        )
        .group_by(Task.case_id, Task.stage)
        .having(func.count(Task.id) == func.count(Task.finished_at))
    )
    if dates is not None:
        # Only cases with a task finished within the dates can have completed a stage then.
        active = select(Task.case_id).where(dates.holds(Task.finished_at))
        query = query.where(Task.case_id.in_(active))
        query = query.having(dates.holds(func.max(Task.finished_at)))
    return query


def stage_conditions(stage: Stage, *, dates: Dates | None) -> list[ColumnElement[bool]]:
    """Cases whose ``stage`` was completed within ``dates`` (the pairs ``completed_stages``
    gives): a task of it finished within them, and none is unfinished or finished later."""
    ended: list[ColumnElement[bool]] = [Task.finished_at.is_not(None)]
    still: list[ColumnElement[bool]] = [Task.finished_at.is_(None)]
    if dates is not None:
        ended.append(dates.holds(Task.finished_at))
        still.append(Task.finished_at >= dates.end)
    return [
        _with_task(Task.stage == stage, *ended),
        ~_with_task(Task.stage == stage, or_(*still)),
    ]


def local_day(
    session: Session, column: SQLColumnExpression[Any], tz: ZoneInfo, now: datetime
) -> ColumnElement[Any]:
    """The local date of a stored UTC moment, computed by the database.

    PostgreSQL converts with the zone's rules. SQLite has no zone data, so the zone's
    offset at ``now`` is used (China has had no daylight saving time since 1991).
    """
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone(tz.key, func.timezone("UTC", column)))
    offset = now.astimezone(tz).utcoffset() or timedelta(0)
    return func.date(column, f"{int(offset.total_seconds() // 60):+d} minutes")


def as_date(value: object) -> date:
    """A date as the database returned it (SQLite gives text)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))
