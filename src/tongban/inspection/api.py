"""JSON API of the on-site inspection (现场踏勘): the inspector's inspections, one of them,
its steps (propose the visit, record the findings, co-sign or return the record) and its
photos (a drawn inspector adds them from a phone; whoever may read the inspection lists and
opens them); the applicant answers the proposed time."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session

from tongban.accounts.deps import CurrentUser, require_roles
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.cases import service as cases
from tongban.cases.models import Case
from tongban.errors import NotFound
from tongban.inspection import service as inspection
from tongban.inspection import views
from tongban.inspection.models import Inspection
from tongban.inspection.schemas import (
    CheckRead,
    FindingRead,
    InspectionRead,
    PhotoRead,
    RecordCreate,
    RecordReturn,
    VisitAnswer,
    VisitCreate,
)
from tongban.web.deps import NowDep, SessionDep, StoreDep

router = APIRouter(tags=["inspections"])
Inspector = Annotated[User, Depends(require_roles(Role.inspector))]


def _read(session: Session, row: Inspection) -> InspectionRead:
    found = inspection.findings(session, inspection=row)
    return InspectionRead.model_validate(
        {
            **{c: getattr(row, c) for c in InspectionRead.model_fields if hasattr(row, c)},
            "case_number": session.get_one(Case, row.case_id).number,
            "checklist": [CheckRead(code=c["code"], text=c["text"]) for c in row.checklist],
            "findings": [
                FindingRead.model_validate(f) for rows in found.values() for f in rows.values()
            ],
            "photos": [
                PhotoRead.model_validate(p) for p in inspection.photos(session, inspection=row)
            ],
        }
    )


@router.get("/inspections")
def list_inspections(session: SessionDep, user: Inspector) -> list[InspectionRead]:
    """The inspections you were drawn for (双随机), open ones first."""
    return [_read(session, row) for row in inspection.assigned_to(session, user=user)]


@router.get("/inspections/{inspection_id}")
def read_inspection(inspection_id: int, session: SessionDep, user: CurrentUser) -> InspectionRead:
    """One inspection: its drawn inspectors and whoever may see its case."""
    return _read(
        session, inspection.get_inspection(session, inspection_id=inspection_id, user=user)
    )


@router.post("/inspections/{inspection_id}/visit")
def propose_visit(
    inspection_id: int, body: VisitCreate, session: SessionDep, user: Inspector, now: NowDep
) -> InspectionRead:
    """A drawn inspector proposes the time of the visit; the applicant is told."""
    row = inspection.propose_visit(
        session,
        inspection_id=inspection_id,
        user=user,
        visit_at=body.visit_at,
        note=body.note,
        now=now,
    )
    return _read(session, row)


@router.post("/inspections/{inspection_id}/record")
def record_visit(
    inspection_id: int, body: RecordCreate, session: SessionDep, user: Inspector, now: NowDep
) -> InspectionRead:
    """A drawn inspector records the agreed visit's findings and result; it counts once
    the other co-signs it."""
    verdicts = {code: inspection.Verdict(v.passed, v.note) for code, v in body.verdicts.items()}
    row = inspection.conclude(
        session,
        inspection_id=inspection_id,
        user=user,
        verdicts=verdicts,
        result=body.result,
        rectification=body.rectification,
        now=now,
    )
    return _read(session, row)


@router.post("/inspections/{inspection_id}/cosign")
def cosign_record(
    inspection_id: int, session: SessionDep, user: Inspector, now: NowDep
) -> InspectionRead:
    """The other drawn inspector co-signs the record (会签); its result takes effect."""
    return _read(
        session, inspection.cosign(session, inspection_id=inspection_id, user=user, now=now)
    )


@router.post("/inspections/{inspection_id}/return")
def return_record(
    inspection_id: int, body: RecordReturn, session: SessionDep, user: Inspector, now: NowDep
) -> InspectionRead:
    """The other drawn inspector returns the record with a reason; it is recorded again."""
    row = inspection.return_record(
        session, inspection_id=inspection_id, user=user, reason=body.reason, now=now
    )
    return _read(session, row)


@router.post("/cases/{number}/inspections/{inspection_id}/answer")
def answer_visit(
    number: str,
    inspection_id: int,
    body: VisitAnswer,
    session: SessionDep,
    user: CurrentUser,
    now: NowDep,
) -> InspectionRead:
    """The applicant accepts the proposed time, or asks for another (``reply``: when)."""
    case = cases.get_case(session, number=number, user=user)
    row = inspection.get_inspection(session, inspection_id=inspection_id, user=user)
    if row.case_id != case.id:
        raise NotFound("没有找到该现场踏勘。", "No such inspection.")
    row = inspection.answer_visit(
        session,
        inspection_id=inspection_id,
        user=user,
        accept=body.accept,
        reply=body.reply,
        now=now,
    )
    return _read(session, row)


@router.post("/inspections/{inspection_id}/photos", status_code=201)
async def add_photo(
    inspection_id: int,
    session: SessionDep,
    user: Inspector,
    now: NowDep,
    store: StoreDep,
    file: Annotated[UploadFile, File(description="The photo: JPG or PNG, checked by its bytes")],
    check_code: Annotated[
        str, Form(max_length=40, description="The checklist item it shows; empty: the site")
    ] = "",
) -> PhotoRead:
    """A drawn inspector adds a photo of the visit to the current round (multipart:
    ``file``, ``check_code``). Checked as every upload (``files.check_upload``): JPG or PNG
    by its content, not its name, at most 10 MB (``PHOTO_MAX_MB``) or the site's lower
    upload limit; 422 saying what to fix otherwise; refused to anyone but its drawn
    inspectors."""
    photo = inspection.Photo(file.filename or "", await file.read(), check_code)
    row = inspection.add_photo(
        session, inspection_id=inspection_id, user=user, photo=photo, now=now, store=store
    )
    return PhotoRead.model_validate(row)


@router.get("/inspections/{inspection_id}/photos")
def list_photos(inspection_id: int, session: SessionDep, user: CurrentUser) -> list[PhotoRead]:
    """The photos of an inspection still held, oldest first; its drawn inspectors and
    whoever may see its case (404 for anyone else)."""
    row = inspection.get_inspection(session, inspection_id=inspection_id, user=user)
    return [PhotoRead.model_validate(p) for p in inspection.photos(session, inspection=row)]


router.get(
    "/inspections/{inspection_id}/photos/{photo_id}",
    response_class=Response,
    responses={200: {"description": "The photo", "content": {"image/jpeg": {}, "image/png": {}}}},
)(views.photo)
