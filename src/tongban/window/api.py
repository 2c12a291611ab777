"""JSON API of the window: the cases a clerk took in for walk-in applicants and where each
is now (窗口受理转出的办件)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request, Response

from tongban.accounts.deps import require_roles
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.cases import service
from tongban.cases.enums import TaskState
from tongban.cases.http.titles import title_en
from tongban.cases.models import Case
from tongban.web.deps import SessionDep
from tongban.window.schemas import TakenInRead, WhereNow

router = APIRouter(tags=["cases"])
Clerk = Annotated[User, Depends(require_roles(Role.clerk))]
DEFAULT_PAGE, MAX_PAGE = 100, 500  # cases per answer of GET /window/taken-in


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
        title_en=title_en(case),
        state=case.state,
        lead_department=case.lead_department,
        submitted_at=case.submitted_at,
        forwarded_at=case.forwarded_at,
        now=where_now(case),
    )


@router.get("/window/taken-in")
def list_taken_in(
    request: Request,
    response: Response,
    session: SessionDep,
    user: Clerk,
    limit: Annotated[
        int, Query(ge=1, le=MAX_PAGE, description="Cases per answer (at most 500)")
    ] = DEFAULT_PAGE,
    after: Annotated[
        str | None,
        Query(max_length=60, description="Cursor from the previous answer's Link header"),
    ] = None,
) -> list[TakenInRead]:
    """The clerk's cases taken in at the window and submitted, newest first, ``limit`` at
    a time, each with its state and the open tasks it waits in. When older cases follow,
    the ``Link`` header (RFC 8288) gives the next page's address (``rel="next"``, with
    the ``after`` cursor); a cursor not made so is refused (422)."""
    found = service.list_taken_in(
        session, user=user, after=service.PageCursor.parse(after) if after else None, size=limit
    )
    if found.next is not None:
        query = urlencode({"limit": limit, "after": found.next.token()})
        response.headers["Link"] = f'<{request.url.path}?{query}>; rel="next"'
    return [_read(case) for case in found.cases]
