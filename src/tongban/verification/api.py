"""JSON API for 协查: a department asks another to verify a fact of a case, and the answer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile

from tongban.accounts.deps import CurrentStaff
from tongban.cases.http.bodies import RowId
from tongban.cases.schemas import TimeLeftRead
from tongban.verification import service as verification
from tongban.verification.models import VerificationRequest
from tongban.verification.schemas import VerificationAnswer, VerificationCreate, VerificationRead
from tongban.web.deps import NowDep, SessionDep, StoreDep

router = APIRouter(tags=["cases"])


def _verification_read(
    session: SessionDep, request: VerificationRequest, now: NowDep
) -> VerificationRead:
    read = VerificationRead.model_validate(request)
    if request.answered_at is None and not request.lapsed:
        left = verification.time_left(session, request=request, now=now)
        read.time_left = TimeLeftRead.model_validate(left)
    return read


@router.post("/tasks/{task_id}/verifications", status_code=201)
def ask_verification(
    task_id: RowId, body: VerificationCreate, session: SessionDep, user: CurrentStaff, now: NowDep
) -> VerificationRead:
    """Ask another department to verify a fact of the case (协查); the clock keeps running."""
    request = verification.ask(
        session,
        task_id=task_id,
        user=user,
        to_department=body.to_department,
        question=body.question,
        now=now,
    )
    return _verification_read(session, request, now)


@router.get("/verifications")
def list_verifications(
    session: SessionDep,
    user: CurrentStaff,
    now: NowDep,
    department: Annotated[str | None, Query(max_length=10)] = None,
    open_only: Annotated[bool, Query(alias="open")] = True,
) -> list[VerificationRead]:
    """Requests addressed to a department (default: yours); open ones least time left first."""
    requests = verification.list_addressed(
        session, user=user, department=department, open_only=open_only
    )
    return [_verification_read(session, request, now) for request in requests]


@router.post("/verifications/{request_id}/answer")
def answer_verification(
    request_id: RowId,
    body: VerificationAnswer,
    session: SessionDep,
    user: CurrentStaff,
    now: NowDep,
) -> VerificationRead:
    """Answer a request addressed to your department, once."""
    request = verification.answer(
        session,
        request_id=request_id,
        user=user,
        text=body.answer,
        confirmed=body.confirmed,
        now=now,
    )
    return _verification_read(session, request, now)


@router.post("/verifications/{request_id}/answer-with-document")
async def answer_with_document(
    request_id: RowId,
    session: SessionDep,
    user: CurrentStaff,
    now: NowDep,
    store: StoreDep,
    answer: Annotated[str, Form(min_length=1, max_length=2000)],
    file: Annotated[UploadFile, File()],
    confirmed: Annotated[bool, Form()] = True,
) -> VerificationRead:
    """Answer a request about a material with the issuer's document, which joins the case
    as that material (multipart: ``answer``, ``confirmed``, ``file``)."""
    request = verification.answer(
        session,
        request_id=request_id,
        user=user,
        text=answer,
        confirmed=confirmed,
        document=(file.filename or "", await file.read()),
        store=store,
        now=now,
    )
    return _verification_read(session, request, now)
