"""Moving a case on to the next stage its item version lists: stage tasks, the opening of
the review round, the decision and the results.

A case runs exactly the stages of ``definition.stages``; where one is not listed, the
stage before does its part. Without 审查 the case goes from acceptance to its decision;
without 核准 the review round decides (a refusal ends the case with a written decision
giving the reviewers' reasons); without 制证 the system issues the result documents with
the decision; an online result is delivered the moment it is issued.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from tongban.audit.service import SYSTEM, Actor
from tongban.cases.core import clocks, definition, hooks
from tongban.cases.core.machine import STAGE_STATES, Event
from tongban.cases.core.transition import (
    Opening,
    cancel_open_tasks,
    change_state,
    finish_task,
    open_task,
    open_tasks,
)
from tongban.cases.enums import CaseState, ClockKind, Stage, TaskOutcome
from tongban.cases.models import Case, Task
from tongban.cases.stages import documents, limits
from tongban.files.store import FileStore

ONLINE_DELIVERY = "网上送达：申请人可在办件页面下载结果。"
hooks.OPINIONS_EN[ONLINE_DELIVERY] = (
    "Delivered online: the applicant downloads the result on the case page."
)
DECIDED_RESUMED = "作出决定，暂停计时结束。"
hooks.OPINIONS_EN[DECIDED_RESUMED] = "Decision made: the pause of the time limit ends."
# States a case is in only once the decision (核准, or what stands for it) is made.
DECIDED = frozenset({CaseState.issuing, CaseState.delivering, CaseState.completed})


def open_stage_task(session: Session, case: Case, stage: Stage, now: datetime) -> Task:
    """A lead-department task for ``stage`` with its stage clock running."""
    unit, limit = definition.stage_limit(definition.spec_of(session, case), stage)
    return open_task(
        session,
        case=case,
        stage=stage,
        department_code=case.lead_department,
        unit=unit,
        limit=limit,
        now=now,
    )


def move_on(
    session: Session,
    case: Case,
    *,
    event: Event,
    actor: Actor,
    now: datetime,
    store: FileStore,
    opinion: str | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Move by ``event`` to the next stage the case runs, and start that stage's work now.

    A stage's own clock runs from when its task opens, so a late acceptance (art. 32) never
    makes the next department late; the case's clocks are the intake's to start.
    """
    spec = definition.spec_of(session, case)
    stages = definition.stages(spec, delivery=case.delivery)
    change_state(
        session,
        now=now,
        case=case,
        event=event,
        actor=actor,
        opinion=opinion,
        data=data,
        stages=stages,
    )
    decided = case.decided_at is None and case.state in DECIDED
    if decided:
        if Stage.issue not in stages:
            hooks.check_hold(session, case)  # the decision issues the results: not yet
        _end_pause(session, case, actor, now)
        case.decided_at = now
        clocks.stop_clocks(session, case=case, now=now, kinds=[ClockKind.promised, ClockKind.legal])
        if Stage.issue not in stages:
            documents.issue_results(session, case=case, spec=spec, store=store, now=now)
    _start(session, case, now, store)
    if decided:
        hooks.run(hooks.DECIDED, session, case, actor, now, store)


def _end_pause(session: Session, case: Case, actor: Actor, now: datetime) -> None:
    """A decision ends an open art. 45 pause: the hearing or inspection it waited for is
    over, and no clock may stand still after the case moves on."""
    if clocks.open_pause(case) is not None:
        limits.resume(session, case, actor, now, opinion=DECIDED_RESUMED)


def _start(session: Session, case: Case, now: datetime, store: FileStore) -> None:
    """Open the work of the stage the case has just entered."""
    if case.state == CaseState.in_review:
        _open_review_round(session, case, now)
        return
    if case.state == CaseState.completed:
        case.closed_at = now
        return
    stage = next((s for s, state in STAGE_STATES.items() if state == case.state), None)
    if stage is None:
        return
    task = open_stage_task(session, case, stage, now)
    if stage == Stage.deliver and case.delivery == "online":
        finish_task(
            session,
            task=task,
            outcome=TaskOutcome.approved,
            actor=SYSTEM,
            opinion=ONLINE_DELIVERY,
            now=now,
        )
        move_on(
            session,
            case,
            event=Event.deliver,
            actor=SYSTEM,
            now=now,
            store=store,
            opinion=ONLINE_DELIVERY,
        )


def _open_review_round(session: Session, case: Case, now: datetime) -> None:
    """One review task per (item, department) that lists 审查: they run in parallel, but
    for the items of a bundle that wait for others (:func:`open_reviews`)."""
    open_reviews(session, case, now)


def open_reviews(session: Session, case: Case, now: datetime) -> dict[str, list[str]]:
    """Open the review tasks of the items whose prerequisites in the bundle's order
    (``requires``) are approved, and end refused those of an item whose prerequisite was
    refused, giving its reasons; again until nothing changes (a chain of items). Returns
    the items still waiting → the prerequisites they wait for."""
    spec = definition.spec_of(session, case)
    while True:
        order = definition.review_order(spec, definition.review_outcomes(case))
        if not order.ready and not order.refused:
            return order.waiting
        openings = [
            Opening(Stage.review, dept, *definition.item_stage_limit(item, Stage.review), code)
            for item, dept in definition.review_assignments(spec)
            if (code := item["code"]) in order.ready or code in order.refused
        ]
        for task in open_tasks(session, case=case, openings=openings, now=now):
            before = order.refused.get(task.item_code or "")
            if before is not None:
                reasons = _refusal_reasons(case, before)
                opinion = f"前置事项 {before} 审查未通过，本事项不能办理：{reasons}"
                finish_task(
                    session,
                    task=task,
                    outcome=TaskOutcome.refused,
                    actor=SYSTEM,
                    opinion=opinion,
                    now=now,
                )


def _refusal_reasons(case: Case, item_code: str) -> str:
    return "；".join(
        t.opinion or ""
        for t in case.tasks
        if t.stage == Stage.review and t.item_code == item_code and t.outcome == TaskOutcome.refused
    )


def refuse(
    session: Session,
    case: Case,
    *,
    actor: Actor,
    reasons: str,
    now: datetime,
    reasons_en: str | None = None,
) -> None:
    """End the case refused (不予许可) with a written decision giving the reasons (art. 38);
    ``reasons_en`` their English where the platform wrote them (a rule's)."""
    _close(session, case, Event.refuse, actor=actor, reasons=reasons, en=reasons_en, now=now)
    case.decided_at = case.closed_at = now
    clocks.stop_clocks(session, case=case, now=now)
    documents.issue_refusal(
        session,
        case=case,
        spec=definition.spec_of(session, case),
        reasons=reasons,
        now=now,
    )


def _close(
    session: Session,
    case: Case,
    event: Event,
    *,
    actor: Actor,
    reasons: str,
    en: str | None,
    now: datetime,
) -> None:
    """End any pause and move the case by ``event`` (refuse, terminate) with ``reasons``
    on its timeline, and their English ``en`` beside where the platform wrote them."""
    _end_pause(session, case, actor, now)
    english = {"opinion_en": en} if en else None
    change_state(
        session, now=now, case=case, event=event, actor=actor, opinion=reasons, data=english
    )


def terminate(
    session: Session,
    case: Case,
    *,
    actor: Actor,
    reasons: str,
    now: datetime,
    reasons_en: str | None = None,
) -> None:
    """End the case without a decision on the merits (终止办理): open work cancelled, every
    clock stopped; the caller issues the notice saying why. ``reasons_en``: their English
    where the platform wrote them."""
    _close(session, case, Event.terminate, actor=actor, reasons=reasons, en=reasons_en, now=now)
    cancel_open_tasks(session, case=case, actor=actor, now=now)
    case.closed_at = now
    clocks.stop_clocks(session, case=case, now=now)
