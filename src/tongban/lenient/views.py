"""Pages of the lenient modes: the panel on both case pages (commitment decision,
deficiency commitment to sign, deficiency deadline, post-approval checks), the clerk's
容缺受理 action on the acceptance task, and the department's post-check list on the
workbench with the form recording a finding."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from tongban.accounts.deps import CurrentApplicant, CurrentStaff
from tongban.accounts.models import User
from tongban.cases import service as cases
from tongban.cases.enums import CaseState, Stage, TaskState
from tongban.cases.http.casepage import case_context
from tongban.cases.http.panels import case_panel, queue_panel
from tongban.cases.materials import provision
from tongban.cases.models import Case
from tongban.errors import DomainError
from tongban.lenient import service as lenient
from tongban.lenient.api import standing
from tongban.lenient.models import PostCheck
from tongban.online.views import render_case_page
from tongban.web.deps import CheckedForm, NowDep, SessionDep, StoreDep, see_other
from tongban.web.i18n import locale_of
from tongban.web.refusals import (
    Refusal,
    for_panel,
    keep_for_panel,
    page_again,
    shown,
    status_of,
)
from tongban.web.templating import render
from tongban.workbench import views as workbench_views
from tongban.workbench.actions import ACTIONS, TASK, Act

router = APIRouter()


@case_panel
def case_lenient(
    request: Request, session: Session, case: Case, user: User, now: datetime
) -> dict[str, Any]:
    """The lenient modes of a case, and the deficiency commitment while it may be signed."""
    letter, signed = None, None
    if case.state == CaseState.submitted and provision.deficient(session, case=case, now=now):
        letter = lenient.deficiency_letter(session, case=case, now=now)
        signed = lenient.signed(session, case=case)
        if signed is not None and signed.reference != f"sha256:{letter['sha256']}":
            signed = None  # signed for another list of missing materials
    concerned = (
        letter is not None
        or lenient.commitment_decision(session, case=case) is not None
        or lenient.get_deficiency(session, case=case) is not None
    )
    locale = locale_of(request, request.app.state.runtime.settings.default_locale)
    read = standing(session, case, user, now, locale) if concerned else None
    return {
        "lenient": read,
        "deficiency_letter": letter,
        "deficiency_signed": signed,
        "deficiency_witness": letter is not None
        and user.is_staff
        and lenient.may_witness(session, user, case, now),
        "deficiency_refusal": for_panel(request, "deficiency"),
    }


@router.post("/cases/{number}/deficiency/sign")
def sign_deficiency(
    number: str,
    request: Request,
    form: CheckedForm,
    session: SessionDep,
    user: CurrentApplicant,
    store: StoreDep,
    now: NowDep,
) -> Response:
    """The applicant signs the deficiency commitment; back to the case page (a refusal
    shows the page again with the reason)."""
    case = cases.get_case(session, number=number, user=user)
    name = form.get("name")
    try:
        lenient.sign_commitment(
            session,
            case=case,
            user=user,
            name=name if isinstance(name, str) else "",
            store=store,
            now=now,
        )
    except DomainError as error:

        def page(refusal: Refusal) -> Response:
            keep_for_panel(request, "deficiency", refusal)
            again = cases.get_case(session, number=number, user=user)
            return render_case_page(
                request, session, again, user, now, status_code=refusal.status_code
            )

        return page_again(request, session, error, form, page)
    return see_other(f"/cases/{number}?done=signed_deficiency")


@router.post("/staff/cases/{number}/deficiency/sign")
def sign_deficiency_at_window(
    number: str,
    request: Request,
    form: CheckedForm,
    session: SessionDep,
    user: CurrentStaff,
    store: StoreDep,
    now: NowDep,
) -> Response:
    """The clerk records the walk-in applicant's signature of the deficiency commitment;
    back to the acceptance task (a refusal shows it again with the reason)."""
    case = cases.get_case(session, number=number, user=user)
    task = next(
        (t for t in case.tasks if t.stage == Stage.accept and t.state == TaskState.open), None
    )
    name, method = form.get("name"), form.get("method")
    try:
        lenient.sign_at_window(
            session,
            case=case,
            clerk=user,
            name=name if isinstance(name, str) else "",
            method=method if isinstance(method, str) else "",
            confirmed=form.get("confirmed") == "yes",
            store=store,
            now=now,
        )
    except DomainError as error:
        if task is None:
            raise

        def page(refusal: Refusal) -> Response:
            keep_for_panel(request, "deficiency", refusal)
            again = workbench_views.task_page(task.id, request, session, user, now)
            again.status_code = refusal.status_code
            return again

        return page_again(request, session, error, form, page)
    return see_other(
        f"/staff/tasks/{task.id}?done=signed_deficiency" if task else f"/cases/{number}"
    )


def _accept_deficient(a: Act) -> object:
    return lenient.accept_with_deficiencies(
        a.session,
        number=a.task.case.number,
        user=a.user,
        opinion=a.opinion or None,
        now=a.now,
        store=a.store,
    )


ACTIONS["accept_deficient"] = (_accept_deficient, TASK)


@queue_panel
def queue_lenient(session: Session, user: User, now: datetime) -> dict[str, Any]:
    """The workbench lists the department's open post-approval checks (overdue first
    by due date) and the deficiencies its cases await."""
    if user.department_code is None:
        return {}
    checks = lenient.list_checks(session, department=user.department_code)
    rows = [{"check": c, "overdue": lenient.is_overdue(c, now)} for c in checks]
    waiting = lenient.open_deficiencies(session, department=user.department_code)
    return {"post_checks": rows, "deficiencies": waiting}


def _check_page(
    request: Request,
    session: Session,
    check: PostCheck,
    user: User,
    now: datetime,
    refusal: Refusal | None = None,
) -> Response:
    context = case_context(request, session, check.case, user, now)
    context.update(
        check=check,
        overdue=lenient.is_overdue(check, now),
        may_record=user.department_code == check.department_code,
        **shown(refusal),
    )
    return render(request, "lenient/post_check.html", context, status_code=status_of(refusal))


@router.get("/staff/post-checks/{check_id}")
def post_check_page(
    check_id: int, request: Request, session: SessionDep, user: CurrentStaff, now: NowDep
) -> Response:
    """One post-approval check: what to verify, by when, the case, and the finding form."""
    check = lenient.get_check(session, check_id=check_id, user=user)
    return _check_page(request, session, check, user, now)


@router.post("/staff/post-checks/{check_id}")
def record_post_check(
    check_id: int,
    request: Request,
    form: CheckedForm,
    session: SessionDep,
    user: CurrentStaff,
    now: NowDep,
) -> Response:
    """Record a check's finding; back to the workbench (a refusal shows the page again)."""
    finding = form.get("finding")
    try:
        lenient.record_check(
            session,
            check_id=check_id,
            user=user,
            passed=form.get("outcome") == "passed",
            finding=finding if isinstance(finding, str) else "",
            now=now,
        )
    except DomainError as error:

        def page(refusal: Refusal) -> Response:
            check = lenient.get_check(session, check_id=check_id, user=user)
            return _check_page(request, session, check, user, now, refusal)

        return page_again(request, session, error, form, page)
    return see_other("/staff?done=post_check")
