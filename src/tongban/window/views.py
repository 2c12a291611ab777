"""Window intake on behalf of a walk-in applicant (窗口代办): the clerk finds the item,
enters the person's ID number, name and phone, fills the same generated form, uploads
the materials and submits. The case is the same as one applied for online; only its
creator (the clerk) and the audit entry tell them apart.

Once the person is known (``intent=start``: their draft is made first), the form is the
applicant's own: fields pulled from shared sources are filled and locked with their source
(the server keeps the lock, ``cases/core/prefill``), the person's account fills their
identity, and a source that is down leaves its field an input with the reason; the clerk
asks only what no source holds.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from tongban.accounts import service as accounts
from tongban.accounts.deps import require_roles
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.cases import service
from tongban.cases.core import access, prefill
from tongban.cases.core.machine import STATE_NAMES_ZH
from tongban.cases.core.queries import STAGE_NAMES_ZH
from tongban.cases.enums import Stage
from tongban.cases.http import caseform
from tongban.cases.models import Case
from tongban.catalog import service as catalog
from tongban.errors import DomainError, InvalidInput, NotFound
from tongban.forms import inputs
from tongban.online.desk import Desk, closed_notice, form_context, save_answers, sign_on_desk
from tongban.online.submit_views import receipt_context
from tongban.web.deps import CheckedForm, NowDep, RuntimeDep, SessionDep, StoreDep, see_other
from tongban.web.templating import render
from tongban.window.api import where_now

router = APIRouter()
Clerk = Annotated[User, Depends(require_roles(Role.clerk))]
PERSON = ("id_number", "name", "phone")  # the walk-in's identity, asked before the form
PREFIX = "walkin_"  # keeps the person's inputs apart from the form's own (many have a phone)


def _window(
    request: Request,
    session: SessionDep,
    user: Clerk,
    now: NowDep,
    store: StoreDep,
    runtime: RuntimeDep,
) -> Desk:
    """The clerk's desk: the same unit of work an applicant's form post has."""
    return Desk(request, session, user, now, store, runtime.settings.max_upload_mb * 1024 * 1024)


WindowDep = Annotated[Desk, Depends(_window)]


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _own_case(session: Session, *, number: str, user: User) -> Case:
    """A case this clerk took in (NotFound for any other)."""
    case = session.scalar(select(Case).where(Case.number == number))
    if case is None or case.created_by_id != user.id:
        raise NotFound(f"没有找到办件 {number}。", f"No case {number}.")
    return case


def _filled(desk: Desk, spec: dict[str, Any], case: Case | None) -> prefill.Prefill | None:
    """What shared sources and the person's account fill in, once the person is known (a
    draft exists); the pulls were logged when the draft was saved, with the clerk as actor."""
    if case is None:
        return None
    ask = prefill.FillRequest(
        applicant=desk.session.get_one(User, case.applicant_id),
        actor=desk.user,
        spec=spec,
        answers=case.form_data,
        case=case,
        now=desk.now,
    )
    return prefill.prefill(desk.session, ask)


def _form_page(
    desk: Desk,
    spec: dict[str, Any],
    *,
    case: Case | None,
    values: dict[str, Any],
    person: dict[str, str],
    problems: inputs.Problems,
    status_code: int = 200,
) -> Response:
    """The intake form: who the person is, then the item's generated form and materials."""
    ways = service.material_ways(desk.session, case=case, now=desk.now) if case else []
    own = {k: v for k, v in problems.items() if not k.startswith(PREFIX)}
    postal_problems = {k: v for k, v in problems.items() if k.startswith("postal.")}
    filled = _filled(desk, spec, case)
    context = form_context(
        spec, case, values, {**own, **postal_problems}, ways, desk.locale, filled
    )
    applicant = accounts.get_user(desk.session, user_id=case.applicant_id) if case else None
    action = f"/staff/intake/drafts/{case.number}" if case else f"/staff/intake/{spec['code']}"
    context.update(
        case=case,
        closed=closed_notice(desk.request, desk.session, case) if case else None,
        applicant=applicant,
        person=person,
        person_errors={k: problems[PREFIX + k] for k in PERSON if PREFIX + k in problems},
        action=action,
        sign_url=f"/staff/intake/drafts/{case.number}/signatures" if case else None,
        reuse_offered=False,  # consent to reuse earlier answers is the person's own, online
        pulled=bool(filled and filled.locked()),  # did any source hold the person's data
    )
    return render(desk.request, "cases/intake_form.html", context, status_code=status_code)


def _draft_again(desk: Desk, case: Case, problems: inputs.Problems, status: int) -> Response:
    """The draft's form with what is saved and ``problems``; returned, not raised, so the
    request still commits what was saved."""
    spec = service.spec_of(desk.session, case)
    return _form_page(
        desk,
        spec,
        case=case,
        values=case.form_data,
        person={},
        problems=problems,
        status_code=status,
    )


def _submit(desk: Desk, case: Case, form: FormData) -> Response:
    """Save the answers and uploads, then submit; a failed check shows the draft again (422)."""
    try:
        uploads = save_answers(desk, case, form)
    except InvalidInput as error:  # a locked (pulled) field was changed: say so beside it
        return _draft_again(desk, case, inputs.problems_of(error, desk.locale), error.status)
    spec = service.spec_of(desk.session, case)
    try:
        caseform.refuse_failed_uploads(spec, case.form_data, uploads)
        with desk.session.begin_nested():  # a refused submission leaves the saved draft only
            service.submit_case(
                desk.session, case_id=case.id, user=desk.user, now=desk.now, store=desk.store
            )
    except DomainError as error:  # a wrong answer, a withdrawn item, a fact already used
        return _draft_again(desk, case, inputs.problems_of(error, desk.locale), error.status)
    return see_other(f"/staff/intake/receipt/{case.number}")


def _start(desk: Desk, case: Case, form: FormData) -> Response:
    """Keep what was typed in the person's new draft and show it with what the sources
    hold: the clerk then asks only the rest."""
    try:
        uploads = save_answers(desk, case, form)
    except InvalidInput as error:
        return _draft_again(desk, case, inputs.problems_of(error, desk.locale), error.status)
    if uploads:  # the person is known and the answers kept; a refused file is said
        return _draft_again(desk, case, uploads, 422)
    return see_other(f"/staff/intake/drafts/{case.number}")


@router.get("/staff/intake")
def intake_search(request: Request, session: SessionDep, user: Clerk, q: str = "") -> Response:
    """Find the item or bundle the walk-in applicant came for: of another region's hall,
    only the items on the 跨域通办 list (the others say where to apply instead; when all
    found are such, the page says so rather than that nothing was found)."""
    found = catalog.search(session, query=q.strip()) if q.strip() else []
    published = [(e, e.current_version.definition) for e in found if e.current_version]
    entries = [e for e, spec in published if service.may_receive(session, spec, user)]
    context = {
        "q": q.strip(),
        "entries": entries,
        "drafts": service.unfinished_drafts(session, user=user),  # interrupted intakes
        "elsewhere": len(published) - len(entries),  # found, but not this hall's to receive
    }
    return render(request, "cases/intake.html", context)


@router.get("/staff/intake/{code}")
def intake_page(code: str, desk: WindowDep) -> Response:
    """The person's identity and the item's one generated form; for an item nobody applies
    for (免申即享) or one this hall may not receive (跨域通办), the search again with why."""
    entry = catalog.get_entry(desk.session, code=code)
    assert entry.current_version is not None
    spec = entry.current_version.definition
    refused = _refused_here(desk, spec)
    if refused is not None:
        return refused
    return _form_page(desk, spec, case=None, values={}, person={}, problems={})


def _refused_here(desk: Desk, spec: dict[str, Any]) -> Response | None:
    """The intake search again, saying why, for an item nobody applies for (免申即享) or
    one this hall may not receive (跨域通办); None when the clerk may take it in."""
    try:
        service.check_applies(spec)
        service.check_receivable(desk.session, spec, desk.user)
    except DomainError as error:
        context = {"q": spec["name"], "entries": [], "refusal": error.message(desk.locale)}
        return render(desk.request, "cases/intake.html", context, status_code=error.status)
    return None


@router.post("/staff/intake/{code}")
def intake(code: str, desk: WindowDep, form: CheckedForm) -> Response:
    """Find or create the person, start the draft on their behalf, attach uploads, submit."""
    entry = catalog.get_entry(desk.session, code=code)
    if entry.current_version is not None:  # a withdrawn item: create_case says so
        refused = _refused_here(desk, entry.current_version.definition)
        if refused is not None:
            return refused
    person = {name: _text(form, PREFIX + name) for name in PERSON}
    try:
        applicant = accounts.find_or_create_walk_in(desk.session, **person)
        begun = service.unfinished_drafts(
            desk.session, user=desk.user, applicant=applicant, code=code
        )
        case = (
            begun[0]
            if begun
            else service.create_case(
                desk.session,
                applicant=applicant,
                code=code,
                form_data={},
                now=desk.now,
                created_by=desk.user,
            )
        )
    except InvalidInput as error:
        desk.session.rollback()  # no half-made person or draft is kept
        entry = catalog.get_entry(desk.session, code=code)
        assert entry.current_version is not None
        spec = entry.current_version.definition
        problems = {
            PREFIX + name if name in PERSON else name: message
            for name, message in inputs.problems_of(error, desk.locale).items()
        }
        values = inputs.parse(spec["form"], form)
        return _form_page(
            desk,
            spec,
            case=None,
            values=values,
            person=person,
            problems=problems,
            status_code=422,
        )
    if form.get("intent") == "start":
        return _start(desk, case, form)
    return _submit(desk, case, form)


@router.get("/staff/intake/drafts/{number}")
def intake_draft_page(number: str, desk: WindowDep) -> Response:
    """A draft this clerk took in, with the person's pulled fields filled and locked."""
    case = _own_case(desk.session, number=number, user=desk.user)
    if not access.acts_for(desk.user, case):
        return see_other(f"/staff/intake/receipt/{number}")
    return _draft_again(desk, case, {}, 200)


@router.post("/staff/intake/drafts/{number}")
def intake_draft(number: str, desk: WindowDep, form: CheckedForm) -> Response:
    """Finish and submit a draft this clerk took in."""
    case = _own_case(desk.session, number=number, user=desk.user)
    if not access.acts_for(desk.user, case):
        return see_other(f"/staff/intake/receipt/{number}")
    return _submit(desk, case, form)


@router.post("/staff/intake/drafts/{number}/signatures/{code}")
def intake_sign(number: str, code: str, desk: WindowDep, form: CheckedForm) -> Response:
    """The person signs a commitment letter on the window's screen (their name typed);
    what was entered is saved first, and the draft is shown again to finish."""
    case = _own_case(desk.session, number=number, user=desk.user)
    problems = sign_on_desk(desk, case, code, form)
    return _draft_again(desk, case, problems, 422 if problems else 200)


@router.get("/staff/intake/receipt/{number}")
def receipt(
    number: str, request: Request, session: SessionDep, user: Clerk, now: NowDep
) -> Response:
    """The receipt (收件回执) for the person: the case number to follow the case by, and
    the fees to pay with their payment codes (printed: a walk-in applicant pays at a bank)."""
    case = _own_case(session, number=number, user=user)
    context = {
        **receipt_context(request, session, case, user, now),
        "task": service.actionable_task(session, case=case, stage=Stage.accept, user=user, now=now),
        "window": True,
    }
    return render(request, "cases/receipt.html", context)


@router.get("/staff/taken-in")
def taken_in(
    request: Request, session: SessionDep, user: Clerk, after: str = "", before: str = ""
) -> Response:
    """我受理转出的办件: the cases the clerk took in at the window and submitted, newest
    first, a page at a time (``after``/``before``: the cursors of the 下一页/上一页 links),
    each with its state and where it is now (the departments and stages of its open
    tasks; forwarded to another region's department: 跨域通办); the case page is linked
    where the clerk may read it."""
    found = service.list_taken_in(
        session,
        user=user,
        after=service.PageCursor.parse(after) if after else None,
        before=service.PageCursor.parse(before) if before else None,
        size=service.TAKEN_IN_PAGE,
    )
    rows = [
        {"case": case, "now": where_now(case), "visible": access.can_view_case(user, case)}
        for case in found.cases
    ]
    context: dict[str, Any] = {"rows": rows, "per_page": service.TAKEN_IN_PAGE}
    context["paged"] = bool(after or before)  # an empty page is no empty list
    context["next_link"] = f"/staff/taken-in?after={found.next.token()}" if found.next else ""
    context["previous_link"] = (
        f"/staff/taken-in?before={found.previous.token()}" if found.previous else ""
    )
    context["stage_names"] = STAGE_NAMES_ZH
    context["state_names"] = STATE_NAMES_ZH
    context["departments"] = {d.code: d for d in catalog.list_departments(session)}
    return render(request, "cases/taken_in.html", context)
