"""JSON API for staff: the task queue and every stage action (accept, correction, review,
decision, issue, delivery), pauses and the extension, taking over and reassigning a task."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request, Response

from tongban.accounts.deps import CurrentStaff, require_roles
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.cases import service
from tongban.cases.enums import Stage
from tongban.cases.http.bodies import RowId, read_case, read_task
from tongban.cases.models import Task
from tongban.cases.schemas import CaseRead, CorrectionRead, TaskRead
from tongban.cases.task_bodies import (
    CorrectionCreate,
    DeliveryRecord,
    Opinion,
    PauseCreate,
    Reassignment,
    ReviewDecision,
)
from tongban.web.deps import NowDep, SessionDep, StoreDep

router = APIRouter(tags=["cases"])
DEFAULT_PAGE, MAX_PAGE = 100, 500  # tasks per answer of GET /tasks


@router.get("/tasks")
def list_tasks(
    request: Request,
    response: Response,
    session: SessionDep,
    user: CurrentStaff,
    now: NowDep,
    stage: Stage | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
    after: Annotated[str | None, Query(max_length=60)] = None,
    view: Literal["department", "mine"] = "department",
) -> list[TaskRead]:
    """The queue: open tasks of the user's department and roles (``view=mine``: only those
    the user holds or no one holds), least time left first, ``limit`` at a time, each
    with ``unstaffed`` (无人可办) where nobody at work may take it, as on the queue page,
    and ``may_act`` where the user may act on it (a head lists every stage to reassign).
    When more follow, the ``Link`` header (RFC 8288) gives the next page's address
    (``rel="next"``, with the ``after`` cursor)."""
    found = service.queue_page(
        session,
        user=user,
        now=now,
        stage=stage,
        after=service.PageCursor.parse(after) if after else None,
        size=limit,
        mine=view == "mine",
    )
    if found.next is not None:
        query = {
            "limit": limit,
            "after": found.next.token(),
            **({"stage": stage} if stage else {}),
            **({"view": view} if view != "department" else {}),
        }
        response.headers["Link"] = f'<{request.url.path}?{urlencode(query)}>; rel="next"'
    return [
        read_task(session, row.task, now, unstaffed=row.unstaffed, viewer=user)
        for row in found.rows
    ]


@router.get("/tasks/{task_id}")
def get_task(task_id: RowId, session: SessionDep, user: CurrentStaff, now: NowDep) -> TaskRead:
    """One task of the user's department, with its time left, ``unstaffed`` and
    ``may_act``."""
    task = service.get_task(session, task_id=task_id, user=user)
    nobody = service.unstaffed_tasks(session, tasks=[task], now=now)
    return read_task(session, task, now, unstaffed=task.id in nobody, viewer=user)


def _task_case(session: SessionDep, task_id: RowId, user: User) -> Task:
    return service.get_task(session, task_id=task_id, user=user)


@router.post("/tasks/{task_id}/accept")
def accept(
    task_id: RowId,
    body: Opinion,
    session: SessionDep,
    user: CurrentStaff,
    now: NowDep,
    store: StoreDep,
) -> CaseRead:
    """Accept the case (受理)."""
    task = _task_case(session, task_id, user)
    return read_case(
        session,
        service.accept_case(
            session, case_id=task.case_id, user=user, opinion=body.opinion, now=now, store=store
        ),
        now,
    )


@router.post("/tasks/{task_id}/reject")
def reject(
    task_id: RowId, body: Opinion, session: SessionDep, user: CurrentStaff, now: NowDep
) -> CaseRead:
    """Reject the case (不予受理) with a reason."""
    task = _task_case(session, task_id, user)
    return read_case(
        session,
        service.reject_case(
            session, case_id=task.case_id, user=user, opinion=body.opinion, now=now
        ),
        now,
    )


@router.post("/tasks/{task_id}/correction", status_code=201)
def correction(
    task_id: RowId, body: CorrectionCreate, session: SessionDep, user: CurrentStaff, now: NowDep
) -> CorrectionRead:
    """Send the one correction notice listing every problem (一次性告知)."""
    task = _task_case(session, task_id, user)
    problems = [problem.model_dump() for problem in body.problems]
    request = service.request_correction(
        session, case_id=task.case_id, user=user, problems=problems, opinion=body.opinion, now=now
    )
    return CorrectionRead.model_validate(request)


@router.post("/tasks/{task_id}/take")
def take(task_id: RowId, session: SessionDep, user: CurrentStaff, now: NowDep) -> TaskRead:
    """Take over a task of one's department held by no one or by someone absent (接手)."""
    task = service.take_task(session, task_id=task_id, user=user, now=now)
    return TaskRead.model_validate(task)


@router.post("/tasks/{task_id}/reassign")
def reassign(
    task_id: RowId, body: Reassignment, session: SessionDep, user: CurrentStaff, now: NowDep
) -> TaskRead:
    """Give a task to another qualified person with a reason (改派: supervisors, and the
    department's head for its own tasks)."""
    task = service.reassign_task(
        session,
        task_id=task_id,
        to_user_id=body.assignee_id,
        reason=body.reason,
        user=user,
        now=now,
    )
    return TaskRead.model_validate(task)


@router.post("/tasks/{task_id}/review")
def review(
    task_id: RowId,
    body: ReviewDecision,
    session: SessionDep,
    user: CurrentStaff,
    now: NowDep,
    store: StoreDep,
) -> TaskRead:
    """Approve or refuse this department's part of the parallel review."""
    task = service.review_task(
        session,
        task_id=task_id,
        user=user,
        outcome=body.outcome,
        opinion=body.opinion,
        now=now,
        store=store,
        expected_version=body.version,
    )
    return TaskRead.model_validate(task)


@router.post("/tasks/{task_id}/approve")
def approve(
    task_id: RowId,
    body: Opinion,
    session: SessionDep,
    user: CurrentStaff,
    now: NowDep,
    store: StoreDep,
) -> CaseRead:
    """Decide to grant (核准)."""
    case = service.approve_case(
        session,
        task_id=task_id,
        user=user,
        opinion=body.opinion,
        now=now,
        store=store,
        expected_version=body.version,
    )
    return read_case(session, case, now)


@router.post("/tasks/{task_id}/refuse")
def refuse(
    task_id: RowId,
    body: Opinion,
    session: SessionDep,
    user: CurrentStaff,
    now: NowDep,
) -> CaseRead:
    """Decide to refuse (不予许可) with reasons."""
    case = service.refuse_case(
        session,
        task_id=task_id,
        user=user,
        opinion=body.opinion,
        now=now,
        expected_version=body.version,
    )
    return read_case(session, case, now)


@router.post("/tasks/{task_id}/issue")
def issue(
    task_id: RowId,
    body: Opinion,
    session: SessionDep,
    user: CurrentStaff,
    now: NowDep,
    store: StoreDep,
) -> CaseRead:
    """Issue the result (制证); online delivery completes the case."""
    case = service.issue_result(
        session,
        task_id=task_id,
        user=user,
        opinion=body.opinion or None,
        now=now,
        store=store,
        expected_version=body.version,
    )
    return read_case(session, case, now)


@router.post("/tasks/{task_id}/deliver")
def deliver(
    task_id: RowId, body: DeliveryRecord, session: SessionDep, user: CurrentStaff, now: NowDep
) -> CaseRead:
    """Record delivery at the window, or by post with the waybill number (送达)."""
    case = service.deliver_result(
        session,
        task_id=task_id,
        user=user,
        opinion=body.opinion or None,
        now=now,
        tracking_number=body.tracking_number,
        postal_address=body.postal.model_dump() if body.postal else None,
        pickup_code=body.pickup_code,
        expected_version=body.version,
    )
    return read_case(session, case, now)


@router.post("/cases/{number}/pause", status_code=201)
def pause(
    number: str, body: PauseCreate, session: SessionDep, user: CurrentStaff, now: NowDep
) -> CaseRead:
    """Stop the clock for a hearing, inspection, testing or expert review (art. 45)."""
    case = service.get_case(session, number=number, user=user)
    service.pause_clock(
        session,
        case_id=case.id,
        user=user,
        reason=body.reason,
        note=body.note,
        now=now,
        until=service.needed_until(session, body.until),
    )
    return read_case(session, case, now)


@router.post("/cases/{number}/resume")
def resume(number: str, session: SessionDep, user: CurrentStaff, now: NowDep) -> CaseRead:
    """Restart the clock after an art. 45 pause."""
    case = service.get_case(session, number=number, user=user)
    return read_case(
        session, service.resume_clock(session, case_id=case.id, user=user, now=now), now
    )


@router.post("/cases/{number}/extension")
def extend(
    number: str,
    body: Opinion,
    session: SessionDep,
    user: Annotated[User, Depends(require_roles(Role.approver))],
    now: NowDep,
) -> CaseRead:
    """Extend the legal limit once by 10 (joint: 15) working days (art. 42)."""
    case = service.get_case(session, number=number, user=user)
    return read_case(
        session,
        service.extend_limit(session, case_id=case.id, user=user, opinion=body.opinion, now=now),
        now,
    )
