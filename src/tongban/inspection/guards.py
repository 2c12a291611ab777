"""Who may act on an inspection, under the case's lock, the length of what they type, and
when a visit may be made."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tongban import timefmt
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.cases.core import access, clocks
from tongban.cases.core.transition import lock_case
from tongban.cases.enums import CaseState
from tongban.cases.models import Case
from tongban.errors import Conflict, InvalidInput, NotAllowed, NotFound
from tongban.inspection.enums import InspectionState
from tongban.inspection.models import Inspection
from tongban.workdays.calendar import WorkCalendar

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


def office_hours(session: Session) -> tuple[str, str]:
    """When visits may begin on a working day: office hours' opening and closing, HH:MM."""
    return _hours_of(clocks.calendar(session))


def _hours_of(cal: WorkCalendar) -> tuple[str, str]:
    opens, closes = cal.office_hours
    return f"{opens:%H:%M}", f"{closes:%H:%M}"


def refuse_outside_office_hours(session: Session, visit_at: datetime) -> None:
    """A visit is made in office hours (``Settings.office_hours``, the hours that limits in
    hours count) of a working day of the calendar in force, as the department's inspectors
    work: InvalidInput on ``visit_at`` for a rest day or holiday (named in the user's
    language, ``DayOverride.name_en``), or a time before opening or from closing, naming
    the nearest time that can be chosen."""
    cal = clocks.calendar(session)
    if cal.in_office_hours(visit_at):
        return
    opens, closes = _hours_of(cal)
    nearest = timefmt.moment(cal.working_start(visit_at))
    choose = f"请选择工作日 {opens}–{closes} 之间的时间（最近可约 {nearest}）。"
    choose_en = (
        f"choose a time on a working day between {opens} and {closes} (the nearest: {nearest})."
    )
    day = cal.local_date(visit_at)
    if not cal.is_workday(day):
        holiday = cal.override(day)
        named = f"（{holiday.name}）" if holiday is not None else ""
        named_en = f" ({holiday.name_en or holiday.name})" if holiday is not None else ""
        raise InvalidInput(
            f"{day.isoformat()} 是休息日{named}，现场踏勘在工作日进行，{choose}",
            f"{day.isoformat()} is not a working day{named_en}; {choose_en}",
            field="visit_at",
        )
    at = timefmt.moment(visit_at, fmt="%H:%M")
    raise InvalidInput(
        f"{at} 不在办公时间 {opens}–{closes} 内，{choose}",
        f"{at} is outside office hours ({opens}–{closes}); {choose_en}",
        field="visit_at",
    )
