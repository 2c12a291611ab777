"""Parallel review rounds (并联审批): a department's review, and joining the round with
``review.decide``: to the 核准 stage when the case runs one, else the round decides."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.audit.service import SYSTEM, Actor
from tongban.cases.core import definition, hooks
from tongban.cases.core.machine import Event
from tongban.cases.core.transition import (
    cancel_open_tasks,
    change_state,
    finish_task,
    locked_task,
    open_task,
)
from tongban.cases.enums import RoundOutcome, Stage, TaskOutcome, TaskState
from tongban.cases.models import Case, Task
from tongban.cases.stages.progress import move_on, open_reviews, refuse
from tongban.cases.stages.review import decide
from tongban.errors import Conflict, InvalidInput
from tongban.files.store import FileStore


def join_review_round(
    session: Session, case: Case, now: datetime, store: FileStore
) -> RoundOutcome:
    """Decide the round; once decided, cancel what is open and move on.

    The outcome goes to the 核准 stage when the case runs one; otherwise the round's
    outcome is the decision.
    """
    waiting = open_reviews(session, case, now)
    tasks = [t for t in case.tasks if t.stage == Stage.review and t.state != TaskState.cancelled]
    result = decide([t.outcome for t in tasks], case.join_rule)
    if result == RoundOutcome.pending or (waiting and result == RoundOutcome.approved):
        return RoundOutcome.pending
    cancel_open_tasks(session, case=case, actor=SYSTEM, now=now)
    case.review_outcome = result
    stages = definition.stages(definition.spec_of(session, case), delivery=case.delivery)
    if result == RoundOutcome.refused and Stage.decide not in stages:
        reasons = "；".join(
            t.opinion for t in tasks if t.outcome == TaskOutcome.refused and t.opinion
        )
        refuse(session, case, actor=SYSTEM, reasons=reasons, now=now)
        return result
    move_on(
        session,
        case,
        event=Event.review_complete,
        actor=SYSTEM,
        now=now,
        store=store,
        data={"outcome": result},
    )
    return result


def review_task(
    session: Session,
    *,
    task_id: int,
    user: User,
    outcome: TaskOutcome,
    opinion: str,
    now: datetime,
    store: FileStore,
    expected_version: int | None = None,
) -> Task:
    """A department approves or refuses its part; the round joins when it is decided."""
    task = locked_task(
        session, task_id=task_id, user=user, now=now, expected_version=expected_version
    )
    if task.stage != Stage.review:
        raise Conflict("这不是审查任务。", "This is not a review task.")
    if outcome == TaskOutcome.refused and not opinion.strip():
        raise InvalidInput(
            "不同意时必须填写审查意见。", "A refusal needs an opinion.", field="opinion"
        )
    hooks.check_review_hold(session, task, outcome)
    actor = actor_of(user)
    finish_task(session, task=task, outcome=outcome, actor=actor, opinion=opinion, now=now)
    join_review_round(session, task.case, now, store)
    return task


def review_by_rule(
    session: Session,
    *,
    case: Case,
    item_code: str,
    actor: Actor,
    opinion: str,
    now: datetime,
    store: FileStore,
    opinion_en: str | None = None,
) -> None:
    """Approve the open review tasks of one item for a rule, not a person (告知承诺: the
    signed commitment stands for the proof); the round joins as after any review.
    ``opinion_en``: the rule's opinion in English."""
    open_tasks = [
        t
        for t in case.tasks
        if t.stage == Stage.review and t.item_code == item_code and t.state == TaskState.open
    ]
    for task in open_tasks:
        finish_task(
            session,
            task=task,
            outcome=TaskOutcome.approved,
            actor=actor,
            opinion=opinion,
            opinion_en=opinion_en,
            now=now,
        )
    if open_tasks:
        join_review_round(session, case, now, store)


def approve_opening_review(
    session: Session, *, task: Task, actor: Actor, opinion: str, now: datetime
) -> None:
    """Approve a review task for a rule as it opens (告知承诺 on an item that waited for its
    prerequisite in the bundle's order): no join here, as the task opens within
    ``open_reviews``, whose round joins when the opening is done."""
    finish_task(
        session, task=task, outcome=TaskOutcome.approved, actor=actor, opinion=opinion, now=now
    )


def review_again(
    session: Session,
    *,
    case: Case,
    actor: Actor,
    opinion: str,
    now: datetime,
    working_days: int | None = None,
) -> Task:
    """Send a case awaiting its decision back to a new review (重新调查核实) by the department
    that gave the last one, for its item and with ``working_days`` to do it (the rule's own
    limit for a new investigation), or else its item's review limit: the open
    decision task is cancelled, the round's outcome is cleared and the round joins again
    when the new review ends (an approval opens a new decision task, and with it a new
    public notice where the item declares one). Raises Conflict unless the case is
    awaiting its decision.

    低保: 《最低生活保障审核确认办法》(民发〔2021〕57号), as the item's ``public_notice.basis``
    quotes it: 对公示有异议的，重新组织调查核实，在15个工作日内提出初审意见，并重新公示 — the
    乡镇人民政府(街道办事处) investigates again within 15 working days (``working_days``)
    and gives a new initial opinion, shown in a new notice. The document is cited without
    an article: its text was not at hand to confirm which one sets the 15 days."""
    reviews = [t for t in case.tasks if t.stage == Stage.review]
    if not reviews:
        raise Conflict("该办件没有审查环节，不能重新调查核实。", "This case has no review.")
    last = reviews[-1]
    spec = definition.spec_of(session, case)
    listed = definition.items(spec)
    item = next((i for i in listed if i["code"] == last.item_code), listed[0])
    unit, limit = definition.item_stage_limit(item, Stage.review)
    if working_days is not None:
        unit, limit = "working_days", working_days
    change_state(session, now=now, case=case, event=Event.recheck, actor=actor, opinion=opinion)
    cancel_open_tasks(session, case=case, actor=actor, now=now)
    case.review_outcome = None
    return open_task(
        session,
        case=case,
        stage=Stage.review,
        department_code=last.department_code,
        unit=unit,
        limit=limit,
        now=now,
        item_code=last.item_code,
    )
