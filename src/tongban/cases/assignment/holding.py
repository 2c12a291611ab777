"""Changing who holds a task: a colleague takes it over (接手) from someone absent or
from the department's pool, a supervisor or the department's head reassigns it with a
reason (改派), staff are marked absent (请假, 出差) so that they get no new task, and
one going away hands their open tasks to a deputy (不在岗委托).
Each change is audited in the same transaction and tells the person it concerns."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.audit import service as audit
from tongban.cases.assignment.pool import (
    COUNTER_STAGES,
    Candidate,
    hand_over,
    pools,
    qualified,
)
from tongban.cases.core import access, clocks, definition
from tongban.cases.core.access import STAGE_ROLE
from tongban.cases.core.transition import lock_task
from tongban.cases.enums import TaskState
from tongban.cases.models import Task
from tongban.errors import Conflict, InvalidInput, NotAllowed, NotFound


def _open(task: Task) -> None:
    if task.state != TaskState.open:
        raise Conflict("任务已办结，不能再分配。", "The task is closed.", code="task_closed")
    if task.stage in COUNTER_STAGES:
        raise Conflict(
            "送达由窗口当班人员办理，不分配到人。",
            "Delivery is done at the counter and is not assigned.",
        )


def holder_away(holder: User | None, task: Task, day: date) -> bool:
    """Whether the task's holder cannot work on it on ``day``: none, absent, switched off,
    moved to another department or without the stage's role any more."""
    return (
        holder is None
        or holder.absent_on(day)
        or not holder.active
        or holder.department_code != task.department_code
        or not holder.has_role(STAGE_ROLE[task.stage])
    )


def check_may_take(session: Session, *, user: User, task: Task, now: datetime) -> None:
    """Whether ``user`` may take over ``task`` (接手): an open task of their department
    and stage role (:func:`access.check_act`), not one they are kept from by the
    separation of review and decision, held by no one or by someone away
    (:func:`holder_away`), and they at work. NotAllowed or NotFound as ``check_act``;
    NotAllowed when absent or kept apart; Conflict when it is closed, a counter task,
    already theirs, or its holder is at work (then only a reassignment moves it)."""
    _open(task)
    access.check_act(user, task)
    separate = definition.separates_review_and_decision(session, task.case, task.item_code)
    access.check_separation(user, task, separate=separate)
    day = clocks.calendar(session).local_date(now)
    if task.assignee_id == user.id:
        raise Conflict("此任务已由您办理。", "You already hold this task.", code="already_held")
    if not user.takes_tasks or user.absent_on(day):
        raise NotAllowed(
            "您当前登记为不在岗，不能接手任务。", "You are marked absent and cannot take tasks."
        )
    holder = task.assignee
    if task.assignee_id is not None and not holder_away(holder, task, day):
        name = holder.display_name if holder is not None else ""
        raise Conflict(
            f"此任务由{name}办理且其在岗，不能接手；如需调整，请部门负责人或电子监察改派。",
            f"{name} holds this task and is at work; ask the department head or a supervisor "
            "to reassign it.",
            code="holder_present",
        )


def refusal_to_take(
    session: Session, *, user: User, task: Task, now: datetime
) -> Conflict | NotAllowed | NotFound | None:
    """Why ``user`` may not take over ``task`` now, as :func:`check_may_take` would refuse
    it, or None where they may: what a task page offers 接手 by."""
    try:
        check_may_take(session, user=user, task=task, now=now)
    except (Conflict, NotAllowed, NotFound) as refusal:
        return refusal
    return None


def take_task(session: Session, *, task_id: int, user: User, now: datetime) -> Task:
    """``user`` takes over a task under its case's lock, when :func:`check_may_take`
    lets them; its holder, if any, is told."""
    task = lock_task(session, task_id=task_id)
    check_may_take(session, user=user, task=task, now=now)
    me = Candidate(user.id, user.display_name, 0)
    tell = [task.assignee_id] if task.assignee_id is not None else []
    hand_over(
        session, task=task, to=me, action="task.taken", actor=actor_of(user), now=now, tell=tell
    )
    return task


def may_reassign(user: User, department_code: str) -> bool:
    """Supervisors (电子监察) reassign any task; a department's head (its approvers, as
    escalations reach them) the tasks of their department."""
    return user.has_role(Role.supervisor) or (
        user.has_role(Role.approver) and user.department_code == department_code
    )


def candidates(session: Session, *, task: Task, now: datetime) -> list[Candidate]:
    """Who a task may be reassigned to: those who may hold it (``pool.qualified``), with
    the open tasks each holds, the current holder left out."""
    found = pools(
        session,
        departments={task.department_code},
        roles={STAGE_ROLE[task.stage]},
        day=clocks.calendar(session).local_date(now),
    )
    may = qualified(session, found, case=task.case, task=task)
    return sorted((c for c in may if c.user_id != task.assignee_id), key=lambda c: c.user_id)


def reassign_task(
    session: Session, *, task_id: int, to_user_id: int, reason: str, user: User, now: datetime
) -> Task:
    """A supervisor or the department's head gives a task to another qualified present
    person with a reason (改派). NotAllowed for anyone else; InvalidInput without a
    reason or for a person who may not hold it (:func:`candidates`)."""
    task = lock_task(session, task_id=task_id)
    if not may_reassign(user, task.department_code):
        raise NotAllowed(
            "只有部门负责人或电子监察可以改派任务。",
            "Only the department head or a supervisor can reassign a task.",
        )
    _open(task)
    if not reason.strip():
        raise InvalidInput("改派须写明理由。", "Give the reason for reassigning.", field="reason")
    chosen = next(
        (c for c in candidates(session, task=task, now=now) if c.user_id == to_user_id), None
    )
    if chosen is None:
        raise InvalidInput(
            "所选人员不能办理此任务：须为本部门在岗、具有该环节角色的人员，且不是现经办人"
            "（审核与审批分离时也不能是审查人）。",
            "That person cannot hold this task: choose someone of the department at work, "
            "with the stage's role, other than the current holder (and, when review and "
            "decision are kept apart, not its reviewer).",
            field="assignee",
        )
    hand_over(
        session,
        task=task,
        to=chosen,
        action="task.reassigned",
        actor=actor_of(user),
        now=now,
        reason=reason.strip(),
    )
    return task


def set_absence(
    session: Session,
    *,
    user_id: int,
    absent_from: date | None,
    absent_until: date | None,
    actor: User,
    now: datetime,
) -> User:
    """Mark a person absent from–until (local dates, both included), or present again
    (both None): themselves, their department's head or a supervisor. An absent person
    gets no new task; their open tasks may be taken over (:func:`take_task`)."""
    person = session.get(User, user_id)
    if person is None or not person.is_staff or person.department_code is None:
        raise NotFound("没有找到该工作人员。", "No such member of staff.")
    if actor.id != person.id and not may_reassign(actor, person.department_code):
        raise NotAllowed(
            "只有本人、部门负责人或电子监察可以登记不在岗。",
            "Only the person, their department head or a supervisor can record an absence.",
        )
    if (absent_from is None) != (absent_until is None):
        raise InvalidInput(
            "请同时填写不在岗的起止日期，或都不填（恢复在岗）。",
            "Give both the first and the last day of the absence, or neither (back at work).",
            field="absent_until",
        )
    if absent_from is not None and absent_until is not None and absent_until < absent_from:
        raise InvalidInput(
            "结束日期不能早于开始日期。",
            "The last day cannot be before the first.",
            field="absent_until",
        )
    before = [_iso(person.absent_from), _iso(person.absent_until)]
    person.absent_from, person.absent_until = absent_from, absent_until
    audit.record(
        session,
        at=now,
        action="staff.absence",
        actor=actor_of(actor),
        object_type="user",
        object_id=person.id,
        data={
            "department": person.department_code,
            "before": before,
            "after": [_iso(absent_from), _iso(absent_until)],
        },
    )
    return person


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def held_tasks(session: Session, *, user: User) -> list[Task]:
    """The open tasks ``user`` holds, the soonest due first."""
    query = (
        select(Task)
        .where(Task.assignee_id == user.id, Task.state == TaskState.open)
        .order_by(Task.due_at, Task.id)
    )
    return list(session.scalars(query))


def delegate_tasks(
    session: Session, *, user: User, deputy_id: int, now: datetime
) -> tuple[list[Task], list[Task]]:
    """``user``, going away, hands the open tasks they hold to ``deputy_id`` (不在岗委托),
    each audited as ``task.delegated`` and told to the deputy: returns (handed, kept).
    A task the deputy may not hold (its stage's role, review kept apart from decision)
    is kept: while its holder is away any qualified colleague takes it over
    (:func:`take_task`). InvalidInput when the deputy is not a colleague at work."""
    day = clocks.calendar(session).local_date(now)
    deputy = session.get(User, deputy_id)
    if (
        deputy is None
        or deputy.id == user.id
        or deputy.department_code != user.department_code
        or not deputy.active
        or not deputy.takes_tasks
        or deputy.absent_on(day)
    ):
        raise InvalidInput(
            "请选择本部门在岗的同事作为代办人。",
            "Choose a colleague of your department who is at work as your deputy.",
            field="deputy",
        )
    handed, kept = [], []
    for task in held_tasks(session, user=user):
        chosen = next(
            (c for c in candidates(session, task=task, now=now) if c.user_id == deputy.id), None
        )
        if chosen is None:
            kept.append(task)
            continue
        hand_over(
            session,
            task=lock_task(session, task_id=task.id),
            to=chosen,
            action="task.delegated",
            actor=actor_of(user),
            now=now,
        )
        handed.append(task)
    return handed, kept
