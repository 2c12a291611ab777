"""Pages of the public notice (公示): the public list with an objection form under each
notice (no sign-in), and on the staff task page the case's notices, their objections and
the reviewers' examination form.

A refused objection shows the list again with the reason and the text as typed.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from tongban.accounts.deps import source_of
from tongban.accounts.models import User
from tongban.cases.http.casepage import locale
from tongban.cases.http.panels import task_panel
from tongban.cases.models import Case
from tongban.errors import DomainError, TooManyAttempts
from tongban.notices import objections, service
from tongban.notices.api import CallerDep
from tongban.notices.enums import NoticeState
from tongban.notices.models import Objection, PublicNotice
from tongban.web.deps import CheckedForm, NowDep, RuntimeDep, SessionDep
from tongban.web.refusals import Refusal, page_again, shown, status_of
from tongban.web.templating import render
from tongban.workbench.actions import ACTIONS, TASK, Act

router = APIRouter()


def _list_page(
    request: Request,
    session: Session,
    now: datetime,
    refusal: Refusal | None = None,
    refused_notice: int | None = None,
) -> Response:
    context = {
        "notices": service.running(session, now=now),
        "refused_notice": refused_notice,
        **shown(refusal),
    }
    return render(request, "notices/list.html", context, status_code=status_of(refusal))


@router.get("/public/notices")
def notices_page(request: Request, session: SessionDep, now: NowDep) -> Response:
    """公示: the notices running now; anyone may object to one with a reason."""
    return _list_page(request, session, now)


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


@router.post("/public/notices/{notice_id}/objections")
def object_to(
    notice_id: int,
    request: Request,
    session: SessionDep,
    caller: CallerDep,
    now: NowDep,
    form: CheckedForm,
) -> Response:
    """An objection to a running notice: the receipt with its number and lookup code,
    rendered here rather than after a redirect (the code is shown this once and never put
    in an address); refused, the list shows again with the reason."""
    try:
        filed = objections.file_objection(
            session,
            notice_id=notice_id,
            reason=_text(form, "reason"),
            contact=_text(form, "contact"),
            now=now,
            caller=caller,
        )
    except DomainError as error:

        def page(refusal: Refusal) -> Response:
            return _list_page(request, session, now, refusal, notice_id)

        return page_again(request, session, error, form, page)
    context = {"code": filed.code, **_shown(session, filed.objection)}
    receipt = render(request, "notices/objection.html", context, status_code=201)
    receipt.headers["Cache-Control"] = "no-store"
    return receipt


def _shown(session: Session, found: Objection) -> dict[str, Any]:
    notice = session.get_one(PublicNotice, found.notice_id)
    return {"objection": found, "shown": notice.shown}


@router.get("/public/objections")
def objection_form(request: Request, number: str = "") -> Response:
    """The lookup form (异议查询): the number and the code on the receipt; no sign-in."""
    context = {"number": unicodedata.normalize("NFKC", number).strip()[:12]}
    return render(request, "notices/objection.html", context)


@router.post("/public/objections")
def objection_page(
    request: Request, session: SessionDep, runtime: RuntimeDep, now: NowDep, form: CheckedForm
) -> Response:
    """Where an objection stands, for whoever holds its number and code; or the form again
    with what to fix (429 while the address is locked out)."""
    number, code = _text(form, "number"), _text(form, "code")
    context: dict[str, Any] = {"number": number.strip()[:12]}
    try:
        row, code = objections.check_lookup(number, code)
        objections.refuse_when_locked(
            session, source=source_of(request), now=now, settings=runtime.settings
        )
        found = objections.look_up(
            session, number=row, code=code, source=source_of(request), now=now
        )
    except DomainError as error:
        found = error
    if isinstance(found, DomainError):  # answered, not raised: the failure's audit is kept
        context["error"] = found.message(locale(request))
        page = render(request, "notices/objection.html", context, status_code=found.status)
        if isinstance(found, TooManyAttempts):
            page.headers["Retry-After"] = str(found.retry_after)
        return page
    return render(request, "notices/objection.html", {**context, **_shown(session, found)})


@task_panel
def case_notices(
    request: Request, session: Session, case: Case, user: User, now: datetime
) -> dict[str, Any]:
    """The task page: the case's notices and objections; reviewers examine them here."""
    found = service.of_case(session, case_id=case.id)
    return {
        "public_notices": [
            {
                "notice": notice,
                "running": notice.state == NoticeState.running,
                "objections": service.objections(session, notice=notice),
                "may_examine": objections.may_examine(user, notice),
            }
            for notice in found
        ]
    }


def _examine(a: Act) -> object:
    objection = a.text("objection")
    return objections.examine(
        a.session,
        objection_id=int(objection) if objection.isdigit() else 0,
        user=a.user,
        founded=a.text("founded") == "yes",
        finding=a.text("finding"),
        now=a.now,
    )


ACTIONS["examine_objection"] = (_examine, TASK)
