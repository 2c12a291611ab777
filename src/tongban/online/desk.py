"""The applicant's form desk: who posts, saving typed answers and uploads, and the draft's
form page. The window (``window.views``) fills the same form for walk-in applicants.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from tongban.accounts.deps import CurrentApplicant
from tongban.accounts.models import User
from tongban.cases import service
from tongban.cases.core import prefill
from tongban.cases.core.hooks import applicant_bar
from tongban.cases.http import caseform, postal_form
from tongban.cases.http.casepage import locale
from tongban.cases.http.channels import channel_of
from tongban.cases.models import Case
from tongban.catalog import service as catalog
from tongban.errors import Conflict, InvalidInput
from tongban.files.service import too_large
from tongban.files.store import FileStore
from tongban.forms import inputs
from tongban.web import limits
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
from tongban.web.templating import render


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
        form_data=inputs.parse(spec["form"], form),
        delivery=delivery if isinstance(delivery, str) and delivery else None,
        postal_address=postal_form.from_form(form),
        now=desk.now,
    )


def save_answers(desk: Desk, case: Case, form: CheckedForm) -> inputs.Problems:
    """Store the answers and uploads of a posted form, and the expiry typed beside an
    identity document (with its file, or for the one already sent); the upload problems,
    a file left out for its size (``web.limits``) among them."""
    save_typed(desk, case, form)
    spec = service.spec_of(desk.session, case)
    problems: inputs.Problems = {
        f"materials.{name[2:]}": too_large(filename, desk.max_bytes).message(desk.locale)
        for name, filename in limits.left_out(desk.request).items()
        if any(f"m_{wanted['code']}" == name for wanted in spec["materials"])
    }
    sent = dict(caseform.uploads(form, spec["materials"]))
    dates = dict(caseform.validities(form, spec["materials"]))
    for code in dates.keys() - sent.keys():
        try:
            service.date_document(
                desk.session,
                case=case,
                user=desk.user,
                material_code=code,
                valid_until=dates[code],
                now=desk.now,
            )
        except InvalidInput as error:
            problems[f"materials.{code}"] = error.message(desk.locale)
    for code, upload in sent.items():
        try:
            service.add_material(
                desk.session,
                case=case,
                user=desk.user,
                material_code=code,
                filename=upload.filename or "",
                data=limits.read_bounded(upload, max_bytes=desk.max_bytes),
                store=desk.store,
                max_bytes=desk.max_bytes,
                now=desk.now,
                valid_until=dates.get(code),
            )
        except InvalidInput as error:
            problems[f"materials.{code}"] = error.message(desk.locale)
    return problems


def take_earlier(desk: Desk, case: Case, chosen: str, problems: inputs.Problems) -> str:
    """Attach the earlier upload ``chosen`` ("<material code>:<material id>") to its
    material (``service.reuse_material``); its problem goes in ``problems``. The code."""
    code, _, source = chosen.partition(":")
    try:
        service.reuse_material(
            desk.session,
            case=case,
            user=desk.user,
            material_code=code,
            source_id=int(source) if source.isdigit() else 0,
            store=desk.store,
            max_bytes=desk.max_bytes,
            now=desk.now,
        )
    except InvalidInput as error:
        problems[f"materials.{code}"] = error.message(desk.locale)
    return code


def offer_earlier(
    session: Session, context: dict[str, Any], case: Case | None, applicant: User, now: datetime
) -> None:
    """Beside each material the form asks to upload, the applicant's valid earlier uploads
    of it (``earlier``), which a button takes instead of a new file, or, when none is valid,
    the newest one with why it cannot be reused (``stale``); none on a draft an agent made
    (代办: the grantor's earlier files are the grantor's own)."""
    offered = {}
    if case is None or case.authorisation_id is None:
        offered = service.reusable_offers(
            session, case=case, applicant_id=applicant.id, spec=context["spec"], now=now
        )
    for row in context["materials"]:
        same = offered.get(row["code"], []) if row["how"]["asks_upload"] else []
        row["earlier"] = [r for r in same if r.valid]
        row["stale"] = None if row["earlier"] else next(iter(same), None)


def sign_on_desk(desk: Desk, case: Case, code: str, form: CheckedForm) -> inputs.Problems:
    """Save what was typed, then sign the commitment letter ``code`` with the name typed
    beside it (``sign_<code>``); the problems of both, keyed as the form shows them. Used by
    the applicant's form and by the window's screen."""
    try:
        problems = save_answers(desk, case, form)
    except InvalidInput as error:  # a locked (pulled) field was changed: nothing saved or signed
        return inputs.problems_of(error, desk.locale)
    name = form.get(f"sign_{code}")
    try:
        service.sign_material(
            desk.session,
            case=case,
            user=desk.user,
            material_code=code,
            name=name if isinstance(name, str) else "",
            store=desk.store,
            now=desk.now,
        )
    except (InvalidInput, Conflict) as error:
        problems[f"materials.{code}"] = error.message(desk.locale)
    return problems


def save(desk: Desk, case: Case, form: CheckedForm) -> Response:
    """Save; unless asked only to save, check with submission's own rules and go to review.

    A failed check, or a refused upload even when only saving, shows the draft again
    (422); the page is returned, not raised, so the request still commits what was saved.
    """
    try:
        uploads = save_answers(desk, case, form)
    except InvalidInput as error:  # a locked (pulled) field was changed: say so beside it
        problems = inputs.problems_of(error, desk.locale)
        typed = inputs.parse(service.spec_of(desk.session, case)["form"], form)
        return draft_page(desk.request, desk.session, case, desk.user, problems, 422, typed)
    chosen = form.get("reuse")  # 沿用: a button "code:material id" beside a material
    if isinstance(chosen, str) and chosen:
        code = take_earlier(desk, case, chosen, uploads)
        if uploads:
            return draft_page(desk.request, desk.session, case, desk.user, uploads, 422)
        return see_other(f"/cases/{case.number}/edit?done=reused#material-{code}")
    if form.get("intent") == "save":
        if uploads:  # saved, but a refused file is said again, with its name and why
            return draft_page(desk.request, desk.session, case, desk.user, uploads, 422)
        return see_other(f"/cases/{case.number}/edit?done=saved")
    try:
        caseform.refuse_failed_uploads(service.spec_of(desk.session, case), case.form_data, uploads)
        service.check_open(desk.session, case=case)
        service.check_complete(desk.session, case=case, now=desk.now)
    except InvalidInput as error:
        problems = inputs.problems_of(error, desk.locale)
        return draft_page(desk.request, desk.session, case, desk.user, problems, 422)
    except Conflict as error:  # the item was withdrawn: the page says so, the draft is kept
        return draft_page(desk.request, desk.session, case, desk.user, {}, error.status)
    return see_other(f"/cases/{case.number}/review")


def materials_url(case: Case) -> str:
    """Where the form page uploads each material as soon as it is chosen."""
    return f"/cases/{case.number}/materials"


def sign_url(case: Case) -> str:
    """Where the form page signs a commitment letter online (``material_views``)."""
    return f"/cases/{case.number}/signatures"


def autosave_url(case: Case) -> str:
    """Where the form page's script saves what was typed (``draft_views``)."""
    return f"/cases/{case.number}/autosave"


def prefilled(
    request: Request,
    session: Session,
    spec: dict[str, Any],
    applicant: User,
    case: Case | None,
    actor: User,
) -> prefill.Prefill:
    """What shared sources, the account and (``?reuse=1``: the applicant agreed) earlier
    cases (about ``?reuse_from=``, the subject chosen) fill in on the form page; showing it pulls, saving it logs (``core/prefill``)."""
    ask = prefill.FillRequest(
        applicant=applicant,
        actor=actor,
        spec=spec,
        answers=case.form_data if case else {},
        case=case,
        now=get_now(get_runtime(request)),
        reuse=request.query_params.get("reuse") == "1",
        reuse_from=request.query_params.get("reuse_from"),
    )
    return prefill.prefill(session, ask)


def form_context(
    spec: dict[str, Any],
    case: Case | None,
    values: dict[str, Any],
    problems: inputs.Problems,
    ways: Any,
    lang: str,
    filled: prefill.Prefill | None = None,
) -> dict[str, Any]:
    """``caseform.context`` plus the mailing address inputs when post is offered; ``ways``:
    how each material stands (``service.material_ways``), empty before a draft exists;
    ``filled``: what ``prefilled`` found (pulled fields locked, suggestions). A number saved
    in the form that its source holds no record of (an invented 不动产权证书号) is said
    beside its field at once, as submission would refuse it."""
    own = {
        str(typed["field"]): typed["message_en" if lang == "en" else "message_zh"]
        for typed in service.typed_number_problems(ways)
    }
    own |= {name: text for name, text in problems.items() if not name.startswith("postal.")}
    delivery = case.delivery if case else None
    context = caseform.context(spec, values, own, ways, delivery, lang, filled)
    context["reuse_offered"] = filled is not None
    said = filled.reuse_said if filled is not None else None
    context["reuse_said"] = (said[1] if lang == "en" else said[0]) if said else None
    context["earlier_subjects"] = filled.earlier_subjects if filled is not None else []
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
    actor: User,
    problems: inputs.Problems,
    status_code: int = 200,
    typed: dict[str, Any] | None = None,
) -> Response:
    """The form of a saved draft with its answers (``typed``: the answers of a refused
    post, kept as typed), uploads and problems."""
    spec = service.spec_of(session, case)
    now = get_now(get_runtime(request))
    ways = service.material_ways(session, case=case, now=now)
    applicant = session.get(User, case.applicant_id)
    assert applicant is not None
    filled = prefilled(request, session, spec, applicant, case, actor)
    values = case.form_data if typed is None else typed
    context = form_context(spec, case, values, problems, ways, locale(request), filled)
    offer_earlier(session, context, case, applicant, now)
    context.update(
        case=case,
        action=f"/cases/{case.number}/edit",
        upload_url=materials_url(case),
        sign_url=sign_url(case),
        autosave_url=autosave_url(case),
        closed=closed_notice(request, session, case),
        lenient_bar=applicant_bar(session, spec, applicant),
    )
    return render(request, "cases/apply.html", context, status_code=status_code)


def start_draft(desk: Desk, code: str, authorisation_id: int | None) -> Case:
    """A new draft of ``code``: the user's own (in the channel of the request), or with
    ``authorisation_id`` the grantor's, made by the user as agent (channel ``agent``);
    with the situation answers the page's query carries (情形引导, ``?s_<question>=``)."""
    answers = catalog.from_query(desk.request.query_params) or None
    if authorisation_id is not None:
        return service.create_case_as_agent(
            desk.session,
            agent=desk.user,
            authorisation_id=authorisation_id,
            code=code,
            form_data={},
            now=desk.now,
            situations=answers,
        )
    return service.create_case(
        desk.session,
        applicant=desk.user,
        code=code,
        form_data={},
        now=desk.now,
        channel=channel_of(desk.request),
        situations=answers,
    )
