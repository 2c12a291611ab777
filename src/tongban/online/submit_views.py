"""The last steps of applying online: review everything before it is sent (核对), confirm,
and the receipt (申请回执) — the same receipt the window hands a walk-in applicant.

The review page asks the service the very question submission asks
(``check_complete``), so a draft that reaches it can be submitted unless it changes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from tongban.accounts import service as accounts
from tongban.accounts.deps import CurrentApplicant, CurrentUser
from tongban.accounts.models import User
from tongban.cases import service
from tongban.cases.core import clocks
from tongban.cases.core.machine import STATE_NAMES_ZH
from tongban.cases.enums import CaseState, ClockKind
from tongban.cases.http import panels
from tongban.cases.http.casepage import answers, locale
from tongban.cases.http.material_rows import material_rows
from tongban.cases.models import Case
from tongban.catalog.views import departments
from tongban.errors import Conflict, DomainError, InvalidInput
from tongban.forms import inputs
from tongban.online.desk import DeskDep, draft_page
from tongban.web.deps import CheckedForm, NowDep, SessionDep, see_other
from tongban.web.templating import render

router = APIRouter()


def _review_context(
    request: Request, session: Session, case: Case, user: User, now: datetime
) -> dict[str, Any]:
    spec = service.spec_of(session, case)
    return {
        **panels.panels_context(panels.RECEIPT_PANELS, request, session, case, user, now),
        "case": case,
        "spec": spec,
        "answers": answers(session, spec, case, case.form_data, locale(request)),
        "material_rows": material_rows(
            spec,
            service.material_ways(session, case=case, now=now),
            {},
            locale(request),
        ),
    }


@router.get("/cases/{number}/review")
def review_page(
    number: str, request: Request, session: SessionDep, user: CurrentApplicant, now: NowDep
) -> Response:
    """Every answer and material, the delivery and the promised time, before submitting."""
    case = service.get_case(session, number=number, user=user)
    if case.state != CaseState.draft:
        return see_other(f"/cases/{number}")
    try:
        service.check_open(session, case=case)
        service.check_complete(session, case=case, now=now)
    except InvalidInput as error:
        problems = inputs.problems_of(error, locale(request))
        return draft_page(request, session, case, user, problems, 422)
    except Conflict as error:  # the item was withdrawn: the draft page says so
        return draft_page(request, session, case, user, {}, error.status)
    context = _review_context(request, session, case, user, now)
    return render(request, "cases/review.html", context)


@router.post("/cases/{number}/submit")
def confirm(number: str, desk: DeskDep, form: CheckedForm) -> Response:
    """Submit the reviewed draft (确认提交): the acceptance clock starts; then the receipt."""
    case = service.get_case(desk.session, number=number, user=desk.user)
    if case.state != CaseState.draft:  # sent twice: a double click or the back button
        return see_other(f"/cases/{number}/receipt")
    try:
        with desk.session.begin_nested():  # nothing of a refused submission is kept
            service.submit_case(
                desk.session, case_id=case.id, user=desk.user, now=desk.now, store=desk.store
            )
    except DomainError as error:  # a wrong answer, a withdrawn item, a fact already used
        problems = inputs.problems_of(error, desk.locale)
        return draft_page(desk.request, desk.session, case, desk.user, problems, error.status)
    return see_other(f"/cases/{number}/receipt")


def receipt_context(
    request: Request, session: Session, case: Case, user: User, now: datetime
) -> dict[str, Any]:
    """What a receipt shows, online or at the window: the case, who, by when, and the
    fees still to pay (``panels.RECEIPT_PANELS``)."""
    acceptance = clocks.running(case, ClockKind.acceptance)
    return {
        **panels.panels_context(panels.RECEIPT_PANELS, request, session, case, user, now),
        "case": case,
        "spec": service.spec_of(session, case),
        "applicant": accounts.get_user(session, user_id=case.applicant_id),
        "acceptance": acceptance[0] if acceptance else None,
        "state_names": STATE_NAMES_ZH,
        "departments": departments(session),
    }


@router.get("/cases/{number}/receipt")
def receipt_page(
    number: str, request: Request, session: SessionDep, user: CurrentUser, now: NowDep
) -> Response:
    """The receipt (申请回执): case number, item, applicant, fees, what happens next and
    by when."""
    case = service.get_case(session, number=number, user=user)
    if case.received_at is None:
        return see_other(f"/cases/{number}")
    return render(request, "cases/receipt.html", receipt_context(request, session, case, user, now))
