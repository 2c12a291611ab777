"""The cases behind a supervision figure (穿透查询): filtered by the conditions in
``measures``, least time left first, one page at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, and_, case, func, or_, select
from sqlalchemy.orm import Session, selectinload

from tongban.accounts.models import User
from tongban.cases.core import access, clocks
from tongban.cases.core.queries import case_matches, case_time_left
from tongban.cases.enums import CaseState, Channel, ClockKind, Stage, TaskState
from tongban.cases.models import Case, Clock, Task
from tongban.supervision.measures import (
    Dates,
    Status,
    case_conditions,
    department_conditions,
    not_paused,
    stage_conditions,
)

PAGE_SIZE = 50


@dataclass(frozen=True)
class CaseFilter:
    """Which cases a figure counts; every field left empty means "any"."""

    state: CaseState | None = None
    department: str | None = None
    item: str | None = None  # catalog code of an item or a bundle
    channel: Channel | None = None  # 办事渠道
    status: Status | None = None
    stage: Stage | None = None  # the stage was completed (within ``done``)
    received: Dates | None = None
    done: Dates | None = None  # when finished: the decision, or the department's task
    text: str | None = None  # words of the case number, the applicant's name or the title

    def conditions(self, *, now: datetime) -> list[ColumnElement[bool]]:
        # Decision dates alone ask for the cases decided then.
        status = self.status
        if status is None and self.done is not None and self.stage is None:
            status = Status.finished
        found: list[ColumnElement[bool]] = [Case.state != CaseState.draft]
        if self.state is not None:
            found.append(Case.state == self.state)
        if self.item:
            found.append(Case.catalog_code == self.item)
        if self.channel is not None:
            found.append(Case.channel == self.channel)
        if (matching := case_matches(self.text or "")) is not None:
            found.append(matching)
        if self.received is not None:
            found.append(self.received.holds(Case.submitted_at))
        if self.department:
            found += department_conditions(self.department, status, now=now, dates=self.done)
        elif status is not None:
            found += case_conditions(status, now=now, dates=self.done)
        if self.stage is not None:
            found += stage_conditions(self.stage, dates=self.done)
        return found


@dataclass
class CaseRow:
    case: Case
    applicant: str
    owners: list[Task]  # the open tasks: which department holds the case at which stage
    time_left: clocks.TimeLeft | None


@dataclass
class CasePage:
    rows: list[CaseRow]
    total: int
    page: int
    pages: int


def _running_due() -> Subquery:
    """Per case, the due times of its running promised and stage clocks (few rows: only
    open cases have running clocks, found through ``ix_clocks_running_due``)."""

    def earliest(kind: ClockKind) -> ColumnElement[datetime | None]:
        return func.min(case((Clock.kind == kind, Clock.due_at)))

    return (
        select(
            Clock.case_id,
            earliest(ClockKind.promised).label("promised"),
            earliest(ClockKind.stage).label("stage"),
        )
        .where(Clock.stopped_at.is_(None))
        .group_by(Clock.case_id)
        .subquery()
    )


def _paused_places(
    session: Session,
    unpaused: Select[Any],
    key: ColumnElement[Any],
    paused: list[Case],
    now: datetime,
) -> dict[int, Case]:
    """Where each paused case goes in the order (its place from 0): by the time it has left,
    which stands still, so by its due time if the clock resumed now (see ``case_time_left``);
    the database cannot count working time, but paused cases are few."""

    def due(case: Case) -> datetime | None:
        left = case_time_left(session, case=case, now=now)
        return left.due_at if left else None

    dues = {case.id: due(case) for case in paused}
    paused = sorted(paused, key=lambda c: (dues[c.id] is None, dues[c.id] or now, c.id))
    places = {}
    for index, found in enumerate(paused):
        moment = dues[found.id]
        if moment is None:  # no running clock: after every case that has one
            before = or_(key.is_not(None), Case.id < found.id)
        else:
            before = or_(key < moment, and_(key == moment, Case.id < found.id))
        ahead = session.scalar(select(func.count()).select_from(unpaused.where(before).subquery()))
        places[index + (ahead or 0)] = found
    return places


def _page_of_cases(
    session: Session, conditions: list[ColumnElement[bool]], now: datetime, first: int
) -> list[Case]:
    """The cases at places ``first`` … ``first + PAGE_SIZE - 1`` of the order: the database
    orders the running cases by due time, the few paused ones are put in their places."""
    running = _running_due()
    # The due time the time-left badge counts down to (see ``case_time_left``).
    key = func.coalesce(running.c.promised, running.c.stage)
    loaded = (
        selectinload(Case.tasks).selectinload(Task.assignee),  # who holds each open task
        selectinload(Case.clocks),
        selectinload(Case.pauses),
    )
    paused = session.scalars(select(Case).where(*conditions, ~not_paused()).options(*loaded))
    unpaused = (
        select(Case)
        .outerjoin(running, running.c.case_id == Case.id)
        .where(*conditions, not_paused())
    )
    places = _paused_places(session, unpaused, key, list(paused), now)
    here = {n - first: case for n, case in places.items() if 0 <= n - first < PAGE_SIZE}
    query = (
        unpaused.order_by(key.is_(None), key, Case.id)
        .offset(first - sum(n < first for n in places))
        .limit(PAGE_SIZE - len(here))
        .options(*loaded)
    )
    others = iter(session.scalars(query).all())
    shown = (here.get(n) or next(others, None) for n in range(PAGE_SIZE))
    return [case for case in shown if case is not None]


def list_supervised_cases(
    session: Session, *, user: User, where: CaseFilter, now: datetime, page: int = 1
) -> CasePage:
    """One page of the cases matching ``where``, least time left first (finished last)."""
    conditions = [*where.conditions(now=now), *access.supervised_cases(session, user)]
    total = session.scalar(select(func.count()).select_from(Case).where(*conditions)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    shown = _page_of_cases(session, conditions, now, (page - 1) * PAGE_SIZE)
    query = select(User.id, User.display_name).where(
        User.id.in_({case.applicant_id for case in shown})
    )
    names = {user_id: name for user_id, name in session.execute(query)}
    rows = [
        CaseRow(
            case=found,
            applicant=names.get(found.applicant_id, ""),
            owners=[task for task in found.tasks if task.state == TaskState.open],
            time_left=case_time_left(session, case=found, now=now),
        )
        for found in shown
    ]
    return CasePage(rows, total, page, pages)


def filter_choices(session: Session, *, user: User) -> tuple[set[str], set[str]] | None:
    """The department and item (or bundle) codes a regional supervisor's filters offer:
    the departments of their region and those leading a case received there (跨域通办),
    the items of the cases they supervise; None for the platform's supervisors (every
    one). NotAllowed for anyone who is not a supervisor."""
    region = access.supervised_departments(session, user)
    if region is None:
        return None
    seen = select(Case.lead_department, Case.catalog_code).where(
        *access.supervised_cases(session, user)
    )
    pairs = session.execute(seen.distinct()).all()
    departments = set(session.scalars(region)) | {lead for lead, _ in pairs}
    return departments, {code for _, code in pairs}
