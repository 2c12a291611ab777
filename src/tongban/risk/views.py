"""The risk flags of a case on the staff task page, and as JSON for staff."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session

from tongban.accounts.deps import CurrentStaff
from tongban.accounts.models import User
from tongban.cases import service as cases
from tongban.cases.http.panels import task_panel
from tongban.cases.models import Case
from tongban.risk import service
from tongban.web.deps import SessionDep

router = APIRouter(tags=["cases"])


class FlagRead(BaseModel):
    kind: str
    message_zh: str
    message_en: str
    at: datetime


@task_panel
def flags_panel(
    request: Request, session: Session, case: Case, user: User, now: datetime
) -> dict[str, Any]:
    """The task page panel: the flags of the case's latest receipt."""
    return {"risk_flags": service.flags_of(session, case_id=case.id)}


@router.get("/cases/{number}/risk-flags")
def case_flags(number: str, session: SessionDep, user: CurrentStaff) -> list[FlagRead]:
    """Risk screening's flags on a case (staff who may see the case)."""
    case = cases.get_case(session, number=number, user=user)
    flags = service.flags_of(session, case_id=case.id)
    return [
        FlagRead(kind=f.kind, message_zh=f.message_zh, message_en=f.message_en, at=f.at)
        for f in flags
    ]
