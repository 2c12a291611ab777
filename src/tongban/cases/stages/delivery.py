"""Issue (制证) and delivery (送达): result documents, online delivery at once, the window
hand-over recorded by staff; by post, the clerk records the mailing address and the
waybill number, and the case completes (办结) only when the courier reports it signed for
(a failed delivery opens a new delivery task).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.audit.service import SYSTEM, Actor
from tongban.cases.core import hooks
from tongban.cases.core.definition import spec_of
from tongban.cases.core.machine import Event
from tongban.cases.core.transition import (
    change_state,
    finish_task,
    lock_case,
    locked_task,
    record_case,
)
from tongban.cases.enums import CaseState, Stage, TaskOutcome, TaskState
from tongban.cases.models import Case, Task
from tongban.cases.stages import documents, postal
from tongban.cases.stages.progress import move_on, open_stage_task
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
    task = locked_task(
        session, task_id=task_id, user=user, now=now, expected_version=expected_version
    )
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
    pickup_code: str | None = None,
    expected_version: int | None = None,
) -> Case:
    """Record delivery (送达): handed over at the window (with the applicant's pickup code,
    where the registered hand-over check asks for one), or posted, which needs the mailing
    address (the applicant's, or ``postal_address`` entered by the clerk) and the waybill."""
    task = locked_task(
        session, task_id=task_id, user=user, now=now, expected_version=expected_version
    )
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
    for handover in hooks.HANDOVERS:
        handover(session, case, pickup_code, actor, now)
    finish_task(
        session, task=task, outcome=TaskOutcome.approved, actor=actor, opinion=opinion, now=now
    )
    if case.delivery == "mail":
        # posted is not delivered: the case ends when the courier reports it signed for
        record_case(
            session,
            case=case,
            action="delivery.posted",
            actor=actor,
            now=now,
            opinion=opinion,
            data=data,
        )
    else:
        change_state(
            session,
            now=now,
            case=case,
            event=Event.deliver,
            actor=actor,
            opinion=opinion,
            data=data,
        )
        case.closed_at = now
    for delivered in hooks.DELIVERED:
        delivered(session, case, actor, now)
    return case


def confirm_delivery(
    session: Session, *, case: Case, actor: Actor, now: datetime, opinion: str, opinion_en: str
) -> bool:
    """The courier reports a posted result signed for (签收): the case completes (办结) now,
    the courier's text (and its English) on the timeline. False, changing nothing, when the
    case is not waiting for its posted result (already completed, or a new posting is due
    after a failed one)."""
    case = lock_case(session, case_id=case.id)
    if not _posted_and_waiting(case):
        return False
    english = {"opinion_en": opinion_en}
    change_state(
        session, now=now, case=case, event=Event.deliver, actor=actor, opinion=opinion, data=english
    )
    case.closed_at = now
    return True


def delivery_failed(
    session: Session, *, case: Case, now: datetime, opinion: str, opinion_en: str
) -> Task | None:
    """The courier could not deliver a posted result (派送失败, e.g. refused or no one
    there): the case stays open and the lead department gets a new delivery task (post
    again, or hand it over at the window). None when nothing waited for that posting."""
    case = lock_case(session, case_id=case.id)
    if not _posted_and_waiting(case):
        return None
    record_case(
        session,
        case=case,
        action="delivery.failed",
        actor=SYSTEM,
        now=now,
        opinion=opinion,
        data={"opinion_en": opinion_en},
    )
    return open_stage_task(session, case, Stage.deliver, now)


def _posted_and_waiting(case: Case) -> bool:
    open_delivery = any(t.stage == Stage.deliver and t.state == TaskState.open for t in case.tasks)
    return case.state == CaseState.delivering and case.delivery == "mail" and not open_delivery
