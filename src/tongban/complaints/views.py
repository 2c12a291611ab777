"""Pages of complaints (12345): the person's form and list (/my/complaints), the hotline
operator's console (/hotline), the department's queue (/staff/complaints), the supervisors'
list with figures per department (/supervision/complaints), and the complaints about a
case on its page (supervisors and the department it is routed to).

A refused form is shown again with the reason and everything typed kept (status 422).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from tongban.accounts.deps import CurrentStaff, CurrentUser, require_roles
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.cases.core import access as case_access
from tongban.cases.http.panels import case_panel
from tongban.cases.models import Case
from tongban.catalog.views import departments
from tongban.complaints import access, figures
from tongban.complaints import service as complaints
from tongban.complaints.enums import Kind, Satisfaction
from tongban.errors import DomainError, NotAllowed
from tongban.pii.masking import mask_phone
from tongban.web import limits
from tongban.web.deps import CheckedForm, NowDep, SessionDep, StoreDep, see_other
from tongban.web.i18n import locale_of
from tongban.web.templating import render

router = APIRouter()
Operator = Annotated[User, Depends(require_roles(Role.hotline_operator))]
Supervisor = Annotated[User, Depends(require_roles(Role.supervisor))]


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _common(session: Session, user: User) -> dict[str, Any]:
    """What every complaints page draws with; ``may_view_case(case)``: whether ``user`` may
    open the related case (linked, else its number only)."""
    return {
        "departments": departments(session),
        "kinds": list(Kind),
        "satisfactions": list(Satisfaction),
        "mask_phone": mask_phone,
        "may_view_case": lambda case: case_access.can_view_case(user, case),
    }


def _page(
    request: Request,
    session: Session,
    user: User,
    template: str,
    complaints: object,
    *,
    error: str | None = None,
    field: str | None = None,
    kept: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """A list of complaints with its forms; after a refusal, the reason by its ``field`` and
    what was typed (``kept``)."""
    context = {
        **_common(session, user),
        "complaints": complaints,
        "error": error,
        "field": field,
        "kept": kept or {},
    }
    return render(request, template, context, status_code=status_code)


def _attempt(
    request: Request,
    session: Session,
    act: Callable[[], object],
    page: Callable[..., Response],
    done: str,
    kept: dict[str, str],
) -> Response:
    """Run ``act``; refused, roll back and show ``page`` again with the reason and ``kept``."""
    try:
        act()
    except DomainError as error:
        session.rollback()
        locale = locale_of(request, request.app.state.runtime.settings.default_locale)
        return page(
            error=error.message(locale), field=error.field, kept=kept, status_code=error.status
        )
    return see_other(done)


@case_panel
def case_complaints(
    request: Request, session: Session, case: Case, user: User, now: datetime
) -> dict[str, Any]:
    """On the case page: complaints about the case, for supervisors and the department
    each is routed to."""
    return {
        "case_complaints": access.for_case(session, case_id=case.id, user=user),
        "may_view_case": lambda related: case_access.can_view_case(user, related),
    }


# ---- the person -------------------------------------------------------------------


def _mine(request: Request, session: Session, user: User, **refused: Any) -> Response:
    if user.is_staff:
        raise NotAllowed(
            "诉求表单供申请人使用；工作人员请使用 12345 热线。",
            "The form is for applicants; staff use the hotline console.",
        )
    mine = access.for_applicant(session, user=user)
    return _page(request, session, user, "complaints/mine.html", mine, **refused)


@router.get("/my/complaints")
def my_complaints(request: Request, session: SessionDep, user: CurrentUser) -> Response:
    """The person's complaints, suggestions and consultations, and the form to file one."""
    return _mine(request, session, user)


FILE_ONLINE = "/my/complaints"
limits.keeps_typed(FILE_ONLINE)  # an attachment past the size limit: the complaint is kept


@router.post(FILE_ONLINE)
def file_complaint(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    now: NowDep,
    store: StoreDep,
    form: CheckedForm,
) -> Response:
    """File one online (with an optional attachment)."""
    kept = {k: _text(form, k) for k in ("kind", "content", "case_number")}
    upload = form.get("attachment")
    attachment = (
        complaints.Attachment(upload.filename, upload.file.read())
        if isinstance(upload, UploadFile) and upload.filename
        else None
    )

    def act() -> object:
        limits.check_upload(request)
        return complaints.file_online(
            session, user=user, now=now, store=store, attachment=attachment, **kept
        )

    return _attempt(
        request,
        session,
        act,
        lambda **k: _mine(request, session, user, **k),
        "/my/complaints?done=filed",
        kept,
    )


@router.post("/my/complaints/{complaint_id}/satisfaction")
def rate_answer(
    complaint_id: int,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    now: NowDep,
    form: CheckedForm,
) -> Response:
    """The online complainant says whether the answer satisfies them."""
    kept = {"satisfaction": _text(form, "satisfaction")}
    return _attempt(
        request,
        session,
        lambda: complaints.call_back(
            session,
            complaint_id=complaint_id,
            user=user,
            satisfaction=kept["satisfaction"],
            now=now,
        ),
        lambda **k: _mine(request, session, user, **k),
        "/my/complaints?done=rated",
        kept,
    )


# ---- the hotline operator -----------------------------------------------------------


def _console(request: Request, session: Session, user: User, **refused: Any) -> Response:
    every = access.for_operator(session)
    return _page(request, session, user, "complaints/hotline.html", every, **refused)


@router.get("/hotline")
def hotline(request: Request, session: SessionDep, user: Operator) -> Response:
    """The operator's console: record a call; route, re-route and call back."""
    return _console(request, session, user)


@router.post("/hotline/calls")
def record_call(
    request: Request, session: SessionDep, user: Operator, now: NowDep, form: CheckedForm
) -> Response:
    """Record a call and route it (the suggested department when none is chosen)."""
    names = ("caller_name", "phone", "kind", "content", "case_number", "item_code", "department")
    kept = {k: _text(form, k) for k in names}
    return _attempt(
        request,
        session,
        lambda: complaints.record_call(session, user=user, now=now, **kept),
        lambda **k: _console(request, session, user, **k),
        "/hotline?done=recorded",
        kept,
    )


@router.post("/hotline/complaints/{complaint_id}/route")
def route(
    complaint_id: int,
    request: Request,
    session: SessionDep,
    user: Operator,
    now: NowDep,
    form: CheckedForm,
) -> Response:
    """Route (派单) a new or sent-back complaint."""
    kept = {"department": _text(form, "department"), "id": str(complaint_id)}
    return _attempt(
        request,
        session,
        lambda: complaints.route(
            session, complaint_id=complaint_id, user=user, department=kept["department"], now=now
        ),
        lambda **k: _console(request, session, user, **k),
        "/hotline?done=routed",
        kept,
    )


@router.post("/hotline/complaints/{complaint_id}/call-back")
def call_back(
    complaint_id: int,
    request: Request,
    session: SessionDep,
    user: Operator,
    now: NowDep,
    form: CheckedForm,
) -> Response:
    """Record the call-back (回访) with the caller's satisfaction."""
    kept = {
        "satisfaction": _text(form, "satisfaction"),
        "note": _text(form, "note"),
        "id": str(complaint_id),
    }
    return _attempt(
        request,
        session,
        lambda: complaints.call_back(
            session,
            complaint_id=complaint_id,
            user=user,
            satisfaction=kept["satisfaction"],
            note=kept["note"],
            now=now,
        ),
        lambda **k: _console(request, session, user, **k),
        "/hotline?done=called_back",
        kept,
    )


# ---- the department -----------------------------------------------------------------


def _queue(request: Request, session: Session, user: User, **refused: Any) -> Response:
    department = user.department_code
    routed = access.for_department(session, department=department) if department else []
    return _page(request, session, user, "complaints/department.html", routed, **refused)


@router.get("/staff/complaints")
def department_queue(request: Request, session: SessionDep, user: CurrentStaff) -> Response:
    """The complaints routed to the user's department, the soonest due first."""
    return _queue(request, session, user)


@router.post("/staff/complaints/{complaint_id}/{action}")
def department_act(
    complaint_id: int,
    action: str,
    request: Request,
    session: SessionDep,
    user: CurrentStaff,
    now: NowDep,
    form: CheckedForm,
) -> Response:
    """Answer, or send back (退单) with the reason."""
    text = _text(form, "text")
    kept = {"text": text, "id": str(complaint_id), "action": action}

    def act() -> object:
        if action == "answer":
            return complaints.answer(
                session, complaint_id=complaint_id, user=user, text=text, now=now
            )
        if action == "send-back":
            return complaints.send_back(
                session, complaint_id=complaint_id, user=user, reason=text, now=now
            )
        raise NotAllowed("未知操作。", "Unknown action.")

    return _attempt(
        request,
        session,
        act,
        lambda **k: _queue(request, session, user, **k),
        f"/staff/complaints?done={action}",
        kept,
    )


# ---- supervisors ----------------------------------------------------------------------


@router.get("/supervision/complaints")
def supervision(request: Request, session: SessionDep, user: Supervisor, now: NowDep) -> Response:
    """Every complaint, with received, on time, overdue and satisfaction per department."""
    context = {
        **_common(session, user),
        "complaints": access.every(session, user=user),
        "figures": figures.per_department(
            session, now=now, within=case_access.supervised_departments(session, user)
        ),
    }
    return render(request, "complaints/supervision.html", context)
