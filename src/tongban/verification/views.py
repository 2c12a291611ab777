"""Staff pages for verification among departments (协查): the asked department's list
on the workbench, one request with the case summary it needs, and the answer.

The answer form posts normally and comes back to the workbench; with htmx it swaps
only the workbench list.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from tongban.accounts.deps import CurrentStaff
from tongban.accounts.models import User
from tongban.cases.core import access
from tongban.cases.http.casepage import case_context
from tongban.cases.http.panels import queue_panel, task_panel
from tongban.cases.models import Case
from tongban.catalog.views import departments
from tongban.errors import DomainError
from tongban.verification import service as verification
from tongban.verification.models import VerificationRequest
from tongban.web import limits
from tongban.web.deps import CheckedForm, NowDep, SessionDep, StoreDep, see_other
from tongban.web.refusals import Refusal, page_again
from tongban.web.templating import render
from tongban.workbench.actions import ACTIONS, TASK, Act

router = APIRouter()


def _row(session: Session, request: VerificationRequest, now: datetime) -> dict[str, Any]:
    """A request as pages show it, with its time left."""
    left = None
    if request.answered_at is None and not request.lapsed:
        left = verification.time_left(session, request=request, now=now)
    return {
        "verification": request,
        "left": left,
        "badge": left.urgency if left else "green",
    }


@queue_panel
def queue_rows(session: Session, user: User, now: datetime) -> dict[str, Any]:
    """The workbench panel: requests addressed to the user's department."""
    return {"verifications": workbench(session, user=user, now=now)}


@task_panel
def task_rows(
    request: Request, session: Session, case: Case, user: User, now: datetime
) -> dict[str, Any]:
    """The task page panel: every request about the case."""
    return {"verifications": case_rows(session, case, now)}


def _verify(a: Act) -> object:
    return verification.ask(
        a.session,
        task_id=a.task.id,
        user=a.user,
        to_department=a.text("to_department"),
        question=a.text("question"),
        now=a.now,
    )


ACTIONS["verify"] = (_verify, TASK)


def workbench(session: Session, *, user: User, now: datetime) -> list[dict[str, Any]]:
    """Open requests addressed to the user's department, least time left first."""
    if user.department_code is None or not user.has_role(*access.WORK_ROLES):
        return []
    requests = verification.list_open(session, department=user.department_code)
    return [_row(session, request, now) for request in requests]


def case_rows(session: Session, case: Case, now: datetime) -> list[dict[str, Any]]:
    """Every request about a case, with time left on the unanswered ones."""
    return [_row(session, request, now) for request in verification.for_case(session, case=case)]


def _list(request: Request, session: Session, user: User, now: datetime, **extra: Any) -> Response:
    context = {
        "verifications": workbench(session, user=user, now=now),
        "departments": departments(session),
        **extra,
    }
    return render(request, "verification/_verifications.html", context)


def _page(
    request: Request,
    session: Session,
    asked: VerificationRequest,
    user: User,
    now: datetime,
    error: str | None = None,
    status_code: int = 200,
    kept: dict[str, str] | None = None,
) -> Response:
    """The request's page; after a refused answer, ``kept`` holds what was typed and chosen."""
    context = case_context(request, session, asked.case, user, now)
    row = _row(session, asked, now)
    context.update(
        row, error=error, may_answer=verification.may_answer(user, asked), kept=kept or {}
    )
    return render(request, "verification/verification.html", context, status_code=status_code)


@router.get("/staff/verifications/{request_id}")
def verification_page(
    request_id: int, request: Request, session: SessionDep, user: CurrentStaff, now: NowDep
) -> Response:
    """One request with the case it concerns (read-only) and the answer form."""
    asked = verification.get(session, request_id=request_id, user=user)
    return _page(request, session, asked, user, now)


ANSWER = "/staff/verifications/{request_id}/answer"
limits.keeps_typed(ANSWER)  # a document past the size limit: the typed answer is kept


@router.post(ANSWER)
def answer(
    request_id: int,
    request: Request,
    session: SessionDep,
    user: CurrentStaff,
    now: NowDep,
    store: StoreDep,
    form: CheckedForm,
) -> Response:
    """Answer once (for a material the platform asked about: whether it holds, and the
    issuer's document); a refused answer (a document refused before it reached here too:
    past the size limit) shows the form again with the reason and what was typed."""
    asked = verification.get(session, request_id=request_id, user=user)
    posted = form.get("answer")
    text = posted if isinstance(posted, str) else ""
    htmx = request.headers.get("HX-Request") == "true"
    document = form.get("document")
    try:
        limits.check_upload(request)
        verification.answer(
            session,
            request_id=asked.id,
            user=user,
            text=text,
            now=now,
            confirmed=form.get("confirmed") != "false",
            document=(
                (document.filename, document.file.read())
                if isinstance(document, UploadFile) and document.filename
                else None
            ),
            store=store,
        )
    except DomainError as error:

        def page(refusal: Refusal) -> Response:
            if htmx:  # htmx swaps only 2xx answers; the list shows the reason in place
                context = {"error": refusal.error, "failed": request_id, "kept": text}
                return _list(request, session, user, now, **context)
            again = verification.get(session, request_id=request_id, user=user)
            kept = {"answer": text, "confirmed": refusal.posted.get("confirmed", "true")}
            return _page(
                request, session, again, user, now, refusal.error, refusal.status_code, kept
            )

        return page_again(request, session, error, form, page)
    if htmx:
        return _list(request, session, user, now, answered=True)
    return see_other("/staff?done=answered")
