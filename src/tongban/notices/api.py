"""JSON API of public notices (公示): the running notices and an objection to one, for
anyone; a case's notices and objections, and the examination of an objection, for staff."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from tongban.accounts.deps import CurrentStaff, OptionalUser, source_of
from tongban.cases import service as cases
from tongban.cases.http.bodies import RowId
from tongban.errors import DomainError
from tongban.notices import objections, service
from tongban.notices.models import PublicNotice
from tongban.notices.schemas import (
    CaseNoticeRead,
    Examination,
    NoticeRead,
    ObjectionCreate,
    ObjectionFiled,
    ObjectionLookup,
    ObjectionRead,
    ObjectionReceipt,
    ObjectionStatus,
)
from tongban.web.deps import NowDep, RuntimeDep, SessionDep
from tongban.web.errors import respond

router = APIRouter(tags=["notices"])


def public(notice: PublicNotice) -> NoticeRead:
    """What anyone may read of a notice."""
    return NoticeRead(
        id=notice.id,
        item_code=notice.item_code,
        name=notice.shown["name"],
        district=notice.shown["district"],
        household=notice.shown["household"],
        opened_at=notice.opened_at,
        ends_at=notice.ends_at,
        state=notice.state,
    )


def _of_case(session: Session, notice: PublicNotice) -> CaseNoticeRead:
    found = service.objections(session, notice=notice)
    return CaseNoticeRead(
        **public(notice).model_dump(),
        ended_at=notice.ended_at,
        objections=[ObjectionRead.model_validate(row) for row in found],
    )


@router.get("/notices")
def list_notices(session: SessionDep, now: NowDep) -> list[NoticeRead]:
    """The notices running now (公示期内), ending soonest first; no sign-in."""
    return [public(notice) for notice in service.running(session, now=now)]


def _caller(request: Request, user: OptionalUser, runtime: RuntimeDep) -> objections.Caller:
    """Who objects: the signed-in user, else the network address and its hourly limit."""
    per_hour = runtime.settings.objections_per_source_per_hour
    return objections.Caller(user=user, source=source_of(request), per_hour=per_hour)


CallerDep = Annotated[objections.Caller, Depends(_caller)]


@router.post("/notices/{notice_id}/objections", status_code=201)
def object_to(
    notice_id: RowId, body: ObjectionCreate, session: SessionDep, caller: CallerDep, now: NowDep
) -> ObjectionReceipt:
    """An objection (异议) to a running notice, with its reason; no sign-in needed. The
    answer holds the lookup code, given this once. 409 once the notice ended; 429 past
    ``objections_per_source_per_hour`` from one network address not signed in."""
    filed = objections.file_objection(
        session,
        notice_id=notice_id,
        reason=body.reason,
        contact=body.contact,
        now=now,
        caller=caller,
    )
    status = ObjectionFiled.model_validate(filed.objection).model_dump()
    return ObjectionReceipt(**status, code=filed.code)


@router.post("/objections/lookup", response_model=ObjectionStatus)
def objection_status(
    body: ObjectionLookup, request: Request, session: SessionDep, runtime: RuntimeDep, now: NowDep
) -> ObjectionStatus | Response:
    """Where an objection stands (filed, founded, unfounded, or closed when another one
    stopped the notice), by its number and the code on its receipt; no sign-in, none of
    its text. 404 for a wrong number or code (the same answer for both), 429 while the
    address is locked out after repeated failures."""
    source = source_of(request)
    try:
        number, code = objections.check_lookup(body.number, body.code)
        objections.refuse_when_locked(session, source=source, now=now, settings=runtime.settings)
    except DomainError as error:
        return respond(request, error)
    found = objections.look_up(session, number=number, code=code, source=source, now=now)
    if isinstance(found, DomainError):
        return respond(request, found)  # answered, not raised: the failure's audit is kept
    return ObjectionStatus.model_validate(found)


@router.get("/cases/{number}/notices")
def case_notices(number: str, session: SessionDep, user: CurrentStaff) -> list[CaseNoticeRead]:
    """The notices of a case and the objections filed, to the staff who may see it."""
    case = cases.get_case(session, number=number, user=user)
    return [_of_case(session, n) for n in service.of_case(session, case_id=case.id)]


@router.post("/objections/{objection_id}/examination")
def examine(
    objection_id: RowId, body: Examination, session: SessionDep, user: CurrentStaff, now: NowDep
) -> ObjectionRead:
    """A reviewer of the department that gave the initial opinion examines an objection:
    founded (the case is investigated again and a new notice follows) or not, with what was found."""
    row = objections.examine(
        session,
        objection_id=objection_id,
        user=user,
        founded=body.founded,
        finding=body.finding,
        now=now,
    )
    return ObjectionRead.model_validate(row)
