"""Applicant pages: apply with one form, follow my cases, correct, resubmit, withdraw.

Submitting goes form → review (``submit_views``) → receipt; materials may also be
uploaded one by one as they are chosen (``material_views``); saving the form is
``desk``.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from tongban.accounts import authorisations
from tongban.accounts.deps import CurrentApplicant, CurrentUser
from tongban.accounts.models import User
from tongban.cases import service
from tongban.cases.core import access
from tongban.cases.core.hooks import applicant_bar
from tongban.cases.core.machine import STATE_NAMES_ZH, Event, allowed_events
from tongban.cases.enums import CaseState
from tongban.cases.http import caseform, panels
from tongban.cases.http.casepage import case_context, locale
from tongban.cases.models import Case
from tongban.catalog import service as catalog
from tongban.errors import DomainError
from tongban.forms import inputs
from tongban.online.desk import (
    Desk,
    DeskDep,
    autosave_url,
    closed_notice,
    draft_page,
    form_context,
    materials_url,
    offer_earlier,
    prefilled,
    save,
    save_answers,
    sign_url,
    start_draft,
)
from tongban.web import limits
from tongban.web.deps import AgentFor, CheckedForm, NowDep, SessionDep, see_other
from tongban.web.templating import render

router = APIRouter()
# A file past the size limit posted with the whole form: the form comes back with what was
# typed saved and the file's limit beside its material (``desk.save_answers``).
APPLY, EDIT, RESUBMIT = "/apply/{code}", "/cases/{number}/edit", "/cases/{number}/resubmit"
for _path in (APPLY, EDIT, RESUBMIT):
    limits.keeps_typed(_path)


@router.get("/apply/{code}")
def apply_page(
    code: str,
    request: Request,
    session: SessionDep,
    user: CurrentApplicant,
    now: NowDep,
    authorisation: AgentFor = None,
) -> Response:
    """One form for an item or a bundle, generated from its JSON Schema; with ``for`` (an
    authorisation the user holds) the form of the person who gave it (代办)."""
    entry = catalog.get_entry(session, code=code)
    assert entry.current_version is not None
    spec = entry.current_version.definition
    service.check_applies(spec)  # 免申即享: nobody applies
    applicant = user
    if authorisation is not None:
        applicant, _ = authorisations.grantor_for(
            session, agent=user, authorisation_id=authorisation, code=code, now=now
        )
    service.check_subject(spec, applicant)  # refused before any question or field
    answers = catalog.from_query(request.query_params)
    if catalog.questions(spec) and not answers:  # 情形引导: the questions come first
        kept = urlencode({"apply": 1, **request.query_params})  # ?for= (代办), ?lang=
        return see_other(f"/{entry.kind}s/{code}?{kept}#situations")
    spec = catalog.tailor(spec, catalog.check_answers(spec, answers) if answers else {})
    query = catalog.to_query(answers)
    if authorisation is not None:
        query = f"for={authorisation}&{query}".rstrip("&")
    query = f"?{query}" if query else ""
    filled = prefilled(request, session, spec, applicant, None, user)
    context = form_context(spec, None, {}, {}, [], locale(request), filled)
    context["reuse_offered"] = authorisation is None
    if authorisation is None:  # an agent is not offered the grantor's earlier files
        offer_earlier(session, context, None, applicant, now)
    context["lenient_bar"] = applicant_bar(session, spec, applicant)
    context.update(
        case=None,
        action=f"/apply/{code}{query}",
        new_draft=True,
        autosave_url=f"/apply/{code}/autosave{query}",
        on_behalf_of=applicant if authorisation is not None else None,
    )
    return render(request, "cases/apply.html", context)


@router.post(APPLY)
def apply(code: str, desk: DeskDep, form: CheckedForm, authorisation: AgentFor = None) -> Response:
    """Create the draft (for the grantor, with ``for``), attach the uploads, then review
    it (or only save it)."""
    return save(desk, start_draft(desk, code, authorisation), form)


@router.get("/cases/{number}/edit")
def edit_page(
    number: str, request: Request, session: SessionDep, user: CurrentApplicant
) -> Response:
    """A saved draft, to finish and submit."""
    case = service.get_case(session, number=number, user=user)
    if case.state != CaseState.draft:
        return see_other(f"/cases/{number}")
    return draft_page(request, session, case, user, {})


@router.post(EDIT)
def edit(number: str, desk: DeskDep, form: CheckedForm) -> Response:
    """Save the draft, then review it (or only save it)."""
    return save(desk, service.get_case(desk.session, number=number, user=desk.user), form)


@router.get("/my/cases")
def my_cases(request: Request, session: SessionDep, user: CurrentUser, now: NowDep) -> Response:
    """The applicant's cases with their state and time left."""
    cases = service.list_my_cases(session, user=user)
    rows = [(case, service.case_time_left(session, case=case, now=now)) for case in cases]
    closed = {case.id: closed_notice(request, session, case) for case in cases if _open(case)}
    context = {"rows": rows, "closed": closed, "state_names": STATE_NAMES_ZH}
    return render(request, "cases/my_cases.html", context)


def _open(case: Case) -> bool:
    """Still to be (re)submitted by its applicant: a withdrawn item stops it."""
    return case.state in (CaseState.draft, CaseState.correction_requested)


def render_case_page(
    request: Request,
    session: Session,
    case: Case,
    user: User,
    now: datetime,
    problems: inputs.Problems | None = None,
    status_code: int = 200,
) -> Response:
    """The applicant's case page, with the panels other domains add; ``problems`` next to inputs."""
    context = case_context(request, session, case, user, now)
    context.update(panels.panels_context(panels.CASE_PANELS, request, session, case, user, now))
    owner = access.owns(user, case) or access.acts_for(user, case)  # or its agent (代办)
    context["owner"] = owner
    context["can_withdraw"] = owner and Event.withdraw in allowed_events(case.state)
    context["correcting"] = owner and case.state == CaseState.correction_requested
    if context["correcting"]:  # the notice's problems sit next to the inputs they concern
        titles, notices = context["titles"], context["notices"]
        asked = {
            p["target"]: p["problem"] for n in notices for p in n.problems if p["target"] in titles
        }
        problems = {**asked, **(problems or {})}
        applicant = session.get(User, case.applicant_id)  # an agent corrects the grantor's
        assert applicant is not None
        filled = prefilled(request, session, context["spec"], applicant, case, user)
        context.update(
            form_context(
                context["spec"],
                case,
                case.form_data,
                problems,
                context["ways"],
                locale(request),
                filled,
            )
        )
        context.update(
            upload_url=materials_url(case), sign_url=sign_url(case), autosave_url=autosave_url(case)
        )
    context["upload_problems"] = problems or {}  # a late (容缺) upload's problem, at its input
    context["closed"] = closed_notice(request, session, case) if _open(case) else None
    return render(request, "cases/case.html", context, status_code=status_code)


def form_page(desk: Desk, case: Case, problems: inputs.Problems) -> Response:
    """The page whose form edits ``case`` (the draft's, or the case page in correction), 422."""
    if case.state == CaseState.draft:
        return draft_page(desk.request, desk.session, case, desk.user, problems, 422)
    return render_case_page(desk.request, desk.session, case, desk.user, desk.now, problems, 422)


@router.get("/cases/{number}")
def case_page(
    number: str, request: Request, session: SessionDep, user: CurrentUser, now: NowDep
) -> Response:
    """One case: summary, time left, timeline, correction notice, materials and results."""
    case = service.get_case(session, number=number, user=user)
    return render_case_page(request, session, case, user, now)


@router.post(RESUBMIT)
def resubmit(number: str, desk: DeskDep, form: CheckedForm) -> Response:
    """Save the corrections and send the case back; the clock resumes."""
    case = service.get_case(desk.session, number=number, user=desk.user)
    try:
        uploads = save_answers(desk, case, form)
        caseform.refuse_failed_uploads(service.spec_of(desk.session, case), case.form_data, uploads)
        with desk.session.begin_nested():  # a refused resubmission keeps the corrections only
            service.resubmit_case(
                desk.session, case_id=case.id, user=desk.user, now=desk.now, store=desk.store
            )
    except DomainError as error:  # a wrong answer, a withdrawn item, a fact already used
        problems = inputs.problems_of(error, desk.locale)
        return render_case_page(
            desk.request, desk.session, case, desk.user, desk.now, problems, error.status
        )
    return see_other(f"/cases/{number}?done=resubmitted")


@router.post("/cases/{number}/withdraw")
def withdraw(
    number: str, session: SessionDep, user: CurrentApplicant, now: NowDep, form: CheckedForm
) -> Response:
    """Withdraw a case that has not been accepted yet."""
    case = service.get_case(session, number=number, user=user)
    service.withdraw_case(session, case_id=case.id, user=user, now=now)
    return see_other(f"/cases/{number}?done=withdrawn")
