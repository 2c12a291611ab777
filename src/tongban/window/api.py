"""JSON API of the window: the cases a clerk took in for walk-in applicants and where each
is now (窗口受理转出的办件)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from tongban.accounts.deps import require_roles
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.cases import service
from tongban.cases.enums import TaskState
from tongban.cases.models import Case
from tongban.web.deps import SessionDep
from tongban.window.schemas import TakenInRead, WhereNow

router = APIRouter(tags=["cases"])
Clerk = Annotated[User, Depends(require_roles(Role.clerk))]


def where_now(case: Case) -> list[WhereNow]:
    """The open tasks of ``case``: the stages it waits in and the departments doing them."""
    return [
        WhereNow(stage=task.stage, department_code=task.department_code)
        for task in case.tasks
        if task.state == TaskState.open
    ]


def _read(case: Case) -> TakenInRead:
    assert case.submitted_at is not None  # list_taken_in lists submitted cases only
    return TakenInRead(
        number=case.number,
        catalog_code=case.catalog_code,
        title=case.title,
        state=case.state,
        lead_department=case.lead_department,
        submitted_at=case.submitted_at,
        forwarded_at=case.forwarded_at,
        now=where_now(case),
    )


@router.get("/window/taken-in")
def list_taken_in(session: SessionDep, user: Clerk) -> list[TakenInRead]:
    """The clerk's cases taken in at the window and submitted, newest first (at most
    ``TAKEN_IN_SHOWN``), each with its state and the open tasks it waits in."""
    return [_read(case) for case in service.list_taken_in(session, user=user)]
