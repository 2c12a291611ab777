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

from tongban.accounts.models import User
from tongban.cases.http.casepage import locale
from tongban.cases.http.panels import task_panel
from tongban.cases.models import Case
from tongban.errors import DomainError, InvalidInput
from tongban.notices import objections, service
from tongban.notices.api import CallerDep
from tongban.notices.enums import NoticeState
from tongban.notices.models import PublicNotice
from tongban.web.deps import CheckedForm, NowDep, SessionDep, see_other
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
    """An objection to a running notice; refused, the list shows again with the reason."""
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
    return see_other(f"/public/objections?number={filed.id}&filed=1")


@router.get("/public/objections")
def objection_page(request: Request, session: SessionDep, number: str = "") -> Response:
    """Where an objection stands, by the number its filer was given; no sign-in."""
    context: dict[str, Any] = {"number": number, "filed": request.query_params.get("filed")}
    if not number:
        return render(request, "notices/objection.html", context)
    try:
        found = objections.get_objection(session, objection_id=_row(number))
    except DomainError as error:
        context["error"] = error.message(locale(request))
        return render(request, "notices/objection.html", context, status_code=error.status)
    notice = session.get_one(PublicNotice, found.notice_id)
    context.update(objection=found, shown=notice.shown)
    return render(request, "notices/objection.html", context)


def _row(number: str) -> int:
    """The objection number typed (digits, any width); InvalidInput for anything else."""
    digits = unicodedata.normalize("NFKC", number).strip()
    if not digits.isdigit() or len(digits) > 9:
        raise InvalidInput(
            "异议编号应为数字，请核对。", "An objection number is digits; check it.", field="number"
        )
    return int(digits)


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
