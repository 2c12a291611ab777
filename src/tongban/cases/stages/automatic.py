"""Deciding a case with no person (秒批, 无人审批): the platform accepts the case it has just
received, makes the decision its rules gave and, when approved, issues the results (a
licence result through the e-licence maker, signed) and delivers them online. Every step is
an ordinary transition, audited with the system as actor and the rule's reason as the
opinion, so the case's timeline reads like any other. What the rules are, and whether they
decide at all, is the ``instant`` domain's; this module only carries the decision out.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tongban.audit.service import Actor
from tongban.cases.assignment import pool
from tongban.cases.core import hooks
from tongban.cases.core.definition import spec_of
from tongban.cases.core.machine import Event
from tongban.cases.core.transition import finish_task
from tongban.cases.enums import CaseState, Stage, TaskOutcome, TaskState
from tongban.cases.models import Case, Task
from tongban.cases.stages import documents
from tongban.cases.stages.intake import _accept
from tongban.cases.stages.progress import move_on, refuse
from tongban.errors import Conflict
from tongban.files.store import FileStore

ACCEPTED = "申请材料齐全、符合法定形式，系统自动受理（秒批）。"
ISSUED = "系统自动制证（秒批）。"
hooks.OPINIONS_EN.update(
    {
        ACCEPTED: "Materials complete and in legal form: accepted automatically (instant approval).",
        ISSUED: "Licence made automatically (instant approval).",
    }
)


def _open_task(case: Case, stage: Stage) -> Task | None:
    return next((t for t in case.tasks if t.stage == stage and t.state == TaskState.open), None)


def decide_automatically(
    session: Session,
    *,
    case: Case,
    approve: bool,
    reason: str,
    reason_en: str,
    actor: Actor,
    now: datetime,
    store: FileStore,
) -> Case:
    """Accept the received ``case`` and approve it (results issued and, online, delivered)
    or refuse it with ``reason`` (a written refusal decision, art. 38; ``reason_en`` its
    English, shown on English pages), as ``actor``.

    The case must be received (``submitted``, its acceptance task open, the caller holding
    its lock) and its item must list a 核准 stage and no 审查 stage (the catalog loader
    checks instant items so); otherwise Conflict.
    """
    accept = _open_task(case, Stage.accept)
    if case.state != CaseState.submitted or accept is None:
        raise Conflict("办件不在待受理状态，不能自动决定。", "The case is not awaiting acceptance.")
    with pool.suspended(session):  # the rules hold every task they open and close
        return _decide(session, case, accept, approve, (reason, reason_en), actor, now, store)


def _decide(
    session: Session,
    case: Case,
    accept: Task,
    approve: bool,
    reasons: tuple[str, str],
    actor: Actor,
    now: datetime,
    store: FileStore,
) -> Case:
    reason, reason_en = reasons
    finish_task(
        session, task=accept, outcome=TaskOutcome.approved, actor=actor, opinion=ACCEPTED, now=now
    )
    _accept(session, case, Event.accept, actor, ACCEPTED, now, now, store)
    decide = _open_task(case, Stage.decide)
    if decide is None:
        raise Conflict("该事项没有核准环节，不能自动决定。", "The item has no decision stage.")
    outcome = TaskOutcome.approved if approve else TaskOutcome.refused
    finish_task(
        session,
        task=decide,
        outcome=outcome,
        actor=actor,
        opinion=reason,
        opinion_en=reason_en,
        now=now,
    )
    if not approve:
        refuse(session, case, actor=actor, reasons=reason, reasons_en=reason_en, now=now)
        return case
    english = {"opinion_en": reason_en}
    move_on(
        session,
        case,
        event=Event.approve,
        actor=actor,
        now=now,
        store=store,
        opinion=reason,
        data=english,
    )
    issue = _open_task(case, Stage.issue)
    if issue is not None:
        finish_task(
            session, task=issue, outcome=TaskOutcome.approved, actor=actor, opinion=ISSUED, now=now
        )
        spec = spec_of(session, case)  # the results are made exactly as at a clerk's 制证
        documents.issue_results(session, case=case, spec=spec, store=store, now=now)
        move_on(session, case, event=Event.issue, actor=actor, now=now, store=store, opinion=ISSUED)
    return case
