"""Issue (制证) and delivery (送达): result documents, online delivery at once, the window
or the post recorded by staff (by post: the mailing address and the waybill number).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.cases.core import hooks
from tongban.cases.core.definition import spec_of
from tongban.cases.core.machine import Event
from tongban.cases.core.transition import change_state, finish_task, locked_task
from tongban.cases.enums import Stage, TaskOutcome
from tongban.cases.models import Case
from tongban.cases.stages import documents, postal
from tongban.cases.stages.progress import move_on
from tongban.errors import Conflict
from tongban.files.store import FileStore
from tongban.pii.service import mask_address


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
    """Issue (制证): produce the result documents; then 送达 (online: at once)."""
    task = locked_task(session, task_id=task_id, user=user, expected_version=expected_version)
    if task.stage != Stage.issue:
        raise Conflict("这不是制证任务。", "This is not an issuing task.")
    case = task.case
    hooks.check_hold(session, case)
    actor = actor_of(user)
    finish_task(
        session, task=task, outcome=TaskOutcome.approved, actor=actor, opinion=opinion, now=now
    )
    documents.issue_results(session, case=case, spec=spec_of(session, case), store=store, now=now)
    move_on(session, case, event=Event.issue, actor=actor, now=now, store=store, opinion=opinion)
    return case


def deliver_result(
    session: Session,
    *,
    task_id: int,
    user: User,
    opinion: str | None,
    now: datetime,
    tracking_number: str | None = None,
    postal_address: Mapping[str, Any] | None = None,
    expected_version: int | None = None,
) -> Case:
    """Record delivery (送达): handed over at the window, or posted, which needs the mailing
    address (the applicant's, or ``postal_address`` entered by the clerk) and the waybill."""
    task = locked_task(session, task_id=task_id, user=user, expected_version=expected_version)
    if task.stage != Stage.deliver:
        raise Conflict("这不是送达任务。", "This is not a delivery task.")
    case, actor = task.case, actor_of(user)
    data = None
    if case.delivery == "mail":
        posted = postal.record_posting(
            session,
            case=case,
            tracking_number=tracking_number,
            actor=actor,
            now=now,
            address=postal_address,
        )
        # the audit chain is kept for good: the address only masked (docs/security.md)
        data = {"tracking_number": posted.tracking_number, "address": mask_address(posted.address)}
    finish_task(
        session, task=task, outcome=TaskOutcome.approved, actor=actor, opinion=opinion, now=now
    )
    change_state(
        session, now=now, case=case, event=Event.deliver, actor=actor, opinion=opinion, data=data
    )
    case.closed_at = now
    return case
