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

from sqlalchemy import ColumnElement, SQLColumnExpression, and_, or_, select
from sqlalchemy.orm import aliased

from tongban.cases.enums import FINAL_STATES, CaseState, ClockKind, Stage, TaskState
from tongban.cases.models import Case, CasePause, Clock, Task

SOON = timedelta(hours=24)
# 在办: neither a draft nor final, in the order of the machine
OPEN_STATES = tuple(s for s in CaseState if s != CaseState.draft and s not in FINAL_STATES)


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
        # One range of ix_tasks_open_due for both kinds: a task overdue while its case is
        # paused was past due when the pause began, at or before now. With the due time
        # only inside the OR, the database read every open task (BENCHMARKS.md, issue 14).
        either = or_(not_paused(Task.case_id), overdue_when_paused())
        return [Task.state == TaskState.open, Task.due_at <= now, either]
    found: list[ColumnElement[bool]] = [Task.state == TaskState.done]
    if dates is not None:
        found.append(dates.holds(Task.finished_at))
    if status == Status.late:
        found.append(Task.finished_at >= Task.due_at)
    return found


def promised_late() -> ColumnElement[bool]:
    """The case was decided after its promised limit. Correlated (EXISTS), so the clocks
    of the cases at hand are read through ``clocks.case_id``, never every stopped clock."""
    return (
        select(Clock.id)
        .where(
            Clock.case_id == Case.id,
            Clock.kind == ClockKind.promised,
            Clock.stopped_at >= Clock.due_at,
        )
        .exists()
    )


def case_conditions(
    status: Status, *, now: datetime, dates: Dates | None
) -> list[ColumnElement[bool]]:
    """Conditions on a case for a whole-case figure of ``status``."""
    if status == Status.open:
        return [Case.state.in_(OPEN_STATES)]  # a range of ix_cases_state: open cases only
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
