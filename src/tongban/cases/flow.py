"""After acceptance: parallel review, decision, issuing, delivery. Pauses and the
extension of the legal limit are in ``limits.py``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.audit.service import SYSTEM, Actor
from tongban.cases import access, clocks, documents, limits
from tongban.cases.definition import spec_of
from tongban.cases.enums import (
    ClockKind,
    RoundOutcome,
    Stage,
    TaskOutcome,
)
from tongban.cases.machine import Event
from tongban.cases.models import Case, Task
from tongban.cases.rounds import join_review_round, open_stage_task
from tongban.cases.transition import change_state, finish_task, lock_case
from tongban.errors import Conflict, InvalidInput, NotFound
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


def _decide_task(
    session: Session, task_id: int, user: User, expected_version: int | None, now: datetime
) -> Task:
    """The decision task, locked. A decision ends an open art. 45 pause: the hearing or
    inspection it waited for is over, and no clock may stand still after the case moves on."""
    task = locked_task(session, task_id=task_id, user=user, expected_version=expected_version)
    if task.stage != Stage.decide:
        raise Conflict("这不是核准任务。", "This is not a decision task.")
    if clocks.open_pause(task.case) is not None:
        limits.resume(session, task.case, actor_of(user), now, opinion="作出决定，暂停计时结束。")
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
    task = _decide_task(session, task_id, user, expected_version, now)
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
    task = _decide_task(session, task_id, user, expected_version, now)
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
