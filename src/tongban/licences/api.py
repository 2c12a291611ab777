"""JSON API of the e-licence library: the holder's licences (我的证照), one licence and
its PDF, status changes by the issuing department, and public verification (核验) by
identifier, number or uploaded PDF."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, File, Path, Query, Request, UploadFile
from fastapi.responses import Response

from tongban import timefmt
from tongban.accounts.deps import CurrentUser, source_of
from tongban.errors import NotReady
from tongban.licences import names, service
from tongban.licences.models import Licence
from tongban.licences.schemas import LicenceRead, StatusChange, VerificationRead
from tongban.licences.setup import current
from tongban.web.deps import NowDep, RuntimeDep, SessionDep, StoreDep
from tongban.web.downloads import file_response

router = APIRouter(tags=["licences"])
RowId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Row id")]
MAX_PDF_MB = 20


def read(licence: Licence, now_day: object) -> LicenceRead:
    """The API shape of a licence, its status as in force on ``now_day``."""
    return LicenceRead(
        id=licence.id,
        name=licence.name,
        name_en=names.name_en(licence),
        type_code=licence.type_code,
        number=licence.number,
        identifier=licence.identifier,
        holder_name=licence.holder_name,
        holder_code=licence.holder_code,
        holder_code_type=licence.holder_code_type,
        issuer_name=licence.issuer_name,
        issuer_code=licence.issuer_code,
        issued_on=licence.issued_on,
        valid_from=licence.valid_from,
        valid_until=licence.valid_until,
        division_code=licence.division_code,
        status=service.effective_status(licence, now_day),  # type: ignore[arg-type]
        status_reason=licence.status_reason,
        status_reason_en=licence.status_reason_en,
        case_id=licence.case_id,
        algorithm=licence.algorithm,
        key_id=licence.key_id,
        fields=[(str(a), str(b)) for a, b in licence.fields["rows"]],
        verify_url=current().verify_url(licence.identifier),
        issued_at=licence.issued_at,
        pdf_ready=licence.pdf_ready,
        condition=licence.condition,
        condition_met_at=licence.condition_met_at,
    )


def pdf_pending() -> NotReady:
    """The answer to a download of a licence PDF not printed yet."""
    return NotReady(
        "电子证照已签发，PDF 文件正在生成，请稍后几秒再下载。",
        "The e-licence is issued; its PDF is being prepared. Download it again in a few seconds.",
    )


def pdf_name(licence: Licence) -> str:
    """What a licence PDF is saved as: its name and number."""
    return f"{licence.name}-{licence.number}.pdf"


@router.get("/licences")
def my_licences(session: SessionDep, user: CurrentUser, now: NowDep) -> list[LicenceRead]:
    """我的证照: the licences the signed-in person or enterprise holds."""
    today = timefmt.local(now).date()
    return [read(licence, today) for licence in service.list_for_holder(session, user=user)]


@router.get("/licences/verify")
def verify_by_identifier(
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    now: NowDep,
    q: Annotated[str, Query(min_length=1, max_length=200, description="Identifier or number")],
    locale: str = "zh_Hans",
) -> VerificationRead:
    """Public: verify a licence by its GB/T 36904 identifier or its number; 429 after
    ``licence_lookups_per_source_per_minute`` lookups finding nothing."""
    return _verification(lookup(request, session, runtime, now, q), locale)


def lookup(
    request: Request, session: SessionDep, runtime: RuntimeDep, now: datetime, text: str
) -> service.Verification:
    """The public lookup of ``text`` for this request's caller (``service.public_lookup``)."""
    return service.public_lookup(
        session,
        sessions=runtime.sessions,
        keyring=current().keyring,
        text=text,
        today=timefmt.local(now).date(),
        now=now,
        source=source_of(request),
        per_minute=runtime.settings.licence_lookups_per_source_per_minute,
    )


@router.post("/licences/verify")
async def verify_upload(
    session: SessionDep, now: NowDep, file: Annotated[UploadFile, File()], locale: str = "zh_Hans"
) -> VerificationRead:
    """Public: verify an e-licence PDF (valid / suspended / revoked / penalty_revoked /
    cancelled / expired / tampered)."""
    data = await file.read(MAX_PDF_MB * 1024 * 1024)
    found = service.verify_file(
        session,
        keyring=current().keyring,
        pdf_keyring=current().pdf_keyring,
        data=data,
        today=timefmt.local(now).date(),
    )
    return _verification(found, locale)


def _verification(found: service.Verification, locale: str) -> VerificationRead:
    found = found.for_public()
    message = found.reason_en if locale == "en" else found.reason_zh
    return VerificationRead(
        verdict=found.verdict,
        message=message,
        status_checked=found.status_checked,
        record=found.record,
        face=found.face,
        pdf_ready=found.licence.pdf_ready if found.licence else None,
    )


@router.get("/licences/{licence_id}")
def get_licence(
    licence_id: RowId, session: SessionDep, user: CurrentUser, now: NowDep
) -> LicenceRead:
    """One licence: its holder, or staff through a case they handle."""
    licence = service.get_licence(session, licence_id=licence_id, user=user)
    return read(licence, timefmt.local(now).date())


@router.get("/licences/{licence_id}/document", response_class=Response)
def licence_document(
    licence_id: RowId, session: SessionDep, user: CurrentUser, store: StoreDep
) -> Response:
    """The signed PDF, named ``<licence name>-<number>.pdf``; 409 ``not_ready`` with
    ``Retry-After`` while the worker still prints it (the licence is already valid)."""
    licence = service.get_licence(session, licence_id=licence_id, user=user)
    if not licence.pdf_ready:
        raise pdf_pending()
    return file_response(
        store.get(licence.storage_key), name=pdf_name(licence), media_type="application/pdf"
    )


@router.post("/licences/{licence_id}/status")
def change_status(
    licence_id: RowId, body: StatusChange, session: SessionDep, user: CurrentUser, now: NowDep
) -> LicenceRead:
    """Suspend, resume, revoke (撤销), revoke as a penalty (吊销) or cancel (the issuing
    department's approvers; audited; 403 for anyone else)."""
    licence = service.change_status(
        session, licence_id=licence_id, action=body.action, reason=body.reason, user=user, now=now
    )
    return read(licence, timefmt.local(now).date())
