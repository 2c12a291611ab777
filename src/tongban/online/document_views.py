"""文书核验: the public page a decision's or notice's QR code opens (``/documents/verify``),
no sign-in. It says whether the platform issued the document with that number and
verification code, by whom and when, and, given the file, whether it is the very file
issued. Nothing personal is shown (no applicant, no reasons)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from tongban.cases import service as cases
from tongban.documents.official import VERIFY_PATH, address_in
from tongban.web.deps import CheckedForm, SessionDep, StoreDep
from tongban.web.templating import render

router = APIRouter()
MAX_DOCUMENT_MB = 10  # a decision or notice is a few hundred kilobytes


def _page(
    request: Request,
    number: str,
    code: str,
    check: cases.DocumentCheck | None,
    error: str | None = None,
) -> Response:
    """The page; ``error`` names what to fix (``no_file``, ``no_address``; the template
    says it in the user's language) and makes the answer a 400."""
    context = {"number": number, "code": code, "check": check, "error": error}
    status = 404 if check is not None and check.document is None else 200
    return render(request, "cases/document_verify.html", context, 400 if error else status)


@router.get(VERIFY_PATH)
def verify_page(
    request: Request, session: SessionDep, store: StoreDep, n: str = "", c: str = ""
) -> Response:
    """Public: the document of the number and code in its QR code; without them, a form
    to upload a document's file."""
    check = None
    if n.strip() and c.strip():
        check = cases.verify_document(session, number=n, code=c, store=store)
    return _page(request, n[:40], c[:32], check)


@router.post(VERIFY_PATH)
async def verify_upload(
    request: Request,
    session: SessionDep,
    store: StoreDep,
    form: CheckedForm,
    file: Annotated[UploadFile | None, File()] = None,
    n: Annotated[str, Form(max_length=40)] = "",
    c: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    """Public: compare an uploaded file with the document issued under that number (the
    number and code from the page's QR address, else from the file's own QR link)."""
    data = await file.read(MAX_DOCUMENT_MB * 1024 * 1024) if file is not None else b""
    if not data:
        return _page(request, n, c, None, "no_file")
    if not (n.strip() and c.strip()):
        named = address_in(data)
        if named is None:
            return _page(request, "", "", None, "no_address")
        n, c = named
    check = cases.verify_document(session, number=n, code=c, store=store, data=data)
    return _page(request, n, c, check)
