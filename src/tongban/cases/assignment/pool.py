"""Who may hold a task, and drawing the holder when it opens.

A task of a back-office stage (审查, 核准, 制证, and any stage added later) is held by one
person of its department: drawn at random among the qualified present staff, or the one
holding fewest open tasks (ties drawn at random), as the department is set
(``departments.assignment``). Qualified: an active person of the task's department
holding the stage's role, who takes tasks (not a department system's account), is not
marked absent on the local date, and is not kept off the task by separation of duties
(who reviewed a case does not decide it). Acceptance (受理) is drawn the same way among
the accepting office's clerks, so that no clerk picks the online applications they like
from a pool; a walk-in's stays with the clerk who took it in at the counter (窗口代办)
when they may hold it (``INTAKE``). Delivery (送达) is done by whoever serves the
applicant at the counter and is not assigned. A task no one qualifies for stays
with the department's pool: any qualified person acts on it; its department's head (its
approvers) and the supervisors are told at once (``task.unstaffed``): nobody would
otherwise notice a task that nobody holds until its limit ran out.

The staff, their roles, their loads and the departments' settings are read in one
statement per batch of opened tasks.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from tongban.accounts.enums import Role, UserKind
from tongban.accounts.models import User, UserRole
from tongban.alerts.enums import AlertLevel
from tongban.alerts.recipients import recipients
from tongban.audit import service as audit
from tongban.audit.service import SYSTEM, Actor
from tongban.cases.core import clocks, definition
from tongban.cases.core.access import SEPARATED, STAGE_ROLE
from tongban.cases.enums import Channel, Stage, TaskState
from tongban.cases.models import Case, Task
from tongban.catalog.models import Department

COUNTER_STAGES = frozenset({Stage.deliver})
"""Stages done by whoever serves the applicant at the counter: never assigned."""

INTAKE = "intake"
"""The policy recorded for a walk-in's acceptance held by the clerk who took it in."""

RANDOM: random.Random = secrets.SystemRandom()
"""The draw's source: the operating system's, which no one can seed or predict; tests
pass a seeded ``random.Random`` to :func:`choose` or replace this."""

_SUSPENDED = "tongban.assignment.suspended"


class Policy(StrEnum):
    """How a department's tasks go to a person (``departments.assignment``)."""

    random = "random"  # at random among the qualified present staff
    least_loaded = "least_loaded"  # fewest open tasks held; ties drawn at random


@dataclass(frozen=True)
class Candidate:
    """A qualified person and the open tasks they hold now."""

    user_id: int
    name: str
    load: int


def choose(candidates: Sequence[Candidate], policy: str, rng: random.Random) -> Candidate | None:
    """The holder drawn from ``candidates`` under ``policy`` (None when there is none)."""
    if not candidates:
        return None
    if policy == Policy.least_loaded:
        fewest = min(c.load for c in candidates)
        candidates = [c for c in candidates if c.load == fewest]
    return rng.choice(sorted(candidates, key=lambda c: c.user_id))


def _present(day: date) -> tuple[ColumnElement[bool], ...]:
    return (
        User.kind == UserKind.staff,
        User.active.is_(True),
        User.takes_tasks.is_(True),
        or_(
            User.absent_from.is_(None),
            User.absent_until.is_(None),
            User.absent_from > day,
            User.absent_until < day,
        ),
    )


Pools = dict[tuple[str, Role], tuple[str, list[Candidate]]]


def pools(session: Session, *, departments: set[str], roles: set[Role], day: date) -> Pools:
    """(department, role) → (the department's policy, its qualified present staff with
    their loads), in one statement."""
    load = (
        select(Task.assignee_id, func.count().label("n"))
        .where(Task.state == TaskState.open, Task.department_code.in_(departments))
        .group_by(Task.assignee_id)
        .subquery()
    )
    query = (
        select(
            User.id,
            User.display_name,
            User.department_code,
            UserRole.role,
            Department.assignment,
            func.coalesce(load.c.n, 0),
        )
        .join(UserRole, UserRole.user_id == User.id)
        .join(Department, Department.code == User.department_code)
        .outerjoin(load, load.c.assignee_id == User.id)
        .where(User.department_code.in_(departments), UserRole.role.in_(roles), *_present(day))
    )
    found: Pools = {}
    for user_id, name, department, role, policy, n in session.execute(query):
        found.setdefault((department, role), (policy, []))[1].append(
            Candidate(user_id, name, int(n))
        )
    return found


def barred(session: Session, case: Case, stage: Stage, item_code: str | None) -> set[int]:
    """Who may not hold ``stage``'s task of ``case`` by separation of duties: for a
    decision, who reviewed the case (and the reverse), when the item keeps them apart."""
    other = SEPARATED.get(stage)
    if other is None:
        return set()
    done = {
        t.actor_id
        for t in case.tasks
        if t.stage == other and t.state == TaskState.done and t.actor_id is not None
    }
    if not done or not definition.separates_review_and_decision(session, case, item_code):
        return set()
    return done


@contextmanager
def suspended(session: Session) -> Iterator[None]:
    """Open tasks unassigned while the block runs: a case decided by rules (秒批) opens
    and closes its tasks in one transaction, with no person to hold them."""
    session.info[_SUSPENDED] = True
    try:
        yield
    finally:
        session.info.pop(_SUSPENDED, None)


class Opening(Protocol):
    """A task open or about to open (a ``Task``, a ``transition.Opening``): its stage,
    department and item."""

    @property
    def stage(self) -> Stage: ...
    @property
    def department_code(self) -> str: ...
    @property
    def item_code(self) -> str | None: ...


def draw(
    session: Session, *, case: Case, openings: Sequence[Opening], now: datetime
) -> list[tuple[Candidate, str] | None]:
    """The holder drawn for each task about to open, with the policy it was drawn under
    (None: not assigned; see the module). Drawn before the rows are written, so that the
    holder is in the task's first write."""
    wanted = [o for o in openings if o.stage not in COUNTER_STAGES]
    if not wanted or session.info.get(_SUSPENDED):
        return [None] * len(openings)
    found = pools(
        session,
        departments={o.department_code for o in wanted},
        roles={STAGE_ROLE[o.stage] for o in wanted},
        day=clocks.calendar(session).local_date(now),
    )
    drawn: list[tuple[Candidate, str] | None] = []
    for o in openings:
        policy, candidates = found.get((o.department_code, STAGE_ROLE[o.stage]), ("", []))
        chosen = None
        if o.stage not in COUNTER_STAGES:
            may = qualified(session, found, case=case, task=o)
            chosen = _intake_clerk(case, o, may)
            if chosen is not None:
                policy = INTAKE
            else:
                chosen = choose(may, policy, RANDOM)
        if chosen is not None:  # one more open task for the next draw of this batch
            candidates[candidates.index(chosen)] = replace(chosen, load=chosen.load + 1)
        drawn.append((chosen, policy) if chosen is not None else None)
    return drawn


def _intake_clerk(case: Case, task: Opening, may: Sequence[Candidate]) -> Candidate | None:
    """The clerk who took ``case`` in at the counter for a walk-in (窗口代办), when ``task``
    is its acceptance and they are among ``may``: the person is in front of them."""
    if task.stage != Stage.accept or case.channel != Channel.window:
        return None
    return next((c for c in may if c.user_id == case.created_by_id), None)


def qualified(session: Session, found: Pools, *, case: Case, task: Opening) -> list[Candidate]:
    """Who of ``found`` may hold ``task`` of ``case``: the present staff of its department
    holding its stage's role, less those kept off by separation of duties."""
    _, candidates = found.get((task.department_code, STAGE_ROLE[task.stage]), ("", []))
    kept = barred(session, case, task.stage, task.item_code)
    return [c for c in candidates if c.user_id not in kept]


def unstaffed(session: Session, *, tasks: Sequence[Task], day: date) -> set[int]:
    """The ids of those of ``tasks`` (open) that nobody present on ``day`` may hold: the
    back-office tasks no one could be drawn for (:func:`qualified`), the rule by which an
    opening task is recorded ``task.unstaffed``. Held or not: a holder away is no one's
    hands. One statement for the staff; each task's case with its tasks loaded."""
    back_office = [t for t in tasks if t.stage not in COUNTER_STAGES]
    if not back_office:
        return set()
    found = pools(
        session,
        departments={t.department_code for t in back_office},
        roles={STAGE_ROLE[t.stage] for t in back_office},
        day=day,
    )
    return {t.id for t in back_office if not qualified(session, found, case=t.case, task=t)}


def hold(session: Session, *, case: Case, task: Task, now: datetime) -> None:
    """Draw the holder of ``task``, opened held by no one (an acceptance, opened
    :func:`suspended` until the rules of instant approval have had the case), and
    :func:`record_drawn` it; drawn again (the case resubmitted after correction) with
    nobody still present, it is not recorded ``task.unstaffed`` twice: the head and the
    supervisors are told once per task while it stays unstaffed."""
    drawn = draw(session, case=case, openings=[task], now=now)
    if drawn[0] is not None:
        task.assignee_id = drawn[0][0].user_id
    elif audit.times(session, action="task.unstaffed", object_id=str(task.id)):
        return
    record_drawn(session, tasks=[task], drawn=drawn, now=now)


def record_drawn(
    session: Session,
    *,
    tasks: Sequence[Task],
    drawn: Sequence[tuple[Candidate, str] | None],
    now: datetime,
) -> None:
    """Audit each drawn holder as ``task.assigned`` (telling them in-app, ``outbox``; not
    the clerk holding a walk-in's acceptance, ``INTAKE``, who is serving the person), and
    each back-office task no one could be drawn for as ``task.unstaffed``, telling the
    department's head and the supervisors (``recipients`` of an escalation)."""
    for task, holder in zip(tasks, drawn, strict=True):
        if holder is None and task.stage not in COUNTER_STAGES and not session.info.get(_SUSPENDED):
            audit.record(
                session,
                at=now,
                action="task.unstaffed",
                actor=SYSTEM,
                object_type="task",
                object_id=task.id,
                case_id=task.case_id,
                data={
                    "stage": task.stage,
                    "department": task.department_code,
                    "recipients": recipients(
                        session, department=task.department_code, level=AlertLevel.escalated
                    ),
                },
            )
        if holder is not None:
            candidate, policy = holder
            record(
                session,
                task=task,
                to=candidate,
                previous=None,
                action="task.assigned",
                actor=SYSTEM,
                now=now,
                data={"policy": policy},
                tell=[] if policy == INTAKE else None,  # the clerk is serving the person now
            )


def hand_over(
    session: Session,
    *,
    task: Task,
    to: Candidate,
    action: str,
    actor: Actor,
    now: datetime,
    reason: str | None = None,
    tell: list[int] | None = None,
) -> None:
    """Give ``task`` to ``to`` and :func:`record` it as ``action``."""
    previous, task.assignee_id = task.assignee_id, to.user_id
    record(
        session,
        task=task,
        to=to,
        previous=previous,
        action=action,
        actor=actor,
        now=now,
        reason=reason,
        tell=tell,
    )


def record(
    session: Session,
    *,
    task: Task,
    to: Candidate,
    previous: int | None,
    action: str,
    actor: Actor,
    now: datetime,
    reason: str | None = None,
    data: dict[str, object] | None = None,
    tell: list[int] | None = None,
) -> None:
    """The audit entry ``action`` of ``task`` going from ``previous`` to ``to``, which
    tells the new holder in-app (or those in ``tell``: who took a task tells whom it was
    taken from)."""
    audit.record(
        session,
        at=now,
        action=action,
        actor=actor,
        object_type="task",
        object_id=task.id,
        case_id=task.case_id,
        opinion=reason,
        data={
            "stage": task.stage,
            "department": task.department_code,
            "assignee_id": to.user_id,
            "assignee": to.name,
            "previous_id": previous,
            "recipients": [to.user_id] if tell is None else tell,
            **(data or {}),
        },
    )
