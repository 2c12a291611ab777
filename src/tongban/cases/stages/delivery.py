"""Issue (制证) and delivery (送达): result documents, online delivery at once, mail or the
window recorded by staff.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.audit.service import SYSTEM, Actor
from tongban.cases.core.definition import spec_of
from tongban.cases.core.machine import Event
from tongban.cases.core.transition import change_state, finish_task, locked_task
from tongban.cases.enums import (
    Stage,
    TaskOutcome,
)
from tongban.cases.models import Case, Task
from tongban.cases.stages import documents
from tongban.cases.stages.rounds import open_stage_task
from tongban.errors import Conflict
from tongban.files.store import FileStore


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
