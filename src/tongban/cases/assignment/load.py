"""The load per person (工作量): the open tasks each member of staff holds, per
department (an acceptance drawn to a clerk, or held by the clerk who took a walk-in in,
counts as theirs), with the department's tasks held by no one (every stage's: those of
the counter, 送达, are never assigned and are counted apart) and, of those, the ones
no present person of the department may take (无人可办, ``pool.unstaffed``); what
supervisors and department heads look at before reassigning. The same few statements
whatever the number of people and tasks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, contains_eager

from tongban.accounts.enums import Role, UserKind
from tongban.accounts.models import User
from tongban.cases.assignment.pool import COUNTER_STAGES, unstaffed
from tongban.cases.core.access import WORK_ROLES
from tongban.cases.enums import Stage, TaskState
from tongban.cases.models import Case, Task


@dataclass(frozen=True)
class PersonLoad:
    """One person: the open tasks they hold and whether they are absent on the day."""

    user_id: int
    name: str
    roles: list[Role]
    open_tasks: int
    absent: bool
    absent_from: date | None
    absent_until: date | None


@dataclass(frozen=True)
class Unstaffed:
    """An open back-office task held by no one that no present person may take
    (``pool.unstaffed``)."""

    task_id: int
    case_number: str
    stage: Stage


@dataclass
class DepartmentLoad:
    """One department: its people, most loaded first, and its open tasks held by no one,
    of which ``at_counter`` are the counter's (done by whoever serves, never assigned) and
    ``unstaffed`` those of other stages that no present person may take."""

    code: str
    people: list[PersonLoad] = field(default_factory=list)
    unassigned: int = 0
    at_counter: int = 0
    unstaffed: list[Unstaffed] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.unassigned + sum(p.open_tasks for p in self.people)


def load_by_department(
    session: Session, *, day: date, department: str | None = None
) -> list[DepartmentLoad]:
    """The load of every person of ``department`` (every department when None) on ``day``
    (a local date), departments in code order."""
    staff = select(User).where(
        User.kind == UserKind.staff,
        User.active.is_(True),
        User.takes_tasks.is_(True),
        User.department_code.is_not(None),
    )
    held = select(Task.assignee_id, func.count()).where(
        Task.state == TaskState.open, Task.assignee_id.is_not(None)
    )
    pool = select(Task.department_code, Task.stage, func.count()).where(
        Task.state == TaskState.open, Task.assignee_id.is_(None)
    )
    back_office = (
        select(Task)
        .join(Case, Case.id == Task.case_id)
        .options(contains_eager(Task.case).selectinload(Case.tasks))
        .where(
            Task.state == TaskState.open,
            Task.assignee_id.is_(None),
            Task.stage.not_in(COUNTER_STAGES),
        )
    )
    if department is not None:
        staff = staff.where(User.department_code == department)
        held = held.where(Task.department_code == department)
        pool = pool.where(Task.department_code == department)
        back_office = back_office.where(Task.department_code == department)
    counts = {user_id: int(n) for user_id, n in session.execute(held.group_by(Task.assignee_id))}
    departments: dict[str, DepartmentLoad] = {}
    for code, stage, n in session.execute(pool.group_by(Task.department_code, Task.stage)):
        pooled = departments.setdefault(code, DepartmentLoad(code))
        pooled.unassigned += int(n)
        if stage in COUNTER_STAGES:
            pooled.at_counter += int(n)
    for user in session.scalars(staff.order_by(User.id)):
        if not user.has_role(*WORK_ROLES) or user.department_code is None:
            continue
        departments.setdefault(user.department_code, DepartmentLoad(user.department_code))
        departments[user.department_code].people.append(
            PersonLoad(
                user.id,
                user.display_name,
                sorted(role for role in user.roles if role in WORK_ROLES),
                int(counts.get(user.id, 0)),
                user.absent_on(day),
                user.absent_from,
                user.absent_until,
            )
        )
    pooled_tasks = list(session.scalars(back_office.order_by(Task.id)))
    nobody = unstaffed(session, tasks=pooled_tasks, day=day)
    for task in pooled_tasks:
        if task.id in nobody:
            load = departments.setdefault(
                task.department_code, DepartmentLoad(task.department_code)
            )
            load.unstaffed.append(Unstaffed(task.id, task.case.number, task.stage))
    for load in departments.values():
        load.people.sort(key=lambda p: (-p.open_tasks, p.user_id))
    return [departments[code] for code in sorted(departments)]
