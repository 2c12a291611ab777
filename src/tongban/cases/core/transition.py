"""The one place where cases and tasks change state.

Each change is checked against the state machine, written to the audit trail (and
through it to the outbox) in the caller's transaction. Callers hold the case's lock:
``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite every unit of work that writes begins
``BEGIN IMMEDIATE`` (``tongban.db``), so writers are already serialised. The version
columns catch anyone who read the rows before the lock was theirs.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ScalarSelect, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from tongban.accounts.models import User
from tongban.audit import service as audit
from tongban.audit.service import Actor
from tongban.cases.assignment import pool
from tongban.cases.core import access, clocks, definition, hooks
from tongban.cases.core.machine import (
    STATE_NAMES_ZH,
    Event,
    IllegalTransition,
    action_of,
    next_state,
)
from tongban.cases.enums import FINAL_STATES, Stage, TaskOutcome, TaskState
from tongban.cases.models import Case, Task
from tongban.errors import Conflict, NotAllowed, NotFound

EVENT_NAMES_ZH = {
    Event.submit: "提交",
    Event.request_correction: "要求补正",
    Event.resubmit: "补正后重新提交",
    Event.accept: "受理",
    Event.deem_accept: "视为受理",
    Event.reject: "不予受理",
    Event.withdraw: "撤回",
    Event.review_complete: "完成审查",
    Event.approve: "核准",
    Event.refuse: "不予许可",
    Event.issue: "制证",
    Event.deliver: "送达",
    Event.terminate: "终止办理",
    Event.recheck: "重新调查核实",
}


def lock_case(session: Session, *, case_id: int | ScalarSelect[int]) -> Case:
    """Load a case holding its row lock for the rest of the transaction, with its tasks
    (every transition reads them) read after the lock, in one more statement.
    ``case_id`` may be a subquery (the case of a task)."""
    query = (
        select(Case)
        .where(Case.id == case_id)
        .options(selectinload(Case.tasks))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    case = session.scalar(query)
    if case is None:
        raise NotFound("没有找到该办件。", "No such case.")
    for task in case.tasks:  # each task holds its case: ``task.case`` reads no row again
        set_committed_value(task, "case", case)
    return case


def change_state(
    session: Session,
    *,
    case: Case,
    event: Event,
    actor: Actor,
    now: datetime,
    opinion: str | None = None,
    data: dict[str, Any] | None = None,
    stages: Collection[Stage] = tuple(Stage),
) -> None:
    """Move ``case`` by ``event`` (skipping the stages it does not run) or raise Conflict."""
    try:
        target = next_state(case.state, event, stages)
    except IllegalTransition:
        state = STATE_NAMES_ZH[case.state]
        raise Conflict(
            f"办件当前状态为“{state}”，不能{EVENT_NAMES_ZH[event]}。",
            f"The case is {case.state}; it cannot be {event}ed now.",
            code="illegal_transition",
        ) from None
    source = case.state
    case.state = target
    record_case(
        session,
        case=case,
        action=action_of(event),
        actor=actor,
        now=now,
        opinion=opinion,
        data=data,
        from_state=source,
        to_state=target,
    )
    if target in FINAL_STATES:
        for ended in hooks.ENDED:
            ended(session, case, now)


def record_case(
    session: Session,
    *,
    case: Case,
    action: str,
    actor: Actor,
    now: datetime,
    opinion: str | None = None,
    data: dict[str, Any] | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    object_type: str = "case",
    object_id: str | int | None = None,
    source_address: str | None = None,
) -> None:
    """The audit entry of something that happened to ``case`` or to a thing of it (a
    material, a payment order, a rating: ``object_type``/``object_id``; the case itself,
    named by its number, when they are left out), about its applicant (who hears of it where
    ``outbox`` has a topic for ``action``); ``source_address`` the network address of a
    caller not signed in (what a rate limit counts)."""
    audit.record(
        session,
        at=now,
        action=action,
        actor=actor,
        object_type=object_type,
        object_id=case.number if object_id is None else object_id,
        case_id=case.id,
        subject_id=case.applicant_id,
        from_state=from_state,
        to_state=to_state,
        opinion=opinion,
        data=hooks.with_opinion_en(data, opinion),
        source_address=source_address,
    )


def open_task(
    session: Session,
    *,
    case: Case,
    stage: Stage,
    department_code: str,
    unit: str,
    limit: int,
    now: datetime,
    item_code: str | None = None,
) -> Task:
    """Open ``stage``'s task for a department with its stage clock running (``limit`` in
    ``unit``: working days, calendar days or hours), held by a person drawn by
    ``assignment.pool``, and tell whoever listens (``hooks.TASK_OPENED``: the
    department's own systems)."""
    opening = Opening(stage, department_code, unit, limit, item_code)
    return open_tasks(session, case=case, openings=[opening], now=now)[0]


@dataclass(frozen=True)
class Opening:
    """One task to open: its stage, department, limit (in ``unit``) and item."""

    stage: Stage
    department_code: str
    unit: str
    limit: int
    item_code: str | None = None


def open_tasks(
    session: Session, *, case: Case, openings: Sequence[Opening], now: datetime
) -> list[Task]:
    """Open several tasks at once (a parallel review round), each as :func:`open_task`
    does; their rows, clocks and watch jobs are written in one batch each."""
    drawn = pool.draw(session, case=case, openings=openings, now=now)
    tasks = [
        Task(
            case=case,
            stage=o.stage,
            department_code=o.department_code,
            item_code=o.item_code,
            started_at=now,
            assignee_id=holder[0].user_id if holder else None,
        )
        for o, holder in zip(openings, drawn, strict=True)
    ]
    session.add_all(tasks)
    clocks.start_stage_clocks(
        session,
        case=case,
        now=now,
        limits=[(task, o.unit, o.limit) for task, o in zip(tasks, openings, strict=True)],
    )
    pool.record_drawn(session, tasks=tasks, drawn=drawn, now=now)
    for task in tasks:
        for heard in hooks.TASK_OPENED:
            heard(session, task, now)
    return tasks


def finish_task(
    session: Session,
    *,
    task: Task,
    outcome: TaskOutcome,
    actor: Actor,
    opinion: str | None,
    now: datetime,
    opinion_en: str | None = None,
) -> None:
    """Close an open task with its outcome; a task is finished exactly once. ``opinion_en``:
    the English of an opinion the platform wrote (a fixed one is found in
    ``hooks.OPINIONS_EN``)."""
    if task.state != TaskState.open:
        who = task.actor_name or "他人"
        raise Conflict(
            f"该任务已由{who}处理，无需重复操作；请刷新页面。",
            "This task was already handled by someone else; reload the page.",
            code="task_closed",
        )
    task.state = TaskState.done
    task.outcome = outcome
    task.opinion = opinion
    task.opinion_en = opinion_en or hooks.OPINIONS_EN.get(opinion or "")
    task.actor_id = actor.id
    task.actor_name = actor.name
    task.finished_at = now
    clocks.stop_clocks(session, case=task.case, now=now, task=task)
    audit.record(
        session,
        at=now,
        action=f"task.{outcome}",
        actor=actor,
        object_type="task",
        object_id=task.id,
        case_id=task.case_id,
        from_state=TaskState.open,
        to_state=TaskState.done,
        opinion=opinion,
        data={
            "stage": task.stage,
            "department": task.department_code,
            "item": task.item_code,
            **({"opinion_en": task.opinion_en} if task.opinion_en else {}),
        },
    )


def cancel_open_tasks(session: Session, *, case: Case, actor: Actor, now: datetime) -> None:
    """Cancel what is still open, e.g. the rest of a review round ended by a refusal."""
    for task in case.tasks:
        if task.state == TaskState.open:
            task.state = TaskState.cancelled
            task.finished_at = now
            clocks.stop_clocks(session, case=case, now=now, task=task)
            audit.record(
                session,
                at=now,
                action="task.cancelled",
                actor=actor,
                object_type="task",
                object_id=task.id,
                case_id=case.id,
                from_state=TaskState.open,
                to_state=TaskState.cancelled,
            )


def lock_task(session: Session, *, task_id: int) -> Task:
    """A task under its case's lock (NotFound if there is none).

    The case is found by the task's ``case_id`` (which never changes) in the locking
    statement itself; the task is read with its case's tasks once the lock is held, so
    what is checked is what no one can change until this transaction ends."""
    missing = NotFound(f"没有找到任务 {task_id}。", f"No task {task_id}.")
    try:
        case = lock_case(
            session, case_id=select(Task.case_id).where(Task.id == task_id).scalar_subquery()
        )
    except NotFound:
        raise missing from None
    task = next((task for task in case.tasks if task.id == task_id), None)
    if task is None:
        raise missing
    return task


def locked_task(
    session: Session,
    *,
    task_id: int,
    user: User,
    now: datetime,
    expected_version: int | None = None,
) -> Task:
    """Load an open task under its case's lock (:func:`lock_task`) and check who may act
    on it (:func:`check_may_act`); Conflict ``stale`` when ``expected_version`` is not
    the task's."""
    task = lock_task(session, task_id=task_id)
    check_may_act(session, user=user, task=task, now=now)
    if expected_version is not None and expected_version != task.version:
        raise Conflict(
            "任务已被他人更新，请刷新后再操作。",
            "The task changed meanwhile; reload.",
            code="stale",
        )
    return task


def check_may_act(session: Session, *, user: User, task: Task, now: datetime) -> None:
    """Who may act on a task: its department's staff with the stage's role (NotFound for
    another department), not marked absent on the local date of ``now`` (NotAllowed: an
    absent person's tasks go to others, so they act on none; back at work, they end the
    absence first), kept apart from the other of review and decision (``access``), and
    its holder when it has one."""
    access.check_act(user, task)
    day = clocks.calendar(session).local_date(now)
    if user.absent_on(day):
        raise NotAllowed(
            f"您登记为 {user.absent_from} 至 {user.absent_until} 不在岗，不能办理任务；"
            "已回到岗位的，请先在“不在岗登记与委托”页面取消登记。",
            f"You are marked absent from {user.absent_from} to {user.absent_until} and cannot "
            "act on tasks; if you are back at work, end the absence on the absence page first.",
        )
    separate = definition.separates_review_and_decision(session, task.case, task.item_code)
    access.check_separation(user, task, separate=separate)
    access.check_holder(user, task)


def refusal_to_act(
    session: Session, *, user: User, task: Task, now: datetime
) -> NotAllowed | NotFound | None:
    """Why ``user`` may not act on ``task`` now, as :func:`check_may_act` would refuse it
    (its message says what to do instead), or None where they may; a task page shows it
    in place of the actions."""
    try:
        check_may_act(session, user=user, task=task, now=now)
    except (NotAllowed, NotFound) as refusal:
        return refusal
    return None


def may_act(session: Session, *, user: User, task: Task, now: datetime) -> bool:
    """Whether ``user`` may act on ``task`` now: it is open and :func:`check_may_act`
    lets them (what the action endpoints answer instead of 403 or 404). A department's
    head lists every stage of the department to reassign it, and acts only where this
    holds."""
    return task.state == TaskState.open and not refusal_to_act(
        session, user=user, task=task, now=now
    )


def actionable_task(
    session: Session, *, case: Case, stage: Stage, user: User, now: datetime
) -> Task | None:
    """The case's open task of ``stage`` that ``user`` may act on now (:func:`may_act`),
    else None: what a page offers that stage's actions (accept, check an original, order an
    inspection …) by, so that it offers none the action would refuse."""
    return next(
        (
            t
            for t in case.tasks
            if t.stage == stage and may_act(session, user=user, task=t, now=now)
        ),
        None,
    )
