"""Who may see and act on what. Checked in the service layer so that the API, the
pages and the CLI enforce the same rules.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import Session, object_session

from tongban import timefmt
from tongban.accounts import authorisations
from tongban.accounts.enums import ROLE_NAMES, Role
from tongban.accounts.models import Authorisation, User
from tongban.cases.enums import CaseState, Channel, Stage, TaskState
from tongban.cases.models import Case, Task
from tongban.catalog import reading as catalog
from tongban.catalog.models import Department
from tongban.db import unit_now
from tongban.errors import NotAllowed, NotFound
from tongban.identifiers.divisions import nested_prefix

STAGE_ROLE: dict[Stage, Role] = {
    Stage.accept: Role.clerk,
    Stage.review: Role.reviewer,
    Stage.decide: Role.approver,
    Stage.issue: Role.issuer,
    Stage.deliver: Role.issuer,
}
WORK_ROLES = frozenset(STAGE_ROLE.values())


def owns(user: User, case: Case) -> bool:
    return case.applicant_id == user.id


def oversees(user: User) -> bool:
    """Whether ``user`` is a supervisor (效能监察) of some region: what they read is
    ``oversight``'s. Not the system administrator: under 三员分立 (GB/T 22239-2019
    8.1.4.2) the system administrator manages configuration and accounts and reads no case
    contents or personal data."""
    return user.has_role(Role.supervisor)


def oversight(session: Session, user: User) -> str | None:
    """The GB/T 2260 prefix of the divisions whose cases ``user`` supervises: ``""`` for
    every region (a supervisor of no department: the platform's 电子监察), the prefix of
    their department's division otherwise (a city's office oversees its districts), None
    for anyone who is not a supervisor."""
    if not oversees(user):
        return None
    if user.department_code is None:
        return ""
    return nested_prefix(catalog.get_department(session, code=user.department_code).division_code)


def oversees_department(session: Session, user: User, code: str) -> bool:
    """Whether ``user`` supervises department ``code`` (its division lies in theirs)."""
    prefix = oversight(session, user)
    if prefix is None:
        return False
    return catalog.get_department(session, code=code).division_code.startswith(prefix)


def supervises(user: User, case: Case) -> bool:
    """Whether ``user`` supervises ``case``: it is handled, or was received (跨域通办), in
    a region they oversee."""
    session = object_session(case)
    assert session is not None
    return any(
        oversees_department(session, user, code)
        for code in (case.lead_department, case.received_by_department)
        if code is not None
    )


def supervised_departments(session: Session, user: User) -> Select[str] | None:
    """The codes of the departments ``user`` supervises, as a subquery; None for every
    department (the platform's supervisors). Raises NotAllowed for anyone who is not a
    supervisor."""
    prefix = oversight(session, user)
    if prefix is None:
        raise NotAllowed("此功能仅供电子监察人员使用。", "Supervisors only.")
    if not prefix:
        return None
    return select(Department.code).where(Department.division_code.startswith(prefix))


def supervised_cases(session: Session, user: User) -> list[ColumnElement[bool]]:
    """SQL conditions on ``Case`` keeping the cases ``user`` supervises (``supervises``);
    none for the platform's supervisors. Raises NotAllowed for anyone else."""
    region = supervised_departments(session, user)
    if region is None:
        return []
    return [or_(Case.lead_department.in_(region), Case.received_by_department.in_(region))]


def can_view_case(user: User, case: Case) -> bool:
    """Applicants see their own cases; staff see cases their department works on, has
    received for another region and forwarded (跨域通办), or has been asked to verify a
    fact of (协查: read-only, they act on no task of it), and a result waiting at their
    hall's window (``hands_over``); supervisors the cases of their region (``supervises``).
    """
    if owns(user, case) or (not user.is_staff and acts_for(user, case)):
        return True
    if oversees(user) and supervises(user, case):
        return True
    if not user.has_role(*WORK_ROLES) or user.department_code is None:
        return False
    departments = {task.department_code for task in case.tasks} | {case.lead_department}
    asked = {request.to_department for request in case.verifications}
    in_hand = user.department_code in departments | asked | {case.received_by_department}
    return in_hand or _collects_at(user, case)


def needs_identifiers(user: User, case: Case) -> bool:
    """Whether ``user`` reads the case's identifiers whole: its applicant, the clerk acting
    for them, and staff of a department working on it; supervisors, administrators and a
    department only asked to verify a fact (协查) read them masked (脱敏)."""
    if owns(user, case) or acts_for(user, case):
        return True
    if not user.has_role(*WORK_ROLES) or user.department_code is None:
        return False
    return user.department_code in {task.department_code for task in case.tasks} | {
        case.lead_department
    }


def check_view(user: User, case: Case) -> None:
    """Raise NotFound (not Forbidden: do not reveal that the case exists); an agent whose
    authorisation expired gets NotAllowed ``authorisation_ended`` saying so."""
    if not can_view_case(user, case):
        _refuse_expired(user, case)
        raise NotFound(f"没有找到办件 {case.number}。", f"No case {case.number}.")


# Audit actions about the handling among departments, not shown to applicants (an expert
# panel's members and opinions neither: the applicant sees the clock's pause and resumption).
STAFF_ONLY_ACTIONS = (
    "task.cancel",
    "task.assigned",  # who handles a case is the department's (人员随机分配)
    "task.reassigned",
    "task.taken",
    "task.delegated",
    "verification.",
    "risk.",
    "rules.",
    "expert_panel.",
)


def may_see_event(user: User, action: str) -> bool:
    """Applicants follow their case, not the internal exchanges between departments."""
    return user.is_staff or not action.startswith(STAFF_ONLY_ACTIONS)


def acts_for(user: User, case: Case) -> bool:
    """The clerk who took a case in at the window (代办) acts for the applicant until it is
    in; an agent (授权委托) for as long as the authorisation it was made under runs: not
    revoked (the grantor may revoke it at any time) and not past its last day (local date
    of the unit of work, ``db.unit_now``). Ended, the case leaves the agent's hands for
    everything: reading, editing, uploads, messages, submitting (``check_view``)."""
    if case.created_by_id != user.id:
        return False
    if user.is_staff:
        return case.state in (CaseState.draft, CaseState.correction_requested)
    authorisation = _agent_authorisation(user, case)
    return authorisation is not None and authorisations.runs(authorisation, _today(case))


def took_in(user: User, case: Case) -> bool:
    """Whether ``user`` is the window clerk who took ``case`` in for a walk-in applicant
    (窗口代办). Once it is in they no longer act for the person (``acts_for``), but they
    still read what the person needs from them at the window: the amount and payment code
    of its orders, the notice or receipt to print, how the result is delivered
    (``check_fees_view``); not the case itself unless their department works on it."""
    return user.is_staff and case.channel == Channel.window and case.created_by_id == user.id


def check_fees_view(user: User, case: Case) -> None:
    """Who reads a case's payment orders, their notice or receipt PDF and its delivery:
    whoever may see the case (``check_view``) and the clerk who took it in (``took_in``);
    NotFound for anyone else."""
    if not took_in(user, case):
        check_view(user, case)


def _agent_authorisation(user: User, case: Case) -> Authorisation | None:
    """The authorisation ``user`` made ``case`` under as agent, if they did."""
    authorisation = case.authorisation
    if authorisation is None or authorisation.agent_id != user.id:
        return None
    return authorisation if case.created_by_id == user.id else None


def _today(case: Case) -> date:
    session = object_session(case)
    assert session is not None
    return timefmt.local(unit_now(session)).date()


def _refuse_expired(user: User, case: Case) -> None:
    """Tell an agent whose authorisation ran out why the grantor's case is closed to them:
    NotAllowed ``authorisation_ended`` with its last day. A revoked one says nothing (the
    grantor took the case back; NotFound like any case not theirs)."""
    authorisation = _agent_authorisation(user, case)
    if authorisation is None or authorisation.revoked_at is not None:
        return
    if authorisation.valid_until < _today(case):
        raise NotAllowed(
            f"授权已于 {authorisation.valid_until} 到期，您不能再查看或办理此办件；"
            "请申请人重新授权后再办理。",
            f"The authorisation ended on {authorisation.valid_until}: you can no longer see or "
            "handle this case; ask the applicant to renew it.",
            code="authorisation_ended",
        )


def check_owner(user: User, case: Case) -> None:
    """Only the applicant, or whoever acts for them (``acts_for``), changes their case;
    NotFound otherwise (NotAllowed ``authorisation_ended`` to an agent whose authorisation
    expired)."""
    if not (owns(user, case) or acts_for(user, case)):
        _refuse_expired(user, case)
        raise NotFound(f"没有找到办件 {case.number}。", f"No case {case.number}.")


def _hall_that_took_in(case: Case) -> str | None:
    """The department whose window clerk took ``case`` in for a walk-in (窗口代办), if one
    did: the general window (综合窗口) of a hall that sends the case on to the handling
    department."""
    if case.channel != Channel.window:
        return None
    session = object_session(case)
    assert session is not None
    creator = session.get(User, case.created_by_id)
    return creator.department_code if creator is not None and creator.is_staff else None


def _receiving_halls(case: Case) -> set[str]:
    """The halls where the applicant handed ``case`` in: the hall of another region that
    received and forwarded it (跨域通办) and the window that took it in for a walk-in."""
    return {
        code for code in (case.received_by_department, _hall_that_took_in(case)) if code is not None
    }


def hands_over(user: User, task: Task) -> bool:
    """A clerk of the hall where the applicant handed the case in hands its result over at
    that hall's window (the 送达 task of a result collected at the window, 综合窗口出件):
    the hall of another region that received it (跨域通办) or the general window that took
    a walk-in's application in; a posted result is posted by the handling department."""
    return (
        task.stage == Stage.deliver
        and task.case.delivery == "window"
        and user.has_role(Role.clerk)
        and user.department_code in _receiving_halls(task.case)
    )


def _collects_at(user: User, case: Case) -> bool:
    """Whether ``user`` is a clerk of the hall that hands ``case``'s result over now (its
    result waits at that hall's window, :func:`hands_over`)."""
    return case.state == CaseState.delivering and any(
        hands_over(user, task)
        for task in case.tasks
        if task.stage == Stage.deliver and task.state == TaskState.open
    )


def check_act(user: User, task: Task) -> None:
    """Only staff of the task's department holding the stage's role may act on it (and
    the receiving hall's clerks on a forwarded case's hand-over, ``hands_over``). Staff of
    another department get NotFound, except a supervisor of the case, who sees the task
    (to reassign it) and is told NotAllowed ``other_department`` whose work it is."""
    if hands_over(user, task):
        return
    if user.department_code != task.department_code:
        if not supervises(user, task.case):
            raise NotFound(f"没有找到任务 {task.id}。", f"No task {task.id}.")
        session = object_session(task)
        assert session is not None
        department = catalog.get_department(session, code=task.department_code)
        raise NotAllowed(
            f"此任务由{department.name}办理，只有本部门的工作人员可以办理。",
            f"This task is handled by {department.name_en or department.name}; only its "
            "staff can act on it.",
            code="other_department",
        )
    if not user.has_role(STAGE_ROLE[task.stage]):
        role = STAGE_ROLE[task.stage]
        raise NotAllowed(
            f"此任务需要“{ROLE_NAMES_ZH[role]}”角色。", f"This task needs the {role} role."
        )


def check_holder(user: User, task: Task) -> None:
    """Only the task's holder acts on it (人员随机分配); a task held by no one is the
    department's, and a department system's account acts for the whole department.
    Others get NotAllowed ``not_assignee`` saying whose it is and what they can do."""
    if task.assignee_id is None or task.assignee_id == user.id or not user.takes_tasks:
        return
    holder = task.assignee.display_name if task.assignee is not None else ""
    raise NotAllowed(
        f"此任务已分配给{holder}办理，只有经办人可以处理。经办人不在岗时可先“接手”此任务，"
        "或请部门负责人、电子监察改派。",
        f"This task is assigned to {holder}; only they can act on it. If they are away, take "
        "the task over first, or ask the department head or a supervisor to reassign it.",
        code="not_assignee",
    )


SEPARATED = {Stage.review: Stage.decide, Stage.decide: Stage.review}
"""审核与审批分离: who did one of these stages of a case may not do the other."""


def check_separation(user: User, task: Task, *, separate: bool) -> None:
    """Refuse a review or decision task to the person who did the other of the same case
    (when the item keeps them apart: ``process.separate_review_and_decision``, default on;
    等保 2.0 level 3, 8.1.4.2 d: 最小权限与权限分离)."""
    other = SEPARATED.get(task.stage)
    if not separate or other is None:
        return
    done = (t for t in task.case.tasks if t.stage == other and t.state == TaskState.done)
    if any(t.actor_id == user.id for t in done):
        did, now = STAGE_NAMES[other], STAGE_NAMES[task.stage]
        raise NotAllowed(
            f"审核与审批分离：您已{did[0]}过此办件，不能再{now[0]}，请由本部门其他人员办理。",
            f"Separation of duties: you {did[1]} this case, so someone else of your department "
            f"must {now[2]} it.",
            code="separation_of_duties",
        )


STAGE_NAMES = {
    Stage.review: ("审查", "reviewed", "review"),
    Stage.decide: ("核准", "decided", "decide"),
}

ROLE_NAMES_ZH = {
    role: ROLE_NAMES[role][0]
    for role in (
        Role.applicant,
        Role.clerk,
        Role.reviewer,
        Role.approver,
        Role.issuer,
        Role.supervisor,
        Role.catalog_admin,
        Role.system_admin,
        Role.security_admin,
        Role.audit_admin,
    )
}
