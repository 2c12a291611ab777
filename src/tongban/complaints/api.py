"""JSON API for complaints (12345): filed online, recorded from a call, routed (派单), sent
back (退单), answered, called back (回访)."""

from __future__ import annotations

from fastapi import APIRouter

from tongban.accounts.deps import CurrentStaff, CurrentUser
from tongban.accounts.enums import Role
from tongban.cases.core.access import oversees
from tongban.cases.http.bodies import RowId
from tongban.complaints import access
from tongban.complaints import service as complaints
from tongban.complaints.schemas import (
    AnswerBody,
    CallBackBody,
    CallCreate,
    ComplaintCreate,
    ComplaintRead,
    ReasonBody,
    RouteBody,
)
from tongban.web.deps import NowDep, SessionDep

router = APIRouter(tags=["complaints"])


def _read(complaint: object) -> ComplaintRead:
    return ComplaintRead.model_validate(complaint)


@router.post("/complaints", status_code=201)
def file_complaint(
    body: ComplaintCreate, session: SessionDep, user: CurrentUser, now: NowDep
) -> ComplaintRead:
    """File a complaint, suggestion or consultation, about one of your own cases or none."""
    return _read(
        complaints.file_online(
            session,
            user=user,
            kind=body.kind,
            content=body.content,
            case_number=body.case_number,
            now=now,
        )
    )


@router.get("/complaints")
def list_complaints(session: SessionDep, user: CurrentUser) -> list[ComplaintRead]:
    """Yours (a person), the console's (an operator), your department's open ones, or all
    (a supervisor)."""
    if not user.is_staff:
        found = access.for_applicant(session, user=user)
    elif user.has_role(Role.hotline_operator):
        found = access.for_operator(session)
    elif oversees(user):
        found = access.every(session, user=user)
    elif user.department_code:
        found = access.for_department(session, department=user.department_code)
    else:
        found = []
    return [_read(c) for c in found]


@router.get("/complaints/{complaint_id}")
def get_complaint(complaint_id: RowId, session: SessionDep, user: CurrentUser) -> ComplaintRead:
    """One complaint you may see."""
    return _read(access.get(session, complaint_id=complaint_id, user=user))


@router.post("/hotline/calls", status_code=201)
def record_call(
    body: CallCreate, session: SessionDep, user: CurrentStaff, now: NowDep
) -> ComplaintRead:
    """A hotline operator records a call and routes it (to the suggested department when
    none is chosen)."""
    return _read(complaints.record_call(session, user=user, now=now, **body.model_dump()))


@router.post("/complaints/{complaint_id}/route")
def route_complaint(
    complaint_id: RowId, body: RouteBody, session: SessionDep, user: CurrentStaff, now: NowDep
) -> ComplaintRead:
    """Route (派单) a new or sent-back complaint to a department."""
    return _read(
        complaints.route(
            session, complaint_id=complaint_id, user=user, department=body.department, now=now
        )
    )


@router.post("/complaints/{complaint_id}/send-back")
def send_back_complaint(
    complaint_id: RowId, body: ReasonBody, session: SessionDep, user: CurrentStaff, now: NowDep
) -> ComplaintRead:
    """Send it back (退单) to the operator with the reason."""
    return _read(
        complaints.send_back(
            session, complaint_id=complaint_id, user=user, reason=body.reason, now=now
        )
    )


@router.post("/complaints/{complaint_id}/answer")
def answer_complaint(
    complaint_id: RowId, body: AnswerBody, session: SessionDep, user: CurrentStaff, now: NowDep
) -> ComplaintRead:
    """The department answers, once."""
    return _read(
        complaints.answer(session, complaint_id=complaint_id, user=user, text=body.answer, now=now)
    )


@router.post("/complaints/{complaint_id}/call-back")
def call_back_complaint(
    complaint_id: RowId, body: CallBackBody, session: SessionDep, user: CurrentUser, now: NowDep
) -> ComplaintRead:
    """回访: the satisfaction with the answer (the operator for a call, the person online)."""
    return _read(
        complaints.call_back(
            session,
            complaint_id=complaint_id,
            user=user,
            satisfaction=body.satisfaction,
            note=body.note,
            now=now,
        )
    )
