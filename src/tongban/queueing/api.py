"""JSON API of queue tickets (排号): halls and slots, booking, check-in and tickets taken
at the hall (the kiosk), calling from a window, and the hall display's calls."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from tongban.accounts.deps import CurrentApplicant, OptionalUser, require_roles, source_of
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.errors import DomainError
from tongban.queueing import service
from tongban.queueing.models import QueueTicket, TicketState
from tongban.queueing.schemas import (
    BookingCreate,
    CallRead,
    CheckIn,
    HallRead,
    HallTicketCreate,
    SlotRead,
    TicketRead,
)
from tongban.web.deps import NowDep, RuntimeDep, SessionDep
from tongban.web.errors import respond

router = APIRouter(tags=["queue tickets"])
Clerk = Annotated[User, Depends(require_roles(Role.clerk))]
RowId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Row id")]


def _window_names(session: Session, ticket: QueueTicket) -> dict[str, str | None]:
    """``window_name`` and ``window_name_en`` of the window that called ``ticket``."""
    hall = service.hall_of(session, ticket.hall_code)
    window = service.window_of(hall, ticket.window_code) or {}
    return {"window_name": window.get("name"), "window_name_en": window.get("name_en")}


def read(session: Session, ticket: QueueTicket, *, holder: bool, now: datetime) -> TicketRead:
    """The API shape of a ticket (with the item's and the calling window's names and the
    booked slot's time); its check-in code only for its holder."""
    body = TicketRead.model_validate(ticket).model_copy(update=_window_names(session, ticket))
    wait = service.wait_of(session, ticket, now)
    body.ahead, body.wait_minutes, body.called_from = wait.ahead, wait.minutes, wait.held_until
    body.code = ticket.code if holder else None
    facts = service.facts_of(session, ticket)
    body.item_name, body.item_name_en = facts.item_name, facts.item_name_en
    body.slot_starts = facts.starts
    return body


@router.get("/halls")
def list_halls(session: SessionDep) -> list[HallRead]:
    """The service halls with their windows."""
    return [HallRead.model_validate(hall) for hall in service.halls(session)]


@router.get("/halls/{code}/slots")
def list_slots(code: str, item: str, day: date, session: SessionDep, now: NowDep) -> list[SlotRead]:
    """The day's slots for ``item`` with the places left."""
    hall = service.hall_of(session, code)
    department = service.department_of(session, hall, item)
    views = service.slots(session, hall=hall, department=department, day=day, now=now)
    return [SlotRead(**vars(view)) for view in views]


@router.post("/tickets", status_code=201)
def book(
    body: BookingCreate, session: SessionDep, user: CurrentApplicant, now: NowDep
) -> TicketRead:
    """Book a slot (预约取号): 409 ``slot_full`` or ``ticket_held``."""
    ticket = service.book(
        session,
        applicant=user,
        hall_code=body.hall_code,
        item_code=body.item_code,
        day=body.day,
        starts=body.starts,
        now=now,
    )
    return read(session, ticket, holder=True, now=now)


@router.get("/me/tickets")
def my_tickets(session: SessionDep, user: CurrentApplicant, now: NowDep) -> list[TicketRead]:
    """The signed-in person's tickets, newest first."""
    return [read(session, t, holder=True, now=now) for t in service.my_tickets(session, user=user)]


@router.post("/tickets/{ticket_id}/cancel")
def cancel(
    ticket_id: RowId, session: SessionDep, user: CurrentApplicant, now: NowDep
) -> TicketRead:
    """Cancel one's own booked ticket."""
    return read(
        session, service.cancel(session, ticket_id=ticket_id, user=user), holder=True, now=now
    )


@router.post("/halls/{code}/check-in", response_model=TicketRead)
def check_in(
    code: str,
    body: CheckIn,
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    now: NowDep,
) -> TicketRead | Response:
    """Check in a booked ticket at the hall by its code (the kiosk): no sign-in. 404 for a
    code that matches no booking of the hall today; 429 (with Retry-After) after
    ``check_in_misses_per_source_per_minute`` of those from one network address."""
    ticket = service.guarded_check_in(
        session,
        hall_code=code,
        code=body.code,
        now=now,
        source=source_of(request),
        terminal=None,
        per_minute=runtime.settings.check_in_misses_per_source_per_minute,
    )
    if isinstance(ticket, DomainError):
        return respond(request, ticket)  # answered, not raised: the miss's audit is kept
    return read(session, ticket, holder=True, now=now)


@router.post("/halls/{code}/tickets", status_code=201)
def take(
    code: str,
    body: HallTicketCreate,
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    user: OptionalUser,
    now: NowDep,
) -> TicketRead:
    """Take a ticket at the hall (现场取号), queued at once. Signed in: one open ticket per
    hall and day (409 ``ticket_held``); without sign-in: ``hall_tickets_per_source_per_day``
    per network address (429, with Retry-After)."""
    if user is not None and not user.is_staff:
        ticket = service.take_at_hall(
            session, hall_code=code, item_code=body.item_code, now=now, applicant=user
        )
    else:
        ticket = service.take_anonymously(
            session,
            hall_code=code,
            item_code=body.item_code,
            now=now,
            source=source_of(request),
            per_day=runtime.settings.hall_tickets_per_source_per_day,
        )
    return read(session, ticket, holder=True, now=now)


@router.post("/halls/{code}/windows/{window}/call-next")
def call_next(code: str, window: str, session: SessionDep, user: Clerk, now: NowDep) -> TicketRead:
    """Call the next ticket the window serves (叫号); 409 ``nothing_to_call`` when nobody is
    callable now, saying how many are booked for later slots."""
    ticket = service.call_next(session, hall_code=code, window_code=window, user=user, now=now)
    if ticket is None:
        raise service.nothing_to_call(
            service.waiting_for(session, hall_code=code, window_code=window, now=now)
        )
    return read(session, ticket, holder=False, now=now)


@router.post("/tickets/{ticket_id}/served")
def served(ticket_id: RowId, session: SessionDep, user: Clerk, now: NowDep) -> TicketRead:
    """The called ticket was served."""
    ticket = service.close(session, ticket_id=ticket_id, user=user, served=True, now=now)
    return read(session, ticket, holder=False, now=now)


@router.post("/tickets/{ticket_id}/no-show")
def no_show(ticket_id: RowId, session: SessionDep, user: Clerk, now: NowDep) -> TicketRead:
    """The called ticket did not come (过号)."""
    ticket = service.close(session, ticket_id=ticket_id, user=user, served=False, now=now)
    return read(session, ticket, holder=False, now=now)


@router.get("/halls/{code}/calls")
def calls(code: str, session: SessionDep, now: NowDep) -> list[CallRead]:
    """The hall's latest calls today, newest first (the hall display): each ticket's number
    and the window to go to, by its code and name."""
    found = service.recent_calls(session, hall_code=code, now=now)
    return [
        CallRead(
            number=t.number,
            window_code=t.window_code,
            called_at=t.called_at,
            missed=t.state == TicketState.no_show,
            **_window_names(session, t),
        )
        for t in found
    ]
