"""JSON API for how each material of a case is satisfied: the ways in force, the text of
a commitment letter and signing it online, and the clerk's check of an original."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from tongban.accounts.deps import CurrentApplicant, CurrentStaff, CurrentUser
from tongban.cases import service
from tongban.cases.http.bodies import RowId
from tongban.cases.schemas import MaterialRead, MaterialWayRead
from tongban.web.deps import NowDep, SessionDep, StoreDep

router = APIRouter(tags=["cases"])


class LetterRead(BaseModel):
    code: str
    name: str
    text: str = Field(description="The text the applicant reads and signs")
    text_en: str | None = Field(
        None,
        description="Its English to read, where the catalog has it; the text is what is signed",
    )
    sha256: str = Field(description="SHA-256 of the UTF-8 text: what a signature names")
    version: int = Field(description="Catalog version the case runs on")


class SignatureCreate(BaseModel):
    name: str = Field(min_length=1, max_length=60, description="The applicant's name, typed")


@router.get("/cases/{number}/material-ways")
def material_ways(
    number: str, session: SessionDep, user: CurrentUser, now: NowDep
) -> list[MaterialWayRead]:
    """Each material of the case: the way that satisfies it now, or why none does yet."""
    case = service.get_case(session, number=number, user=user)
    return [MaterialWayRead.of(res) for res in service.material_ways(session, case=case, now=now)]


@router.get("/cases/{number}/materials/{code}/letter")
def read_letter(number: str, code: str, session: SessionDep, user: CurrentUser) -> LetterRead:
    """The text of a commitment letter to sign online (告知承诺书)."""
    case = service.get_case(session, number=number, user=user)
    letter: dict[str, Any] = service.letter(session, case=case, material_code=code)
    return LetterRead(**letter)


@router.post("/cases/{number}/materials/{code}/signature", status_code=201)
def sign(
    number: str,
    code: str,
    body: SignatureCreate,
    session: SessionDep,
    user: CurrentApplicant,
    store: StoreDep,
    now: NowDep,
) -> MaterialRead:
    """Sign a commitment letter by typing the applicant's name; kept with the case."""
    case = service.get_case(session, number=number, user=user)
    row = service.sign_material(
        session, case=case, user=user, material_code=code, name=body.name, store=store, now=now
    )
    return MaterialRead.model_validate(row)


@router.post("/materials/{material_id}/check")
def check_original(
    material_id: RowId, session: SessionDep, user: CurrentStaff, now: NowDep
) -> MaterialRead:
    """已核验原件: the clerk saw the original of an uploaded material (trust level B)."""
    row = service.check_original(session, material_id=material_id, user=user, now=now)
    return MaterialRead.model_validate(row)
