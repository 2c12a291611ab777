"""Pages of expert review (专家评审): the expert's seats, one seat (the declaration on
opening, then the case read-only and the opinion form), the panels and opinions on the
reviewer's task page, and the task action that sends a case to a panel.

A refused post shows its page again with the reason; nothing typed is lost.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from tongban.accounts.deps import CurrentStaff, require_roles
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.cases import service as cases
from tongban.cases.core import access
from tongban.cases.http.casepage import case_context
from tongban.cases.http.panels import task_panel
from tongban.cases.models import Case
from tongban.errors import DomainError, NotFound
from tongban.experts import service as experts
from tongban.experts.enums import Field, SeatState, Verdict
from tongban.experts.models import Seat
from tongban.web import limits
from tongban.web.deps import CheckedForm, NowDep, SessionDep, StoreDep, see_other
from tongban.web.downloads import file_response
from tongban.web.refusals import Refusal, page_again, shown, status_of
from tongban.web.templating import render
from tongban.workbench.actions import ACTIONS, TASK, Act

router = APIRouter()

ExpertUser = Annotated[User, Depends(require_roles(Role.expert))]


def _number(value: str, default: int) -> int:
    return int(value) if value.isdigit() else default


def _convene(a: Act) -> object:
    return experts.convene(
        a.session,
        task_id=a.task.id,
        user=a.user,
        field=a.text("field"),
        size=_number(a.text("size"), 0),
        working_days=_number(a.text("working_days"), 0),
        question=a.text("question"),
        now=a.now,
    )


ACTIONS["experts"] = (_convene, TASK)


@task_panel
def task_panels(
    request: Request, session: Session, case: Case, user: User, now: datetime
) -> dict[str, Any]:
    """The task page: the case's panels with their opinions, and the fields to draw from."""
    return {"expert_panels": experts.for_case(session, case=case), "expert_fields": list(Field)}


@router.get("/experts/seats")
def seats(request: Request, session: SessionDep, user: ExpertUser) -> Response:
    """The expert's panels, newest first."""
    return render(request, "experts/seats.html", {"seats": experts.seats_of(session, user=user)})


def _seat_page(
    request: Request,
    session: Session,
    seat: Seat,
    user: User,
    now: datetime,
    refusal: Refusal | None = None,
) -> Response:
    context: dict[str, Any] = {"case": seat.panel.case}
    if experts.reads_case(seat):
        context = case_context(request, session, seat.panel.case, user, now)
        context["material_url"] = f"/experts/seats/{seat.id}/materials/%d"
    context.update(seat=seat, panel=seat.panel, verdicts=list(Verdict), **shown(refusal))
    return render(request, "experts/seat.html", context, status_code=status_of(refusal))


@router.get("/experts/seats/{seat_id}")
def seat_page(
    seat_id: int, request: Request, session: SessionDep, user: ExpertUser, now: NowDep
) -> Response:
    """One seat: the question and deadline; after declaring no conflict, the case read-only
    and the opinion form."""
    return _seat_page(
        request, session, experts.seat_of(session, seat_id=seat_id, user=user), user, now
    )


def _refused(
    request: Request,
    session: Session,
    seat_id: int,
    user: User,
    now: datetime,
    error: DomainError,
    form: FormData,
) -> Response:
    def page(refusal: Refusal) -> Response:
        seat = experts.seat_of(session, seat_id=seat_id, user=user)
        return _seat_page(request, session, seat, user, now, refusal)

    return page_again(request, session, error, form, page)


@router.post("/experts/seats/{seat_id}/declaration")
def declare(
    seat_id: int,
    request: Request,
    session: SessionDep,
    user: ExpertUser,
    now: NowDep,
    form: CheckedForm,
) -> Response:
    """No conflict (the case opens, audited) or a conflict with its reason (回避: another
    expert is drawn in this one's place)."""
    reason = form.get("reason")
    try:
        experts.declare(
            session,
            seat_id=seat_id,
            user=user,
            conflict=form.get("conflict") == "yes",
            reason=reason if isinstance(reason, str) else "",
            now=now,
        )
    except DomainError as error:
        return _refused(request, session, seat_id, user, now, error, form)
    return see_other(f"/experts/seats/{seat_id}")


OPINION = "/experts/seats/{seat_id}/opinion"
limits.keeps_typed(OPINION)  # an attachment past the size limit: the opinion is kept


@router.post(OPINION)
def opinion(
    seat_id: int,
    request: Request,
    session: SessionDep,
    user: ExpertUser,
    now: NowDep,
    store: StoreDep,
    form: CheckedForm,
) -> Response:
    """The opinion, once: conclusion, reasons, and an optional PDF, OFD or image."""
    text, verdict, upload = form.get("opinion"), form.get("verdict"), form.get("attachment")
    try:
        limits.check_upload(request)
        experts.give_opinion(
            session,
            seat_id=seat_id,
            user=user,
            verdict=verdict if isinstance(verdict, str) else "",
            text=text if isinstance(text, str) else "",
            now=now,
            attachment=(
                (upload.filename, upload.file.read())
                if isinstance(upload, UploadFile) and upload.filename
                else None
            ),
            store=store,
        )
    except DomainError as error:
        return _refused(request, session, seat_id, user, now, error, form)
    return see_other(f"/experts/seats/{seat_id}?done=opinion")


@router.get("/experts/seats/{seat_id}/materials/{material_id}", response_class=Response)
def material(
    seat_id: int, material_id: int, session: SessionDep, user: ExpertUser, store: StoreDep
) -> Response:
    """A file of the case, read-only, to the expert of a sitting seat who declared no
    conflict (the opening is audited: ``expert_panel.opened``)."""
    seat = experts.seat_of(session, seat_id=seat_id, user=user)
    row = next(
        (m for m in cases.materials(session, case=seat.panel.case) if m.id == material_id), None
    )
    if not experts.reads_case(seat) or row is None or row.storage_key is None:
        raise NotFound("没有找到该材料。", "No such material.")
    return file_response(
        store.get(row.storage_key),
        name=f"{seat.panel.case.number}-{row.filename}",
        media_type=row.content_type or "application/octet-stream",
        kind="inline",
    )


def _attachment(seat: Seat, store: Any) -> Response:
    if seat.attachment_key is None or seat.attachment_name is None:
        raise NotFound("该意见没有附件。", "This opinion has no attachment.")
    return file_response(
        store.get(seat.attachment_key),
        name=seat.attachment_name,
        media_type=seat.attachment_type or "application/octet-stream",
    )


@router.get("/experts/seats/{seat_id}/attachment", response_class=Response)
def own_attachment(
    seat_id: int, session: SessionDep, user: ExpertUser, store: StoreDep
) -> Response:
    """The attachment of the expert's own opinion."""
    return _attachment(experts.seat_of(session, seat_id=seat_id, user=user), store)


@router.get("/staff/expert-opinions/{seat_id}/attachment", response_class=Response)
def staff_attachment(
    seat_id: int, session: SessionDep, user: CurrentStaff, store: StoreDep
) -> Response:
    """The attachment of an expert's opinion, to staff who may see the case."""
    seat = session.get(Seat, seat_id)
    if (
        seat is None
        or seat.state != SeatState.answered
        or not access.can_view_case(user, seat.panel.case)
    ):
        raise NotFound("没有找到该意见。", "No such opinion.")
    return _attachment(seat, store)
