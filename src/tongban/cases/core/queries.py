"""Reading cases: the applicant's list, the staff queue, the timeline with stage times."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from tongban import timefmt
from tongban.accounts.models import Authorisation, User
from tongban.audit import service as audit
from tongban.audit.models import AuditEntry
from tongban.cases.core import access, clocks, definition
from tongban.cases.core.machine import Event, action_of
from tongban.cases.enums import ClockKind, Stage
from tongban.cases.models import (
    Case,
    Clock,
    CorrectionRequest,
    Material,
    ResultDocument,
    Task,
)
from tongban.db import unit_now
from tongban.errors import NotFound
from tongban.textutil import code, fold
from tongban.workdays.calendar import WorkCalendar

STAGE_NAMES_ZH = {
    Stage.accept: "受理",
    Stage.review: "审查",
    Stage.decide: "核准",
    Stage.issue: "制证",
    Stage.deliver: "送达",
}


def get_case(session: Session, *, number: str, user: User) -> Case:
    """A case the user may see, by number (NotFound otherwise)."""
    case = _by_number(session, number)
    access.check_view(user, case)
    return case


def get_case_fees(session: Session, *, number: str, user: User) -> Case:
    """A case whose payment orders and delivery the user may read, by number: one they
    may see, or took in at the window (``access.check_fees_view``); NotFound otherwise."""
    case = _by_number(session, number)
    access.check_fees_view(user, case)
    return case


def _by_number(session: Session, number: str) -> Case:
    case = session.scalar(select(Case).where(Case.number == number))
    if case is None:
        raise NotFound(f"没有找到办件 {number}。", f"No case {number}.")
    return case


def list_my_cases(session: Session, *, user: User) -> Sequence[Case]:
    """The user's own cases, and those they made as an agent under an authorisation that
    still runs (授权委托: neither revoked nor past its last day, ``access.acts_for``),
    newest first."""
    standing = select(Authorisation.id).where(
        Authorisation.agent_id == user.id,
        Authorisation.revoked_at.is_(None),
        Authorisation.valid_until >= timefmt.local(unit_now(session)).date(),
    )
    mine = or_(
        Case.applicant_id == user.id,
        and_(Case.created_by_id == user.id, Case.authorisation_id.in_(standing)),
    )
    return session.scalars(select(Case).where(mine).order_by(Case.id.desc())).all()


def get_task(session: Session, *, task_id: int, user: User) -> Task:
    """A task of the user's department; any task of their region's cases for a supervisor
    (who reassigns tasks: ``access.supervises``). NotFound otherwise."""
    task = session.get(Task, task_id)
    if task is None or not (
        task.department_code == user.department_code or access.supervises(user, task.case)
    ):
        raise NotFound(f"没有找到任务 {task_id}。", f"No task {task_id}.")
    return task


def case_matches(text: str) -> ColumnElement[bool] | None:
    """Cases whose number or title holds what a person typed, read as catalog search
    reads a query (full width, case, spaces), or whose applicant has that whole name
    (names are sealed at rest: found by their keyed hash); a number may be typed with
    spaces or full-width digits. None for an empty query."""
    words, number = fold(text), code(text)
    if not words:
        return None
    named = select(User.id).where(User.display_name_key == text.strip())
    return or_(
        Case.number.contains(number, autoescape=True),
        Case.title.icontains(words, autoescape=True),
        Case.applicant_id.in_(named),
    )


def corrections(session: Session, *, case: Case) -> Sequence[CorrectionRequest]:
    query = select(CorrectionRequest).where(CorrectionRequest.case_id == case.id)
    return session.scalars(query.order_by(CorrectionRequest.id)).all()


def materials(session: Session, *, case: Case) -> Sequence[Material]:
    query = select(Material).where(Material.case_id == case.id, Material.replaced_at.is_(None))
    return session.scalars(query.order_by(Material.id)).all()


def get_material(session: Session, *, material_id: int, user: User) -> Material:
    material = session.get(Material, material_id)
    if material is None:
        raise NotFound("没有找到该材料。", "No such material.")
    access.check_view(user, session.get_one(Case, material.case_id))
    return material


def results(session: Session, *, case: Case) -> Sequence[ResultDocument]:
    query = select(ResultDocument).where(ResultDocument.case_id == case.id)
    return session.scalars(query.order_by(ResultDocument.id)).all()


def get_result(session: Session, *, result_id: int, user: User) -> ResultDocument:
    document = session.get(ResultDocument, result_id)
    if document is None:
        raise NotFound("没有找到该结果文书。", "No such result document.")
    access.check_view(user, session.get_one(Case, document.case_id))
    return document


@dataclass
class StageView:
    stage: Stage
    name_zh: str
    tasks: list[Task] = field(default_factory=list)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    working_time: float = 0.0  # in ``unit``, pauses not counted
    unit: str = "working_days"  # or "minutes" (office minutes) for a stage in office hours
    due: dict[int, datetime | None] = field(default_factory=dict)  # task id → due as it stands


@dataclass
class Timeline:
    stages: list[StageView]
    events: Sequence[AuditEntry]
    time_left: clocks.TimeLeft | None
    legal_time_left: clocks.TimeLeft | None = None  # art. 42, extension included
    # items whose review waits for others in the bundle's order: (name, names waited for)
    waiting: list[tuple[str, list[str]]] = field(default_factory=list)


def working_time(cal: WorkCalendar, start: datetime, end: datetime, unit: str) -> float:
    """Working time from ``start`` to ``end`` in ``unit``: whole office minutes (rounded
    down, as time left is: the timeline), office hours (to a tenth: the supervision
    averages) or working days. The timeline and the supervision figures both count time
    with it."""
    if unit == clocks.MINUTES:
        return timefmt.whole_minutes(cal.working_time_between(start, end))
    if unit == "hours":
        return round(cal.working_hours_between(start, end), 1)
    return cal.working_days_between(start, end)


def timeline(session: Session, *, case: Case, now: datetime) -> Timeline:
    """Every stage with who, when, opinion and time taken, and time left on the promise."""
    cal = clocks.calendar(session)
    views = []
    for stage in Stage:
        tasks = [task for task in case.tasks if task.stage == stage]
        if not tasks:
            continue
        view = StageView(stage=stage, name_zh=STAGE_NAMES_ZH[stage], tasks=tasks)
        view.started_at = min(task.started_at for task in tasks)
        finished = [task.finished_at for task in tasks]
        view.finished_at = None if None in finished else max(f for f in finished if f)
        stage_clocks = [c for c in case.clocks if c.task_id in {t.id for t in tasks}]
        if stage_clocks:  # time taken is written like time left: days, or minutes
            view.unit = clocks.MINUTES if stage_clocks[0].unit == "hours" else "working_days"
        end = view.finished_at or now
        view.working_time = working_time(cal, view.started_at, end, view.unit)
        view.due = {
            task.id: task.due_at if task.finished_at else _due_now(session, task, now)
            for task in tasks
        }
        views.append(view)
    return Timeline(
        views,
        one_per_action(audit.entries_for_case(session, case_id=case.id)),
        case_time_left(session, case=case, now=now),
        legal_time_left(session, case=case, now=now),
        definition.waiting_items(definition.spec_of(session, case), case),
    )


# The case moves that finishing a task of each stage makes, by the same actor at once.
STAGE_MOVES = {
    action_of(event): stage
    for event, stage in (
        (Event.accept, Stage.accept),
        (Event.deem_accept, Stage.accept),
        (Event.reject, Stage.accept),
        (Event.approve, Stage.decide),
        (Event.refuse, Stage.decide),
        (Event.issue, Stage.issue),
        (Event.deliver, Stage.deliver),
    )
}


def one_per_action(entries: Sequence[AuditEntry]) -> list[AuditEntry]:
    """The entries people read: one line per action.

    Finishing a stage writes the task's outcome and the case's move at the same moment by
    the same actor (受理 = ``task.approved`` + ``case.accept``); the case's line says it
    all. A task outcome that moved no case (one department's review) keeps its own line.
    The audit trail itself keeps both entries.
    """
    moves = {(e.at, e.actor_id, STAGE_MOVES[e.action]) for e in entries if e.action in STAGE_MOVES}

    def shown(entry: AuditEntry) -> bool:
        if entry.action not in ("task.approved", "task.refused"):
            return True
        return (entry.at, entry.actor_id, (entry.data or {}).get("stage")) not in moves

    return [entry for entry in entries if shown(entry)]


def _time_left(session: Session, case: Case, clock: Clock, now: datetime) -> clocks.TimeLeft:
    return clocks.time_left(clocks.calendar(session), clock, now=now, pauses=case.pauses)


def case_time_left(session: Session, *, case: Case, now: datetime) -> clocks.TimeLeft | None:
    """Time left against the promised limit (or the acceptance stage before acceptance),
    standing still while the case is paused."""
    running = clocks.running(case, ClockKind.promised) or clocks.running(case, ClockKind.stage)
    return _time_left(session, case, running[0], now) if running else None


def legal_time_left(session: Session, *, case: Case, now: datetime) -> clocks.TimeLeft | None:
    """Time left against the legal limit (法定期限, art. 42: 20 or, joint, 45 working days
    from acceptance, extended once by 10 or 15), while it runs; None before acceptance and
    after the decision."""
    running = clocks.running(case, ClockKind.legal)
    return _time_left(session, case, running[0], now) if running else None


def task_time_left(session: Session, *, task: Task, now: datetime) -> clocks.TimeLeft | None:
    """Time left on the task's own stage clock, standing still while the case is paused."""
    for clock in clocks.running(task.case):
        if clock.task_id == task.id:
            return _time_left(session, task.case, clock, now)
    return None


def _due_now(session: Session, task: Task, now: datetime) -> datetime | None:
    """When the task runs out of time as things stand: its due time, or for a paused case
    the due time if the clock resumed now (what its frozen time left amounts to)."""
    if clocks.open_pause(task.case) is None:
        return task.due_at
    left = task_time_left(session, task=task, now=now)
    return left.due_at if left else task.due_at
