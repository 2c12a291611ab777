"""The staff queue, a page at a time: open tasks of the user's department and roles,
least time left first, filtered by stage, urgency, item and words in SQL.

A page costs the same few statements however many tasks are open (no statement per
row): one query for the page of running tasks with their case and applicant, one each
for the clocks, pauses and tasks of those cases, one for the tasks of paused cases (art.
45 procedures; cases waiting for the applicant's correction are in no queue), and one
for the staff present, to mark the tasks nobody present may hold. Pages are keyset
pages: a cursor names the last task shown (its due time and id), so a page never skips
or repeats a task when tasks before it finish meanwhile.

Urgency (the badge: red overdue, yellow due soon, green) is a function of the stored due
time for a running clock: for each limit in the department's queue, :func:`yellow_until`
finds the due time up to which a task is yellow now, and the filter is a range on
``clocks.due_at``. A paused case's time stands still, so its tasks are sorted and badged
by the time they had left when the pause began (:func:`queries._due_now`), in Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, false, or_, select, true
from sqlalchemy.orm import Session, aliased, contains_eager
from sqlalchemy.sql.base import ExecutableOption

from tongban.accounts.models import User
from tongban.cases.assignment import pool
from tongban.cases.assignment.holding import may_reassign
from tongban.cases.core import clocks, queries
from tongban.cases.core.access import STAGE_ROLE
from tongban.cases.core.keyset import Cursor
from tongban.cases.enums import CaseState, Stage, TaskState
from tongban.cases.models import Case, CasePause, Clock, Task
from tongban.workdays.calendar import WorkCalendar

URGENCIES = ("red", "yellow", "green")  # overdue, due soon, on time: the badge colours
PAGE_SIZE = 50
_MICRO = timedelta(microseconds=1)


@dataclass(frozen=True)
class QueueRow:
    task: Task
    applicant: str
    left: clocks.TimeLeft | None
    due_at: datetime | None  # the sort key: when time runs out as things stand
    holder: str | None = None  # the name of who holds it; None: the department's pool
    unstaffed: bool = False  # nobody present may hold it (``pool.unstaffed``, 无人可办)

    @property
    def badge(self) -> str:
        return self.left.urgency if self.left else "green"

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.due_at, self.task.id)


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    next: Cursor | None  # where the next page starts; None on the last page
    previous: Cursor | None  # where the previous page ends; None on the first page


def yellow_until(cal: WorkCalendar, *, now: datetime, unit: str, limit: int) -> datetime:
    """The due time before which a running clock of ``limit`` (with its extension, in
    ``unit``: working days, or office hours) shows yellow or red at ``now``: the first
    due time whose time left exceeds what is left once the warning share has run
    (:func:`clocks.yellow_left`, :attr:`clocks.TimeLeft.urgency`). Time left grows with
    the due time, so the badge of every task is a comparison of its stored due time with
    this moment."""
    per_unit = 60 if unit == "hours" else 1
    most = clocks.yellow_left(limit * per_unit)  # the most time left that is still yellow

    def left(due: datetime) -> int:
        return clocks.time_left_at(cal, unit, now, due)

    lo, hi = now, now + timedelta(days=most + 7)
    while left(hi) <= most:  # far enough: time left there is past the yellow range
        hi += hi - now
    while hi - lo > _MICRO:  # left(lo) <= most < left(hi)
        mid = lo + (hi - lo) // 2
        lo, hi = (mid, hi) if left(mid) <= most else (lo, mid)
    return hi


def _urgency_filter(
    session: Session, base: Select[Task], urgency: str, now: datetime
) -> ColumnElement[bool]:
    """The running tasks of ``urgency`` at ``now``, by their stage clock's due time."""
    if urgency == "red":
        return Clock.due_at <= now
    limits = session.execute(
        base.with_only_columns(Clock.unit, Clock.limit + Clock.extension).distinct()
    ).all()
    cal = clocks.calendar(session)
    yellow = [
        and_(
            Clock.unit == unit,
            Clock.limit + Clock.extension == limit,
            Clock.due_at < yellow_until(cal, now=now, unit=unit, limit=limit),
        )
        for unit, limit in limits
    ]
    if urgency == "yellow":
        return and_(Clock.due_at > now, or_(false(), *yellow))
    return or_(Clock.id.is_(None), and_(Clock.due_at > now, ~or_(false(), *yellow)))


def _after(cursor: Cursor | None, backwards: bool) -> ColumnElement[bool]:
    """Tasks after ``cursor`` in queue order (before it, ``backwards``)."""
    if cursor is None:
        return true()
    due, never = Task.due_at, Task.due_at.is_(None)
    if cursor.at is None:
        beyond = and_(never, Task.id < cursor.row_id if backwards else Task.id > cursor.row_id)
        return or_(~never, beyond) if backwards else beyond
    same = and_(due == cursor.at, Task.id < cursor.row_id if backwards else Task.id > cursor.row_id)
    if backwards:
        return or_(due < cursor.at, same)
    return or_(never, due > cursor.at, same)


def page(
    session: Session,
    *,
    user: User,
    now: datetime,
    stage: Stage | None = None,
    text: str | None = None,
    urgency: str = "",
    item: str = "",
    after: Cursor | None = None,
    before: Cursor | None = None,
    size: int = PAGE_SIZE,
    mine: bool = False,
) -> QueuePage:
    """One page of the user's queue, least time left first: the first page, the one
    after ``after`` or the one before ``before``. ``urgency`` is one of
    :data:`URGENCIES` or empty; ``item`` an item code (the task's own or its case's);
    ``mine``: only the tasks the user holds and those held by no one (我的待办), else
    every task of the department (本部门): of every stage for its head, who oversees it
    (``holding.may_reassign``), else of the user's roles."""
    heads = user.department_code is not None and may_reassign(user, user.department_code)
    every_stage = not mine and heads
    stages = [
        s
        for s, role in STAGE_ROLE.items()
        if (every_stage or user.has_role(role)) and (stage is None or s == stage)
    ]
    if user.department_code is None or not stages:
        return QueuePage([], None, None)
    paused = exists().where(CasePause.case_id == Case.id, CasePause.ended_at.is_(None))
    holder = aliased(User, name="holder")  # who holds the task (人员随机分配)
    base = (
        select(Task)
        .join(Case, Case.id == Task.case_id)
        .join(User, User.id == Case.applicant_id)
        .outerjoin(Clock, and_(Clock.task_id == Task.id, Clock.stopped_at.is_(None)))
        .outerjoin(holder, holder.id == Task.assignee_id)
        .where(
            Task.department_code == user.department_code,
            Task.state == TaskState.open,
            Task.stage.in_(stages),
            Case.state != CaseState.correction_requested,
        )
    )
    if mine:
        base = base.where(or_(Task.assignee_id == user.id, Task.assignee_id.is_(None)))
    matching = queries.case_matches(text or "")
    if matching is not None:
        base = base.where(matching)
    if item:
        base = base.where(or_(Task.item_code == item, Case.catalog_code == item))
    running = base.where(~paused)
    if urgency:
        running = running.where(_urgency_filter(session, running, urgency, now))
    backwards = before is not None and after is None
    cursor = before if backwards else after
    order = (  # as the index ix_tasks_queue_keyset reads: no due time last
        (Task.due_at.desc().nulls_first(), Task.id.desc())
        if backwards
        else (Task.due_at.asc().nulls_last(), Task.id.asc())
    )
    query = (
        running.add_columns(User.display_name, holder.display_name)
        .where(_after(cursor, backwards))
        .order_by(*order)
        .limit(size + 1)
        .options(*_case_loads())
    )
    rows = [
        QueueRow(task, name, queries.task_time_left(session, task=task, now=now), task.due_at, held)
        for task, name, held in session.execute(query)
    ]
    stopped = base.join(  # driven from the few open pauses (index ix_case_pauses_open)
        CasePause, and_(CasePause.case_id == Case.id, CasePause.ended_at.is_(None))
    )
    stopped = stopped.add_columns(User.display_name, holder.display_name)
    rows += _paused_rows(session, stopped, now, urgency, cursor, backwards)
    rows.sort(key=lambda row: row.cursor.key(), reverse=backwards)
    more = len(rows) > size
    rows = _mark_unstaffed(session, rows[:size], now)
    if backwards:
        rows.reverse()
        return QueuePage(rows, rows[-1].cursor if rows else None, rows[0].cursor if more else None)
    # A page reached by a cursor has one before it (unless every task there has finished).
    return QueuePage(
        rows, rows[-1].cursor if more else None, rows[0].cursor if rows and after else None
    )


def unstaffed_at(session: Session, *, tasks: Sequence[Task], now: datetime) -> set[int]:
    """The ids of those of ``tasks`` still open that nobody present today may hold (无人可办,
    ``pool.unstaffed``): the one rule of the queue page's mark and the API's."""
    day = clocks.calendar(session).local_date(now)
    waiting = [task for task in tasks if task.state == TaskState.open]
    return pool.unstaffed(session, tasks=waiting, day=day)


def _mark_unstaffed(session: Session, rows: list[QueueRow], now: datetime) -> list[QueueRow]:
    """The rows with those that nobody present may hold marked, for the head to see."""
    nobody = unstaffed_at(session, tasks=[row.task for row in rows], now=now)
    return [replace(row, unstaffed=True) if row.task.id in nobody else row for row in rows]


def _case_loads() -> Sequence[ExecutableOption]:
    case = contains_eager(Task.case)  # its tasks: who reviewed it may not decide it
    return (
        case.selectinload(Case.clocks),
        case.selectinload(Case.pauses),
        case.selectinload(Case.tasks),
    )


def _paused_rows(
    session: Session,
    base: Select[Any],
    now: datetime,
    urgency: str,
    cursor: Cursor | None,
    backwards: bool,
) -> list[QueueRow]:
    """Tasks of cases standing still (art. 45), with their time left counted in Python:
    few at a time, as few cases wait for a hearing or an expert."""
    query = base.options(*_case_loads())  # with the applicant's and the holder's names
    rows = []
    for task, name, held in session.execute(query):
        left = queries.task_time_left(session, task=task, now=now)  # counted once per row
        row = QueueRow(task, name, left, left.due_at if left else task.due_at, held)
        if urgency and row.badge != urgency:
            continue
        if cursor is not None:
            if backwards and not row.cursor.key() < cursor.key():
                continue
            if not backwards and not row.cursor.key() > cursor.key():
                continue
        rows.append(row)
    return rows
