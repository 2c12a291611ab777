"""JSON API of the messages on a case (在线沟通): read the threads, write in one (with
files or without), download each file of a message."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import Response

from tongban.accounts.deps import CurrentUser
from tongban.cases import service as cases
from tongban.cases.http.bodies import RowId
from tongban.files.service import SIGNATURES
from tongban.messaging import service as messaging
from tongban.messaging.schemas import MessageCreate, MessageRead
from tongban.messaging.views import attachment_file
from tongban.web import limits
from tongban.web.deps import NowDep, RuntimeDep, SessionDep, StoreDep

router = APIRouter(tags=["cases"])
ATTACHMENT_MEDIA: dict[str, object] = {
    SIGNATURES[kind][1]: {} for kind in messaging.ATTACHMENT_TYPES
}


@router.get("/cases/{number}/messages")
def list_messages(
    number: str,
    session: SessionDep,
    user: CurrentUser,
    department: Annotated[str | None, Query(max_length=10)] = None,
) -> list[MessageRead]:
    """The messages of the threads you may read on the case (or of one department's
    thread), oldest first."""
    case = cases.get_case(session, number=number, user=user)
    found = messaging.threads(session, case=case, user=user, department=department)
    return [MessageRead.model_validate(message) for rows in found.values() for message in rows]


@router.post("/cases/{number}/messages", status_code=201)
def write_message(
    number: str,
    body: MessageCreate,
    session: SessionDep,
    user: CurrentUser,
    now: NowDep,
    store: StoreDep,
) -> MessageRead:
    """Write in the thread with a department handling the case (with files:
    ``POST /cases/{number}/messages/with-attachment``)."""
    case = cases.get_case(session, number=number, user=user)
    message = messaging.post(
        session,
        case=case,
        user=user,
        department=body.department,
        body=body.body,
        now=now,
        store=store,
    )
    return MessageRead.model_validate(message)


@router.post("/cases/{number}/messages/with-attachment", status_code=201)
async def write_message_with_attachment(
    number: str,
    session: SessionDep,
    user: CurrentUser,
    now: NowDep,
    store: StoreDep,
    runtime: RuntimeDep,
    department: Annotated[
        str, Form(min_length=1, max_length=10, description="Code of the department of the thread")
    ],
    body: Annotated[
        str, Form(min_length=1, max_length=messaging.BODY_MAX, description="The message text")
    ],
    attachment: Annotated[
        list[UploadFile],
        File(
            description=f"The files (the field once per file, at most "
            f"{messaging.ATTACHMENTS_MAX}): PDF, PNG, JPG or OFD, checked by their bytes (a "
            "whole file of that type), each at most TONGBAN_MAX_UPLOAD_MB megabytes"
        ),
    ],
) -> MessageRead:
    """Write in the thread with a department handling the case, with files (multipart:
    ``department``, ``body``, ``attachment`` once per file). 422 saying what to fix for
    each file of another type, not whole, empty or too large, or too many files (nothing
    is sent); 404 outside the thread's parties (the applicant or their agent, the
    department's staff)."""
    case = cases.get_case(session, number=number, user=user)
    limit = runtime.settings.max_upload_mb * 1024 * 1024
    uploads = [
        messaging.Attachment(
            file.filename or "", await limits.read_upload(file, max_bytes=limit), limit
        )
        for file in attachment
    ]
    message = messaging.post(
        session,
        case=case,
        user=user,
        department=department,
        body=body,
        now=now,
        store=store,
        attachments=uploads,
    )
    return MessageRead.model_validate(message)


@router.get(
    "/cases/{number}/messages/{message_id}/attachments/{attachment_id}",
    response_class=Response,
    responses={200: {"description": "The attached file", "content": ATTACHMENT_MEDIA}},
)
def message_attachment(
    number: str,
    message_id: RowId,
    attachment_id: RowId,
    session: SessionDep,
    user: CurrentUser,
    store: StoreDep,
) -> Response:
    """One file of a message, named as it was sent, to the parties of its thread and the
    supervisors of the case; 404 for anyone else."""
    case = cases.get_case(session, number=number, user=user)
    found = messaging.get_attachment(
        session, case=case, user=user, message_id=message_id, attachment_id=attachment_id
    )
    return attachment_file(found, store)
