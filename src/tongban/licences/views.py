"""Pages of the e-licence library: the public verification page (核验), the holder's
wallet (我的证照) with a QR code to show (亮证) and the download, one licence's page
(also for staff who handle its case, with the status form of the issuing department),
and the licences panel on the case pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban import timefmt
from tongban.accounts.deps import CurrentUser
from tongban.accounts.models import User
from tongban.cases.http.panels import case_panel
from tongban.cases.models import Case
from tongban.catalog import service as catalog
from tongban.errors import DomainError, NotFound, TooManyAttempts
from tongban.licences import (
    face,
    service,  # provider: registers the held-licence way
)
from tongban.licences.api import MAX_PDF_MB, lookup
from tongban.licences.enums import HOLDER_CODE_NAMES_ZH, STATUS_NAMES_ZH, VERDICT_NAMES_ZH
from tongban.licences.models import Licence
from tongban.licences.setup import current
from tongban.licences.types import licence_type
from tongban.web.deps import CheckedForm, NowDep, RuntimeDep, SessionDep, see_other
from tongban.web.i18n import locale_of
from tongban.web.qr import qr_svg
from tongban.web.templating import render

router = APIRouter()


def _today(now: datetime) -> date:
    return timefmt.local(now).date()


def _names() -> dict[str, Any]:
    return {"status_names": STATUS_NAMES_ZH, "holder_code_names": HOLDER_CODE_NAMES_ZH}


def _verify_page(request: Request, context: dict[str, Any], status_code: int = 200) -> Response:
    return render(
        request, "licences/verify.html", {"verdict_names": VERDICT_NAMES_ZH, **context}, status_code
    )


@router.get("/licences/verify")
def verify_page(
    request: Request, session: SessionDep, runtime: RuntimeDep, now: NowDep, q: str = ""
) -> Response:
    """Public: verify by identifier or number (what a licence's QR code opens); too many
    lookups finding nothing: the form again with when to retry (429)."""
    if not q.strip():
        return _verify_page(request, {"q": q, "found": None})
    try:
        found = lookup(request, session, runtime, now, q[:200])
    except TooManyAttempts as error:
        page = _verify_page(request, {"q": q, "found": None, "error": error}, error.status)
        page.headers["Retry-After"] = str(error.retry_after)
        return page
    return _verify_page(request, {"q": q, "found": found.for_public()})


@router.post("/licences/verify")
async def verify_upload_page(
    request: Request,
    session: SessionDep,
    now: NowDep,
    form: CheckedForm,
    file: Annotated[UploadFile, File()],
) -> Response:
    """Public: verify an uploaded licence PDF."""
    data = await file.read(MAX_PDF_MB * 1024 * 1024)
    found = service.verify_file(
        session,
        keyring=current().keyring,
        pdf_keyring=current().pdf_keyring,
        data=data,
        today=_today(now),
    ).for_public()
    return _verify_page(request, {"q": "", "found": found, "uploaded": file.filename})


@router.get("/my/licences")
def wallet(request: Request, session: SessionDep, user: CurrentUser, now: NowDep) -> Response:
    """我的证照: the licences the signed-in person or enterprise holds, and apart from them
    the result documents issued to them (回执, 通知书: signed, but no licence)."""
    licences = service.list_for_holder(session, user=user)
    documents = service.documents_among(session, licences)
    rows = [(licence, service.effective_status(licence, _today(now))) for licence in licences]
    context = {
        "rows": [row for row in rows if row[0].id not in documents],
        "documents": [row for row in rows if row[0].id in documents],
        **_names(),
    }
    return render(request, "licences/wallet.html", context)


def _labels_en(session: Session, licence: Licence) -> dict[str, str]:
    """The English of the form titles a licence of no layout of its own prints (its item's
    form ``title_en``, by the Chinese title as printed: before any "("); the fixed labels
    of the 营业执照 and 食品经营许可证 faces are the pages' translations (their 法定代表人 is
    no form title: the form's 法定代表人(负责人)公民身份号码 must not name it)."""
    if licence.item_code is None or licence_type(licence.name).layout != "general":
        return {}
    try:
        entry = catalog.get_entry(session, code=licence.item_code)
    except NotFound:
        return {}
    version = entry.current_version
    properties = version.definition["form"]["properties"] if version is not None else {}
    return {
        face.printed_title(spec): str(spec["title_en"])
        for name, spec in properties.items()
        if spec.get("title_en") and face.prints(name)
    }


def _licence_page(
    request: Request,
    session: Session,
    licence: Licence,
    user: User,
    now: datetime,
    error: str | None = None,
) -> Response:
    context = {
        "licence": licence,
        "labels_en": _labels_en(session, licence),
        "status": service.effective_status(licence, _today(now)),
        "qr": qr_svg(current().verify_url(licence.identifier)),
        "verify_url": current().verify_url(licence.identifier),
        "may_change": service.may_change(user, licence),
        "actions": service.ACTIONS_ZH,
        "error": error,
        **_names(),
    }
    return render(request, "licences/licence.html", context, status_code=409 if error else 200)


@router.get("/licences/{licence_id}")
def licence_page(
    licence_id: int, request: Request, session: SessionDep, user: CurrentUser, now: NowDep
) -> Response:
    """One licence: its face, the QR code to show (亮证), the download."""
    licence = service.get_licence(session, licence_id=licence_id, user=user)
    return _licence_page(request, session, licence, user, now)


@router.post("/licences/{licence_id}/status")
def change_status(
    licence_id: int,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    now: NowDep,
    form: CheckedForm,
    action: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    """Suspend, resume, revoke (撤销), revoke as a penalty (吊销) or cancel (the issuing
    department's approvers)."""
    try:
        service.change_status(
            session, licence_id=licence_id, action=action, reason=reason, user=user, now=now
        )
    except DomainError as error:
        if error.status == 404:
            raise
        licence = service.get_licence(session, licence_id=licence_id, user=user)
        locale = locale_of(request, request.app.state.runtime.settings.default_locale)
        return _licence_page(request, session, licence, user, now, error=error.message(locale))
    return see_other(f"/licences/{licence_id}")


@case_panel
def case_licences(
    request: Request, session: Session, case: Case, user: User, now: datetime
) -> dict[str, Any]:
    """The case pages list the e-licences issued on the case."""
    query = select(Licence).where(Licence.case_id == case.id).order_by(Licence.id)
    return {"case_licences": session.scalars(query).all()}
