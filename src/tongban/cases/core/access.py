"""Who may see and act on what. Checked in the service layer so that the API, the
pages and the CLI enforce the same rules.
"""

from __future__ import annotations

from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.cases.enums import CaseState, Stage
from tongban.cases.models import Case, Task
from tongban.errors import NotAllowed, NotFound

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


def can_view_case(user: User, case: Case) -> bool:
    """Applicants see their own cases; staff see cases their department works on, or
    has been asked to verify a fact of (协查: read-only, they act on no task of it).
    """
    if owns(user, case):
        return True
    if user.has_role(Role.supervisor, Role.system_admin):
        return True
    if not user.has_role(*WORK_ROLES) or user.department_code is None:
        return False
    departments = {task.department_code for task in case.tasks} | {case.lead_department}
    asked = {request.to_department for request in case.verifications}
    return user.department_code in departments | asked


def check_view(user: User, case: Case) -> None:
    """Raise NotFound (not Forbidden: do not reveal that the case exists)."""
    if not can_view_case(user, case):
        raise NotFound(f"没有找到办件 {case.number}。", f"No case {case.number}.")


# Audit actions about the handling among departments, not shown to applicants.
STAFF_ONLY_ACTIONS = ("task.cancel", "verification.", "risk.", "rules.")


def may_see_event(user: User, action: str) -> bool:
    """Applicants follow their case, not the internal exchanges between departments."""
    return user.is_staff or not action.startswith(STAFF_ONLY_ACTIONS)


def acts_for(user: User, case: Case) -> bool:
    """The clerk who took a case in at the window (代办) acts for the applicant until it is in."""
    return (
        user.is_staff
        and case.created_by_id == user.id
        and case.state in (CaseState.draft, CaseState.correction_requested)
    )


def check_owner(user: User, case: Case) -> None:
    if not (owns(user, case) or acts_for(user, case)):
        raise NotFound(f"没有找到办件 {case.number}。", f"No case {case.number}.")


def can_act(user: User, task: Task) -> bool:
    return user.department_code == task.department_code and user.has_role(STAGE_ROLE[task.stage])


def check_act(user: User, task: Task) -> None:
    """Only staff of the task's department holding the stage's role may act on it."""
    if user.department_code != task.department_code:
        raise NotFound(f"没有找到任务 {task.id}。", f"No task {task.id}.")
    if not user.has_role(STAGE_ROLE[task.stage]):
        role = STAGE_ROLE[task.stage]
        raise NotAllowed(
            f"此任务需要“{ROLE_NAMES_ZH[role]}”角色。", f"This task needs the {role} role."
        )


ROLE_NAMES_ZH = {
    Role.applicant: "申请人",
    Role.clerk: "窗口受理",
    Role.reviewer: "审查",
    Role.approver: "核准",
    Role.issuer: "制证送达",
    Role.supervisor: "电子监察",
    Role.catalog_admin: "事项管理",
    Role.system_admin: "系统管理",
}
