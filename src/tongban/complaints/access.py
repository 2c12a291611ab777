"""Who sees a complaint, and the lists each reader gets: the person their own; the hotline
operators every one (they route them); the department it is routed to its own; supervisors
those of their region. Another department learns nothing of it (NotFound, never Forbidden)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.cases.core import access as case_access
from tongban.complaints.enums import State
from tongban.complaints.models import Complaint
from tongban.errors import NotFound


def may_answer(user: User, complaint: Complaint) -> bool:
    """Staff of the department it is routed to."""
    return (
        user.has_role(*case_access.WORK_ROLES)
        and user.department_code is not None
        and user.department_code == complaint.department_code
    )


def supervised(user: User, complaint: Complaint) -> bool:
    """Whether a supervisor oversees ``complaint``: the platform's every one, a region's
    those routed to a department of the region (``cases.core.access.oversight``)."""
    session = object_session(complaint)
    assert session is not None
    prefix = case_access.oversight(session, user)
    if prefix is None:
        return False
    code = complaint.department_code
    return not prefix or (code is not None and case_access.oversees_department(session, user, code))


def may_see(user: User, complaint: Complaint) -> bool:
    if user.has_role(Role.hotline_operator) or supervised(user, complaint):
        return True
    if not user.is_staff:
        return complaint.applicant_id == user.id and complaint.channel == "online"
    return may_answer(user, complaint)


def _missing(complaint_id: int) -> NotFound:
    return NotFound(f"没有找到诉求 {complaint_id}。", f"No complaint {complaint_id}.")


def get(session: Session, *, complaint_id: int, user: User) -> Complaint:
    """A complaint the user may see (NotFound otherwise, not revealing that it exists)."""
    complaint = session.get(Complaint, complaint_id)
    if complaint is None or not may_see(user, complaint):
        raise _missing(complaint_id)
    return complaint


def get_locked(session: Session, *, complaint_id: int, user: User) -> Complaint:
    """:func:`get` with the row locked for a change (two answers: the second waits, then
    finds it answered)."""
    query = (
        select(Complaint)
        .where(Complaint.id == complaint_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    complaint = session.scalar(query)
    if complaint is None or not may_see(user, complaint):
        raise _missing(complaint_id)
    return complaint


def for_applicant(session: Session, *, user: User) -> Sequence[Complaint]:
    """The person's own online complaints, newest first."""
    query = select(Complaint).where(
        Complaint.applicant_id == user.id, Complaint.channel == "online"
    )
    return session.scalars(query.order_by(Complaint.id.desc())).all()


def for_operator(session: Session) -> Sequence[Complaint]:
    """The console: every complaint not closed, the soonest due first: to route (new, sent
    back), with a department (routed), to call back (answered)."""
    waiting = [State.new, State.returned, State.routed, State.answered]
    query = select(Complaint).where(Complaint.state.in_([s.value for s in waiting]))
    return session.scalars(query.order_by(Complaint.due_at, Complaint.id)).all()


def for_department(session: Session, *, department: str) -> Sequence[Complaint]:
    """A department's open complaints, the soonest due first."""
    query = select(Complaint).where(
        Complaint.department_code == department, Complaint.state == State.routed.value
    )
    return session.scalars(query.order_by(Complaint.due_at, Complaint.id)).all()


def every(session: Session, *, user: User, limit: int = 200) -> Sequence[Complaint]:
    """Every complaint a supervisor oversees (``supervised``), newest first."""
    query = select(Complaint).order_by(Complaint.id.desc())
    region = case_access.supervised_departments(session, user)
    if region is not None:
        query = query.where(Complaint.department_code.in_(region))
    return session.scalars(query.limit(limit)).all()


def for_case(session: Session, *, case_id: int, user: User) -> list[Complaint]:
    """The complaints about a case that ``user`` may see, as staff: supervisors all, a
    department those routed to it. Applicants follow theirs at /my/complaints."""
    if not user.is_staff:
        return []
    query = select(Complaint).where(Complaint.case_id == case_id).order_by(Complaint.id)
    return [c for c in session.scalars(query) if may_see(user, c)]
