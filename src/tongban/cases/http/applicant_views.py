"""Applicant pages: apply with one form, follow my cases, correct, resubmit, withdraw.

Submitting goes form → review (``review_views``) → receipt; materials may also be
uploaded one by one as they are chosen (``material_views``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from tongban.accounts.deps import CurrentApplicant, CurrentUser
from tongban.accounts.models import User
from tongban.cases import service
from tongban.cases.core import access, prefill
from tongban.cases.core.deadlines import case_limits
from tongban.cases.core.machine import STATE_NAMES_ZH, Event, allowed_events
from tongban.cases.core.queries import STAGE_NAMES_ZH
from tongban.cases.enums import CaseState, Stage, TaskState
from tongban.cases.http import formpage, panels, postal_form
from tongban.cases.http.material_rows import material_rows
from tongban.cases.models import Case
from tongban.catalog import service as catalog
from tongban.catalog.views import departments
from tongban.errors import Conflict, InvalidInput
from tongban.files.store import FileStore
from tongban.timeutil import utcnow
from tongban.web.deps import (
    CheckedForm,
    NowDep,
    RuntimeDep,
    SessionDep,
    StoreDep,
    get_now,
    get_runtime,
    see_other,
)
from tongban.web.i18n import locale_of
from tongban.web.templating import render

router = APIRouter()


def locale(request: Request) -> str:
    return locale_of(request, request.app.state.runtime.settings.default_locale)


@dataclass
class Desk:
    """What an applicant's form post needs: the request, unit of work, who, when, the file store."""

    request: Request
    session: Session
    user: User
    now: datetime
    store: FileStore
    max_bytes: int

    @property
    def locale(self) -> str:
        return locale(self.request)


def _desk(
    request: Request,
    session: SessionDep,
    user: CurrentApplicant,
    now: NowDep,
    store: StoreDep,
    runtime: RuntimeDep,
) -> Desk:
    return Desk(request, session, user, now, store, runtime.settings.max_upload_mb * 1024 * 1024)


DeskDep = Annotated[Desk, Depends(_desk)]


def save_typed(desk: Desk, case: Case, form: CheckedForm) -> None:
    """Store the typed answers and the delivery of a posted form (not its files)."""
    spec = service.spec_of(desk.session, case)
    delivery = form.get("delivery")
    service.update_form(
        desk.session,
        case=case,
        user=desk.user,
        form_data=formpage.parse(spec["form"], form),
        delivery=delivery if isinstance(delivery, str) and delivery else None,
        postal_address=postal_form.from_form(form),
        now=desk.now,
    )


def save_answers(desk: Desk, case: Case, form: CheckedForm) -> formpage.Problems:
    """Store the answers and uploads of a posted form; returns the upload problems."""
    save_typed(desk, case, form)
    spec = service.spec_of(desk.session, case)
    problems: formpage.Problems = {}
    for code, upload in formpage.uploads(form, spec["materials"]):
        try:
            service.add_material(
                desk.session,
                case=case,
                user=desk.user,
                material_code=code,
                filename=upload.filename or "",
                data=upload.file.read(desk.max_bytes + 1),
                store=desk.store,
                max_bytes=desk.max_bytes,
                now=desk.now,
            )
        except InvalidInput as error:
            problems[f"materials.{code}"] = error.message(desk.locale)
    return problems


def _save(desk: Desk, case: Case, form: CheckedForm) -> Response:
    """Save; unless asked only to save, check with submission's own rules and go to review.

    A failed check shows the draft again (422); the page is returned, not raised, so the
    request still commits what was saved.
    """
    try:
        uploads = save_answers(desk, case, form)
    except InvalidInput as error:  # a locked (pulled) field was changed: say so beside it
        return form_page(desk, case, formpage.problems_of(error, desk.locale))
    if form.get("intent") == "save":
        return see_other(f"/cases/{case.number}/edit?done=saved")
    try:
        formpage.refuse_failed_uploads(service.spec_of(desk.session, case), case.form_data, uploads)
        service.check_open(desk.session, case=case)
        service.check_complete(desk.session, case=case, now=desk.now)
    except InvalidInput as error:
        problems = formpage.problems_of(error, desk.locale)
        return draft_page(desk.request, desk.session, case, problems, 422)
    except Conflict as error:  # the item was withdrawn: the page says so, the draft is kept
        return draft_page(desk.request, desk.session, case, {}, error.status)
    return see_other(f"/cases/{case.number}/review")


def materials_url(case: Case) -> str:
    """Where the form page uploads each material as soon as it is chosen."""
    return f"/cases/{case.number}/materials"


def sign_url(case: Case) -> str:
    """Where the form page signs a commitment letter online (``material_views``)."""
    return f"/cases/{case.number}/signatures"


def may_check(session: Session, case: Case, user: User) -> bool:
    """Whether the user may mark uploads as checked against the original (已核验原件): the
    clerk who may accept the case, while it waits for acceptance."""
    return any(
        task.stage == Stage.accept and task.state == TaskState.open and access.can_act(user, task)
        for task in case.tasks
    )


def autosave_url(case: Case) -> str:
    """Where the form page's script saves what was typed (``draft_views``)."""
    return f"/cases/{case.number}/autosave"


def prefilled(
    request: Request, session: Session, spec: dict[str, Any], applicant: User, case: Case | None
) -> prefill.Prefill:
    """What shared sources, the account and (``?reuse=1``: the applicant agreed) earlier
    cases fill in on the form page; showing it pulls, saving it logs (``core/prefill``)."""
    ask = prefill.FillRequest(
        applicant=applicant,
        actor=applicant,
        spec=spec,
        answers=case.form_data if case else {},
        case=case,
        now=utcnow(),
        reuse=request.query_params.get("reuse") == "1",
    )
    return prefill.prefill(session, ask)


def form_context(
    spec: dict[str, Any],
    case: Case | None,
    values: dict[str, Any],
    problems: formpage.Problems,
    ways: Any,
    lang: str,
    filled: prefill.Prefill | None = None,
) -> dict[str, Any]:
    """``formpage.context`` plus the mailing address inputs when post is offered."""
    own = {name: text for name, text in problems.items() if not name.startswith("postal.")}
    delivery = case.delivery if case else None
    context = formpage.context(spec, values, own, ways, delivery, lang, filled)
    context["reuse_offered"] = filled is not None
    offered = "mail" in context["delivery_options"]
    address = case.postal if case else None
    context["postal_fields"] = postal_form.form_fields(address, problems, lang) if offered else []
    return context


def closed_notice(request: Request, session: Session, case: Case) -> str | None:
    """Why the case cannot be (re)submitted because its item was withdrawn, or None."""
    try:
        service.check_open(session, case=case)
    except Conflict as error:
        return error.message(locale(request))
    return None


def draft_page(
    request: Request,
    session: Session,
    case: Case,
    problems: formpage.Problems,
    status_code: int = 200,
) -> Response:
    """The form of a saved draft with its answers, uploads and problems."""
    spec = service.spec_of(session, case)
    ways = service.material_ways(session, case=case, now=get_now(get_runtime(request)))
    applicant = session.get(User, case.applicant_id)
    assert applicant is not None
    filled = prefilled(request, session, spec, applicant, case)
    context = form_context(spec, case, case.form_data, problems, ways, locale(request), filled)
    context.update(
        case=case,
        action=f"/cases/{case.number}/edit",
        upload_url=materials_url(case),
        sign_url=sign_url(case),
        autosave_url=autosave_url(case),
        closed=closed_notice(request, session, case),
    )
    return render(request, "cases/apply.html", context, status_code=status_code)


@router.get("/apply/{code}")
def apply_page(
    code: str, request: Request, session: SessionDep, user: CurrentApplicant
) -> Response:
    """One form for an item or a bundle, generated from its JSON Schema."""
    entry = catalog.get_entry(session, code=code)
    assert entry.current_version is not None
    spec = entry.current_version.definition
    filled = prefilled(request, session, spec, user, None)
    context = formpage.context(spec, {}, {}, [], None, locale(request), filled)
    context["reuse_offered"] = True
    context.update(
        case=None, action=f"/apply/{code}", new_draft=True, autosave_url=f"/apply/{code}/autosave"
    )
    return render(request, "cases/apply.html", context)


@router.post("/apply/{code}")
def apply(code: str, desk: DeskDep, form: CheckedForm) -> Response:
    """Create the draft, attach the uploads, then review it (or only save it)."""
    case = service.create_case(
        desk.session, applicant=desk.user, code=code, form_data={}, now=desk.now
    )
    return _save(desk, case, form)


@router.get("/cases/{number}/edit")
def edit_page(
    number: str, request: Request, session: SessionDep, user: CurrentApplicant
) -> Response:
    """A saved draft, to finish and submit."""
    case = service.get_case(session, number=number, user=user)
    if case.state != CaseState.draft:
        return see_other(f"/cases/{number}")
    return draft_page(request, session, case, {})


@router.post("/cases/{number}/edit")
def edit(number: str, desk: DeskDep, form: CheckedForm) -> Response:
    """Save the draft, then review it (or only save it)."""
    return _save(desk, service.get_case(desk.session, number=number, user=desk.user), form)


@router.get("/my/cases")
def my_cases(request: Request, session: SessionDep, user: CurrentUser, now: NowDep) -> Response:
    """The applicant's cases with their state and time left."""
    cases = service.list_my_cases(session, user=user)
    rows = [(case, service.case_time_left(session, case=case, now=now)) for case in cases]
    return render(request, "cases/my_cases.html", {"rows": rows, "state_names": STATE_NAMES_ZH})


def case_context(
    request: Request, session: Session, case: Case, user: User, now: datetime
) -> dict[str, Any]:
    """What the case pages of applicants and staff share: answers, notices, materials, timeline."""
    spec, lang = service.spec_of(session, case), locale(request)
    line = service.timeline(session, case=case, now=now)
    ways = service.material_ways(session, case=case, now=now)
    return {
        "case": case,
        "spec": spec,
        "timeline": line,
        "events": [e for e in line.events if service.may_see_event(user, e.action)],
        "notices": service.corrections(session, case=case),
        "ways": ways,
        "material_rows": material_rows(spec, ways, {}, lang),
        "may_check": may_check(session, case, user),
        "results": service.results(session, case=case),
        "limits": case_limits(session, case=case, now=now),
        "departments": departments(session),
        "titles": formpage.titles(spec["form"], spec["materials"], lang),
        "answers": formpage.fields(spec["form"], case.form_data, {}, lang),
        "state_names": STATE_NAMES_ZH,
        "stage_names": STAGE_NAMES_ZH,
    }


def render_case_page(
    request: Request,
    session: Session,
    case: Case,
    user: User,
    now: datetime,
    problems: formpage.Problems | None = None,
    status_code: int = 200,
) -> Response:
    """The applicant's case page, with the panels other domains add; ``problems`` next to inputs."""
    context = case_context(request, session, case, user, now)
    context.update(panels.panels_context(panels.CASE_PANELS, request, session, case, user, now))
    owner = case.applicant_id == user.id
    context["can_withdraw"] = owner and Event.withdraw in allowed_events(case.state)
    context["correcting"] = owner and case.state == CaseState.correction_requested
    if context["correcting"]:  # the notice's problems sit next to the inputs they concern
        titles, notices = context["titles"], context["notices"]
        asked = {
            p["target"]: p["problem"] for n in notices for p in n.problems if p["target"] in titles
        }
        problems = {**asked, **(problems or {})}
        filled = prefilled(request, session, context["spec"], user, case)
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
        context["closed"] = closed_notice(request, session, case)
    return render(request, "cases/case.html", context, status_code=status_code)


def form_page(desk: Desk, case: Case, problems: formpage.Problems) -> Response:
    """The page whose form edits ``case`` (the draft's, or the case page in correction), 422."""
    if case.state == CaseState.draft:
        return draft_page(desk.request, desk.session, case, problems, 422)
    return render_case_page(desk.request, desk.session, case, desk.user, desk.now, problems, 422)


@router.get("/cases/{number}")
def case_page(
    number: str, request: Request, session: SessionDep, user: CurrentUser, now: NowDep
) -> Response:
    """One case: summary, time left, timeline, correction notice, materials and results."""
    case = service.get_case(session, number=number, user=user)
    return render_case_page(request, session, case, user, now)


@router.post("/cases/{number}/resubmit")
def resubmit(number: str, desk: DeskDep, form: CheckedForm) -> Response:
    """Save the corrections and send the case back; the clock resumes."""
    case = service.get_case(desk.session, number=number, user=desk.user)
    try:
        uploads = save_answers(desk, case, form)
        formpage.refuse_failed_uploads(service.spec_of(desk.session, case), case.form_data, uploads)
        service.resubmit_case(
            desk.session, case_id=case.id, user=desk.user, now=desk.now, store=desk.store
        )
    except InvalidInput as error:
        problems = formpage.problems_of(error, desk.locale)
        return render_case_page(
            desk.request, desk.session, case, desk.user, desk.now, problems, 422
        )
    except Conflict as error:  # the item was withdrawn: the corrections are kept, the page says so
        return render_case_page(
            desk.request, desk.session, case, desk.user, desk.now, {}, error.status
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
