"""Who may act on an inspection, under the case's lock, and the length of what they type."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.cases.core import access
from tongban.cases.core.transition import lock_case
from tongban.cases.enums import CaseState
from tongban.cases.models import Case
from tongban.errors import Conflict, InvalidInput, NotAllowed, NotFound
from tongban.inspection.enums import InspectionState
from tongban.inspection.models import Inspection

TEXT_MAX = 500  # characters of a note, a reply, a finding


def text(value: str, *, field: str, what: tuple[str, str]) -> str:
    text = value.strip()
    if len(text) > TEXT_MAX:
        raise InvalidInput(
            f"{what[0]}不能超过 {TEXT_MAX} 个字。",
            f"{what[1]} may have at most {TEXT_MAX} characters.",
            field=field,
        )
    return text


def locked(session: Session, inspection_id: int) -> tuple[Inspection, Case]:
    """The inspection and its case, under the case's row lock."""
    missing = NotFound("没有找到该现场踏勘。", "No such inspection.")
    found = session.get(Inspection, inspection_id)
    if found is None:
        raise missing
    case = lock_case(session, case_id=found.case_id)
    session.refresh(found)
    return found, case


def drawn(session: Session, inspection_id: int, user: User) -> tuple[Inspection, Case]:
    """Only the two inspectors drawn act on an inspection: an inspector of the department
    who was not drawn is told so; anyone else learns nothing of it (NotFound)."""
    inspection, case = locked(session, inspection_id)
    if user.id in inspection.inspector_ids:
        if inspection.state != InspectionState.open or case.state != CaseState.in_review:
            raise Conflict(
                "现场踏勘已经结束，或办件已不在审查阶段。",
                "The inspection is over, or the case is no longer in review.",
                code="inspection_over",
            )
        return inspection, case
    if user.has_role(Role.inspector) and user.department_code == inspection.department_code:
        raise NotAllowed(
            "只有随机选派的两名踏勘人员可以办理这次现场踏勘。",
            "Only the two inspectors drawn for this inspection may act on it.",
            code="not_drawn",
        )
    raise NotFound("没有找到该现场踏勘。", "No such inspection.")


def may_answer(user: User, case: Case) -> bool:
    """The applicant of the case, or the agent acting for them, answers the appointment."""
    return access.owns(user, case) or (not user.is_staff and access.acts_for(user, case))
