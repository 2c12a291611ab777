"""The decision (核准 / 不予许可). What the lead department may do before it, pause the clock
for an art. 45 procedure, resume it, extend the legal limit once (art. 42), is in
``limits.py``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.audit.service import Actor
from tongban.cases.core import hooks
from tongban.cases.core.machine import Event
from tongban.cases.core.transition import finish_task, locked_task
from tongban.cases.enums import RoundOutcome, Stage, TaskOutcome, TaskState
from tongban.cases.models import Case, Task
from tongban.cases.stages.progress import move_on, refuse
from tongban.errors import Conflict, InvalidInput
from tongban.files.store import FileStore


def _decide_task(
    session: Session, task_id: int, user: User, expected_version: int | None, now: datetime
) -> Task:
    """The decision task, locked (a decision ends an open art. 45 pause: ``progress``)."""
    task = locked_task(
        session, task_id=task_id, user=user, now=now, expected_version=expected_version
    )
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
    store: FileStore,
    expected_version: int | None = None,
) -> Case:
    """Approve (核准): not after a department refused in review; then 制证 (or, when
    the item lists no 制证 stage, the results are issued with the decision)."""
    task = _decide_task(session, task_id, user, expected_version, now)
    case = task.case
    if case.review_outcome == RoundOutcome.refused:
        raise Conflict(
            "有部门审查不同意，不能核准；请作出不予许可决定。",
            "A department refused; the decision can only be a refusal.",
            code="review_refused",
        )
    hooks.check_decide_hold(session, task, TaskOutcome.approved)
    actor = actor_of(user)
    finish_task(
        session, task=task, outcome=TaskOutcome.approved, actor=actor, opinion=opinion, now=now
    )
    move_on(session, case, event=Event.approve, actor=actor, now=now, store=store, opinion=opinion)
    return case


def refuse_case(
    session: Session,
    *,
    task_id: int,
    user: User,
    opinion: str,
    now: datetime,
    expected_version: int | None = None,
) -> Case:
    """Refuse (不予许可) with reasons; a written decision with appeal rights is produced."""
    if not opinion.strip():
        raise InvalidInput("不予许可必须说明理由。", "A refusal needs reasons.", field="opinion")
    task = _decide_task(session, task_id, user, expected_version, now)
    case = task.case
    hooks.check_decide_hold(session, task, TaskOutcome.refused)
    actor = actor_of(user)
    finish_task(
        session, task=task, outcome=TaskOutcome.refused, actor=actor, opinion=opinion, now=now
    )
    refuse(session, case, actor=actor, reasons=opinion, now=now)
    return case


def approve_by_rule(
    session: Session, *, case: Case, actor: Actor, opinion: str, now: datetime, store: FileStore
) -> bool:
    """Approve (核准) for a rule, not a person (告知承诺: decided on the signed commitment)
    when the decision task is open and no department refused; whether it was approved."""
    task = next(
        (t for t in case.tasks if t.stage == Stage.decide and t.state == TaskState.open), None
    )
    if task is None or case.review_outcome == RoundOutcome.refused:
        return False
    if any(hold(session, task, TaskOutcome.approved) for hold in hooks.DECIDE_HOLDS):
        return False
    finish_task(
        session, task=task, outcome=TaskOutcome.approved, actor=actor, opinion=opinion, now=now
    )
    move_on(session, case, event=Event.approve, actor=actor, now=now, store=store, opinion=opinion)
    return True
