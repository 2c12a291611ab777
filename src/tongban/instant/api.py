"""What the rules decided on a case of an instant item, for staff (JSON) and on the staff
task page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.accounts.deps import CurrentStaff
from tongban.accounts.models import User
from tongban.cases import service as cases
from tongban.cases.http.panels import task_panel
from tongban.cases.models import Case
from tongban.errors import NotFound
from tongban.instant.models import InstantDecision
from tongban.web.deps import SessionDep

router = APIRouter(tags=["cases"])


class DecisionRead(BaseModel):
    outcome: str
    reason: str
    reason_en: str
    item_code: str | None
    row: int | None
    flags: list[str]
    at: datetime


def latest(session: Session, case_id: int) -> InstantDecision | None:
    """The rules' decision on the case's latest receipt."""
    query = select(InstantDecision).where(InstantDecision.case_id == case_id)
    return session.scalars(query.order_by(InstantDecision.id.desc()).limit(1)).first()


@task_panel
def decision_panel(
    request: Request, session: Session, case: Case, user: User, now: datetime
) -> dict[str, Any]:
    """The task page panel: what the rules decided, with the deciding row, and the kind of
    the deciding item (a filing's refusal reads 不予备案)."""
    decision = latest(session, case.id)
    kind = None
    if decision is not None:
        items = cases.spec_of(session, case)["items"]
        kind = next((i.get("kind") for i in items if i["code"] == decision.item_code), None)
    return {"instant_decision": decision, "instant_kind": kind}


@router.get("/cases/{number}/instant")
def case_decision(number: str, session: SessionDep, user: CurrentStaff) -> DecisionRead:
    """The rules' decision on a case of an instant item (秒批), for staff."""
    case = cases.get_case(session, number=number, user=user)
    decision = latest(session, case.id)
    if decision is None:
        raise NotFound("该办件没有秒批规则的决定。", "The rules made no decision on this case.")
    return DecisionRead.model_validate(decision, from_attributes=True)
