"""JSON API of the lenient modes: a case's standing, the deficiency commitment and the
acceptance with deficiencies, post-approval checks and their findings."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from tongban.accounts.deps import CurrentApplicant, CurrentStaff, CurrentUser
from tongban.accounts.models import User
from tongban.cases import service as cases
from tongban.cases.http.bodies import RowId
from tongban.cases.http.material_api import SignatureCreate
from tongban.cases.models import Case
from tongban.lenient import service as lenient
from tongban.lenient.schemas import (
    AcceptDeficient,
    CheckRead,
    CheckResult,
    DeficiencyLetterRead,
    DeficiencyRead,
    LenientRead,
    WindowSignature,
)
from tongban.web.deps import NowDep, SessionDep, StoreDep
from tongban.web.downloads import file_response
from tongban.web.i18n import locale_of

router = APIRouter(tags=["cases"])


def standing(session: Session, case: Case, user: User, now: datetime, locale: str) -> LenientRead:
    """How the lenient modes stand for ``case``."""
    refused = lenient.refusal(session, case=case)
    decision = lenient.commitment_decision(session, case=case)
    read = LenientRead(
        eligible=refused is None,
        refusal=refused.message(locale) if refused else None,
        commitment=decision.action.rsplit("_", 1)[-1] if decision else None,
        checks=[
            CheckRead.of(c, overdue=lenient.is_overdue(c, now), staff=user.is_staff)
            for c in lenient.checks_for_case(session, case=case)
        ],
    )
    row = lenient.get_deficiency(session, case=case)
    if row is not None:
        read.deficiency = DeficiencyRead.model_validate(row)
        read.deficiency.outstanding = [m["code"] for m in lenient.outstanding(session, row)]
        read.deficiency.due_label = lenient.deadline_label(row.due_at)
        read.deficiency.conditional = lenient.conditional(cases.spec_of(session, case))
    return read


@router.get("/cases/{number}/lenient")
def case_lenient(
    number: str, request: Request, session: SessionDep, user: CurrentUser, now: NowDep
) -> LenientRead:
    """Whether the case may use the lenient modes (and why not), the commitment decision,
    its post-approval checks (the applicant sees when and what, not who checked) and its
    acceptance with deficiencies."""
    case = cases.get_case(session, number=number, user=user)
    locale = locale_of(request, request.app.state.runtime.settings.default_locale)
    return standing(session, case, user, now, locale)


@router.get("/cases/{number}/deficiency/letter")
def deficiency_letter(
    number: str, session: SessionDep, user: CurrentUser, now: NowDep
) -> DeficiencyLetterRead:
    """The deficiency commitment (容缺受理承诺书) listing what is missing now."""
    case = cases.get_case(session, number=number, user=user)
    letter = lenient.deficiency_letter(session, case=case, now=now)
    return DeficiencyLetterRead(
        **{k: letter[k] for k in ("code", "name", "text", "text_en", "sha256", "days")},
        materials=[m["code"] for m in letter["materials"]],
    )


@router.post("/cases/{number}/deficiency/signature", status_code=201)
def sign_deficiency(
    number: str,
    body: SignatureCreate,
    session: SessionDep,
    user: CurrentApplicant,
    store: StoreDep,
    now: NowDep,
) -> DeficiencyLetterRead:
    """Sign the deficiency commitment by typing the applicant's name."""
    case = cases.get_case(session, number=number, user=user)
    lenient.sign_commitment(session, case=case, user=user, name=body.name, store=store, now=now)
    return deficiency_letter(number, session, user, now)


@router.get("/cases/{number}/deficiency/letter.pdf", response_class=Response)
def deficiency_letter_pdf(
    number: str, session: SessionDep, user: CurrentUser, now: NowDep
) -> Response:
    """The deficiency commitment to print and sign by hand at the window (blank signature
    line; the SHA-256 of the text, which the signature binds)."""
    case = cases.get_case(session, number=number, user=user)
    pdf = lenient.printable(session, case=case, now=now)
    return file_response(pdf, name=f"{number}-容缺受理承诺书.pdf", media_type="application/pdf")


@router.post("/cases/{number}/deficiency/window-signature", status_code=201)
def sign_deficiency_at_window(
    number: str,
    body: WindowSignature,
    session: SessionDep,
    user: CurrentStaff,
    store: StoreDep,
    now: NowDep,
) -> DeficiencyLetterRead:
    """Record the walk-in applicant's signature of the deficiency commitment, given before
    the clerk who may accept the case (on the printed letter, or typed on the screen)."""
    case = cases.get_case(session, number=number, user=user)
    lenient.sign_at_window(
        session,
        case=case,
        clerk=user,
        name=body.name,
        method=body.method,
        confirmed=body.confirmed,
        store=store,
        now=now,
    )
    return deficiency_letter(number, session, user, now)


@router.post("/cases/{number}/deficiency/accept")
def accept_deficient(
    number: str,
    body: AcceptDeficient,
    session: SessionDep,
    user: CurrentStaff,
    store: StoreDep,
    now: NowDep,
) -> DeficiencyRead:
    """Accept with deficiencies (容缺受理): the notice is issued, the deadline starts."""
    row = lenient.accept_with_deficiencies(
        session, number=number, user=user, opinion=body.opinion, now=now, store=store
    )
    read = DeficiencyRead.model_validate(row)
    read.outstanding = [m["code"] for m in row.materials]
    read.due_label = lenient.deadline_label(row.due_at)
    return read


@router.get("/post-checks")
def list_post_checks(
    session: SessionDep, user: CurrentStaff, now: NowDep, open_only: bool = True
) -> list[CheckRead]:
    """Your department's post-approval checks, the earliest due first; overdue marked."""
    checks = lenient.list_checks(
        session, department=user.department_code or "", open_only=open_only
    )
    return [CheckRead.of(c, overdue=lenient.is_overdue(c, now)) for c in checks]


@router.post("/post-checks/{check_id}/result")
def record_post_check(
    check_id: RowId, body: CheckResult, session: SessionDep, user: CurrentStaff, now: NowDep
) -> CheckRead:
    """Record a check's finding once; a failed check revokes the item's licences."""
    check = lenient.record_check(
        session, check_id=check_id, user=user, passed=body.passed, finding=body.finding, now=now
    )
    return CheckRead.of(check, overdue=False)
