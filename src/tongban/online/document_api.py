"""JSON API of 文书核验: the public verification of a decision or notice the platform
issued, by the number and code of its QR code, and of its file by the embedded PDF
signature (the page is ``document_views``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile

from tongban.cases import service as cases
from tongban.cases.schemas import DocumentVerificationRead
from tongban.documents.official import VERIFY_PATH, address_in
from tongban.errors import InvalidInput, NotFound
from tongban.online.document_views import MAX_DOCUMENT_MB
from tongban.web.deps import SessionDep, StoreDep

router = APIRouter(tags=["documents"])
Number = Annotated[str, Query(max_length=40, description="Document number (文号)")]
Code = Annotated[str, Query(max_length=32, description="Verification code of its QR code")]


def _read(check: cases.DocumentCheck, locale: str) -> DocumentVerificationRead:
    """The API shape of a check; 404 when no document has that number and code."""
    document = check.document
    if document is None:
        raise NotFound(
            "没有文号和核验码与此相符的文书：请核对文书二维码中的文号和核验码。",
            "No document has this number and verification code: check them in its QR code.",
        )
    reason = check.reason
    return DocumentVerificationRead(
        title=document.title,
        number=str(document.number),
        issuer=check.issuer,
        issued_at=document.issued_at,
        ready=document.ready,
        purged=check.purged,
        verdict=check.verdict.value if check.verdict else None,
        problem=check.problem.value if check.problem else None,
        message=(reason[1] if locale == "en" else reason[0]) if reason else None,
    )


@router.get(VERIFY_PATH)
def verify_document(
    session: SessionDep, store: StoreDep, n: Number, c: Code, locale: str = "zh_Hans"
) -> DocumentVerificationRead:
    """Public: the document of the number and code in its QR code (404: none)."""
    return _read(cases.verify_document(session, number=n, code=c, store=store), locale)


@router.post(VERIFY_PATH)
async def verify_document_file(
    session: SessionDep,
    store: StoreDep,
    file: Annotated[UploadFile, File()],
    n: Annotated[str, Form(max_length=40)] = "",
    c: Annotated[str, Form(max_length=32)] = "",
    locale: str = "zh_Hans",
) -> DocumentVerificationRead:
    """Public: verify a decision's or notice's PDF by its embedded signature (valid /
    tampered / unchecked), as the document ``n``/``c`` or, without them, the one its own
    QR link names; 422 when neither names one."""
    data = await file.read(MAX_DOCUMENT_MB * 1024 * 1024)
    if not (n.strip() and c.strip()):
        named = address_in(data)
        if named is None:
            raise InvalidInput(
                "文件中找不到本平台文书的核验信息：请上传平台出具的原始 PDF 文件，"
                "或填写文号（n）和核验码（c）。",
                "The file carries no verification address of a document issued here: upload "
                "the original PDF, or give its number (n) and verification code (c).",
                field="file",
            )
        n, c = named
    check = cases.verify_document(session, number=n, code=c, store=store, data=data)
    return _read(check, locale)
