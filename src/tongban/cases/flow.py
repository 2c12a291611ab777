"""After acceptance: parallel review, decision, issuing, delivery, pauses, extension."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.audit import service as audit
from tongban.audit.service import SYSTEM, Actor
from tongban.cases import access, clocks, definition, documents
from tongban.cases.definition import spec_of
from tongban.cases.enums import (
    CaseState,
    ClockKind,
    PauseReason,
    RoundOutcome,
    Stage,
    TaskOutcome,
    TaskState,
)
from tongban.cases.machine import Event
from tongban.cases.models import Case, CasePause, Task
from tongban.cases.rounds import join_review_round, open_stage_task
from tongban.cases.transition import change_state, finish_task, lock_case
from tongban.errors import Conflict, InvalidInput, NotAllowed, NotFound
from tongban.files.store import FileStore


def locked_task(
    session: Session, *, task_id: int, user: User, expected_version: int | None = None
) -> Task:
    """Load an open task under its case's lock and check who may act on it."""
    task = session.get(Task, task_id)
    if task is None:
        raise NotFound(f"没有找到任务 {task_id}。", f"No task {task_id}.")
    lock_case(session, case_id=task.case_id)
    session.refresh(task)
    access.check_act(user, task)
    if expected_version is not None and expected_version != task.version:
        raise Conflict(
            "任务已被他人更新，请刷新后再操作。",
            "The task changed meanwhile; reload.",
            code="stale",
        )
    return task


def review_task(
    session: Session,
    *,
    task_id: int,
    user: User,
    outcome: TaskOutcome,
    opinion: str,
    now: datetime,
    expected_version: int | None = None,
) -> Task:
    """A department approves or refuses its part; the round joins when it is decided."""
    task = locked_task(session, task_id=task_id, user=user, expected_version=expected_version)
    if task.stage != Stage.review:
        raise Conflict("这不是审查任务。", "This is not a review task.")
    if outcome == TaskOutcome.refused and not opinion.strip():
        raise InvalidInput(
            "不同意时必须填写审查意见。", "A refusal needs an opinion.", field="opinion"
        )
    actor = actor_of(user)
    finish_task(session, task=task, outcome=outcome, actor=actor, opinion=opinion, now=now)
    join_review_round(session, task.case, now)
    return task


def _decide_task(session: Session, task_id: int, user: User, expected_version: int | None) -> Task:
    task = locked_task(session, task_id=task_id, user=user, expected_version=expected_version)
    if task.stage != Stage.decide:
        raise Conflict("这不是核准任务。", "This is not a decision task.")
    return task


def approve_case(
    session: Session,
    *,
    task_id: int,
    user: User,
    opinion: str,
    now: datetime,
    expected_version: int | None = None,
) -> Case:
    """Approve (核准): only when every reviewing department approved."""
    task = _decide_task(session, task_id, user, expected_version)
    case = task.case
    if case.review_outcome != RoundOutcome.approved:
        raise Conflict(
            "有部门审查不同意，不能核准；请作出不予许可决定。",
            "A department refused; the decision can only be a refusal.",
            code="review_refused",
        )
    actor = actor_of(user)
    finish_task(
        session, task=task, outcome=TaskOutcome.approved, actor=actor, opinion=opinion, now=now
    )
    change_state(session, now=now, case=case, event=Event.approve, actor=actor, opinion=opinion)
    case.decided_at = now
    clocks.stop_clocks(session, case=case, now=now, kinds=[ClockKind.promised, ClockKind.legal])
    open_stage_task(session, case, Stage.issue, now)
    return case


def refuse_case(
    session: Session,
    *,
    task_id: int,
    user: User,
    opinion: str,
    now: datetime,
    store: FileStore,
    expected_version: int | None = None,
) -> Case:
    """Refuse (不予许可) with reasons; a written decision with appeal rights is produced."""
    if not opinion.strip():
        raise InvalidInput("不予许可必须说明理由。", "A refusal needs reasons.", field="opinion")
    task = _decide_task(session, task_id, user, expected_version)
    case = task.case
    actor = actor_of(user)
    finish_task(
        session, task=task, outcome=TaskOutcome.refused, actor=actor, opinion=opinion, now=now
    )
    change_state(session, now=now, case=case, event=Event.refuse, actor=actor, opinion=opinion)
    case.decided_at = case.closed_at = now
    clocks.stop_clocks(session, case=case, now=now)
    documents.issue_refusal(
        session, case=case, spec=spec_of(session, case), reasons=opinion, store=store, now=now
    )
    return case


def issue_result(
    session: Session,
    *,
    task_id: int,
    user: User,
    opinion: str | None,
    now: datetime,
    store: FileStore,
    expected_version: int | None = None,
) -> Case:
    """Issue (制证): produce the result documents; online delivery completes at once."""
    task = locked_task(session, task_id=task_id, user=user, expected_version=expected_version)
    if task.stage != Stage.issue:
        raise Conflict("这不是制证任务。", "This is not an issuing task.")
    case = task.case
    actor = actor_of(user)
    finish_task(
        session, task=task, outcome=TaskOutcome.approved, actor=actor, opinion=opinion, now=now
    )
    documents.issue_results(session, case=case, spec=spec_of(session, case), store=store, now=now)
    change_state(session, now=now, case=case, event=Event.issue, actor=actor, opinion=opinion)
    deliver = open_stage_task(session, case, Stage.deliver, now)
    if case.delivery == "online":
        _deliver(session, deliver, SYSTEM, "网上送达：申请人可在办件页面下载结果。", now)
    return case


def _deliver(
    session: Session, task: Task, actor: Actor, opinion: str | None, now: datetime
) -> None:
    finish_task(
        session, task=task, outcome=TaskOutcome.approved, actor=actor, opinion=opinion, now=now
    )
    change_state(
        session, now=now, case=task.case, event=Event.deliver, actor=actor, opinion=opinion
    )
    task.case.closed_at = now


def deliver_result(
    session: Session,
    *,
    task_id: int,
    user: User,
    opinion: str | None,
    now: datetime,
    expected_version: int | None = None,
) -> Case:
    """Record delivery (送达) by mail or at the window."""
    task = locked_task(session, task_id=task_id, user=user, expected_version=expected_version)
    if task.stage != Stage.deliver:
        raise Conflict("这不是送达任务。", "This is not a delivery task.")
    _deliver(session, task, actor_of(user), opinion, now)
    return task.case


def _check_case_officer(case: Case, user: User, *roles: Role) -> None:
    open_departments = {t.department_code for t in case.tasks if t.state == TaskState.open}
    if user.department_code not in open_departments | {case.lead_department} or not user.has_role(
        *roles
    ):
        raise NotAllowed(
            "只有承办部门的审查或核准人员可以这样做。",
            "Only reviewers or approvers of a department handling the case may do this.",
        )


def pause_clock(
    session: Session, *, case_id: int, user: User, reason: PauseReason, note: str, now: datetime
) -> CasePause:
    """Art. 45: hearings, inspections, testing, expert review do not count."""
    case = lock_case(session, case_id=case_id)
    _check_case_officer(case, user, Role.reviewer, Role.approver)
    if reason == PauseReason.correction or not note.strip():
        raise InvalidInput(
            "请选择暂停原因（听证、检验、检测、专家评审）并说明情况。",
            "Choose hearing, inspection, testing or expert review and explain.",
            field="note",
        )
    if case.state not in (CaseState.in_review, CaseState.in_decision):
        raise Conflict(
            "只有审查或核准阶段可以暂停计时。", "The clock pauses only in review or decision."
        )
    if any(pause.ended_at is None for pause in case.pauses):
        raise Conflict("计时已经暂停。", "The clock is already paused.")
    actor = actor_of(user)
    pause = CasePause(
        case_id=case.id, reason=reason, note=note, started_at=now, started_by=actor.name
    )
    session.add(pause)
    case.pauses.append(pause)
    audit.record(
        session,
        at=now,
        action="case.pause",
        actor=actor,
        object_type="case",
        object_id=case.number,
        case_id=case.id,
        subject_id=case.applicant_id,
        opinion=note,
        data={"reason": reason},
    )
    return pause


def resume_clock(session: Session, *, case_id: int, user: User, now: datetime) -> Case:
    """End an art. 45 pause; due times move by the working time it took."""
    case = lock_case(session, case_id=case_id)
    _check_case_officer(case, user, Role.reviewer, Role.approver)
    open_pauses = [
        p for p in case.pauses if p.ended_at is None and p.reason != PauseReason.correction
    ]
    if not open_pauses:
        raise Conflict("计时没有暂停。", "The clock is not paused.")
    for pause in open_pauses:
        pause.ended_at = now
    moved = clocks.recompute(session, case=case)
    audit.record(
        session,
        at=now,
        action="case.resume",
        actor=actor_of(user),
        object_type="case",
        object_id=case.number,
        case_id=case.id,
        subject_id=case.applicant_id,
        data={"moved": [clock.id for clock, _ in moved]},
    )
    return case


def extend_limit(
    session: Session, *, case_id: int, user: User, opinion: str, now: datetime
) -> Case:
    """Art. 42: the approver extends the legal limit once, by 10 (joint: 15) working days."""
    case = lock_case(session, case_id=case_id)
    if not (user.has_role(Role.approver) and user.department_code == case.lead_department):
        raise NotAllowed(
            "只有牵头部门的核准人员可以批准延期。",
            "Only the lead department's approver may extend.",
        )
    if not opinion.strip():
        raise InvalidInput(
            "延期必须说明理由并记录批准意见。",
            "An extension needs the approver's reasons.",
            field="opinion",
        )
    if case.extended:
        raise Conflict(
            "法定期限只能延长一次。",
            "The legal limit can be extended only once.",
            code="already_extended",
        )
    legal = clocks.running(case, ClockKind.legal)
    if case.state not in (CaseState.in_review, CaseState.in_decision) or not legal:
        raise Conflict(
            "只有审查或核准阶段的办件可以延期。",
            "Only cases in review or decision can be extended.",
        )
    days = definition.EXTENSION_DAYS_JOINT if case.joint else definition.EXTENSION_DAYS
    for clock in legal:
        clock.extension = days * (definition.HOURS_PER_DAY if clock.unit == "hours" else 1)
    case.extended = True
    clocks.recompute(session, case=case)
    audit.record(
        session,
        at=now,
        action="case.extend",
        actor=actor_of(user),
        object_type="case",
        object_id=case.number,
        case_id=case.id,
        subject_id=case.applicant_id,
        opinion=opinion,
        data={"days": days},
    )
    return case
