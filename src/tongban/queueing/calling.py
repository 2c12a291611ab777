"""In the hall: check-in by code, a window calling the next ticket it serves, served or
no-show (过号), the wait estimate and the hall display's calls.

A booked ticket checks in from ``EARLY_MINUTES`` before its slot to the slot's end and
then queues from the slot's start; windows call in queue order the tickets of the
departments they serve, each ticket claimed by one conditional update.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.cases.core.clocks import calendar
from tongban.catalog import reading as catalog
from tongban.catalog.halls import ALL
from tongban.errors import Conflict, InvalidInput, NotAllowed, NotFound
from tongban.identifiers.divisions import within
from tongban.queueing.halls import hall_of, slot_start, window_of, windows_for
from tongban.queueing.models import QueueSlot, QueueTicket, TicketState
from tongban.timeutil import as_utc

EARLY_MINUTES = 60  # a booked ticket checks in at most this long before its slot
DEFAULT_SERVICE_MINUTES = 10  # a window's time per ticket until the day has figures


def check_in(session: Session, *, hall_code: str, code: str, now: datetime) -> QueueTicket:
    """Check in a booked ticket by its code; raises ``NotFound`` for an unknown code and
    ``InvalidInput`` outside its check-in time."""
    hall = hall_of(session, hall_code)
    day = calendar(session).local_date(now)
    ticket = session.scalar(
        select(QueueTicket).where(
            QueueTicket.hall_code == hall_code, QueueTicket.day == day, QueueTicket.code == code
        )
    )
    if ticket is None:
        raise NotFound(
            "没有找到今天该大厅的这个签到码，请核对预约信息。",
            "No ticket with that code in this hall today; check your booking.",
        )
    if ticket.state != TicketState.booked:
        return ticket  # checked in already: the same answer again
    assert ticket.slot_id is not None
    slot = session.get_one(QueueSlot, ticket.slot_id)
    begins = slot_start(hall, day, slot.starts)
    if now < begins - timedelta(minutes=EARLY_MINUTES):
        raise InvalidInput(
            f"预约时段 {slot.starts} 开始前 {EARLY_MINUTES} 分钟起可签到，请稍后再来。",
            f"Check-in opens {EARLY_MINUTES} minutes before the {slot.starts} slot.",
        )
    if now >= begins + timedelta(minutes=hall["slot_minutes"]):
        raise InvalidInput(
            "已过预约时段，预约失效，请现场取号。",
            "The booked slot has passed; take a ticket at the hall instead.",
        )
    ticket.state, ticket.queued_at = TicketState.waiting, as_utc(max(now, begins))
    return ticket


def may_call(session: Session, user: User, hall: dict[str, Any], window: dict[str, Any]) -> bool:
    """Whether ``user`` works ``window``: a clerk of a department it serves, or of any
    department of the hall's region at a comprehensive window (综合窗口; a city's clerks
    at its district halls too, GB/T 2260) — never a clerk of another region's hall."""
    if not user.has_role(Role.clerk) or user.department_code is None:
        return False
    if user.department_code in window["serves"]:
        return True
    division = catalog.get_department(session, code=user.department_code).division_code
    return ALL in window["serves"] and within(hall["division"], division)


def _check_window(
    session: Session, user: User, hall: dict[str, Any], window_code: str
) -> dict[str, Any]:
    window = window_of(hall, window_code)
    if window is None:
        raise NotFound(f"没有窗口 {window_code}。", f"No window {window_code}.")
    if not may_call(session, user, hall, window):
        raise NotAllowed(
            "只有该窗口所属部门（综合窗口：本地区部门）的受理人员可以叫号。",
            "Only clerks of the window's department (a comprehensive window: of the hall's "
            "region) can call tickets.",
        )
    return window


def call_next(
    session: Session, *, hall_code: str, window_code: str, user: User, now: datetime
) -> QueueTicket | None:
    """Call the first waiting ticket the window serves (None when nobody waits). Two
    windows calling at once never get the same ticket: the claim is a conditional update."""
    hall = hall_of(session, hall_code)
    window = _check_window(session, user, hall, window_code)
    query = select(QueueTicket.id).where(
        QueueTicket.hall_code == hall_code,
        QueueTicket.day == calendar(session).local_date(now),
        QueueTicket.state == TicketState.waiting,
        QueueTicket.queued_at <= now,
    )
    if ALL not in window["serves"]:
        query = query.where(QueueTicket.department_code.in_(window["serves"]))
    for ticket_id in session.scalars(query.order_by(QueueTicket.queued_at, QueueTicket.id)):
        claimed = session.execute(
            update(QueueTicket)
            .where(QueueTicket.id == ticket_id, QueueTicket.state == TicketState.waiting)
            .values(
                state=TicketState.called,
                called_at=now,
                window_code=window_code,
                called_by_id=user.id,
            )
        )
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            return session.get_one(QueueTicket, ticket_id, populate_existing=True)
    return None


def close(
    session: Session, *, ticket_id: int, user: User, served: bool, now: datetime
) -> QueueTicket:
    """A called ticket is served (已办理) or did not come (过号); raises ``Conflict`` if it
    is not called (never yet at a window, or closed already)."""
    ticket = session.get(QueueTicket, ticket_id)
    if ticket is None:
        raise NotFound("没有这个号码。", "No such ticket.")
    if ticket.window_code is None:  # booked or waiting: no window has called it
        raise Conflict(
            "该号码还没有在窗口叫号：叫号后才能标记为已办理或过号。",
            "That ticket has not been called at a window yet: call it before marking it "
            "served or a no-show.",
        )
    _check_window(session, user, hall_of(session, ticket.hall_code), ticket.window_code)
    if ticket.state != TicketState.called:
        raise Conflict("该号码不在叫号中。", "That ticket is not being called.")
    ticket.state = TicketState.served if served else TicketState.no_show
    ticket.finished_at = now
    return ticket


@dataclass(frozen=True)
class Wait:
    """How a waiting ticket stands: ``ahead`` tickets a window serving its department calls
    first, ``minutes`` (estimated, from now) until it is called; ``held_until`` its booked
    slot's start ("11:00", the hall's local time) while it checked in early and is not
    called before then."""

    ahead: int = 0
    minutes: int = 0
    held_until: str | None = None


def wait_of(session: Session, ticket: QueueTicket, now: datetime) -> Wait:
    """How ``ticket`` stands (``Wait``): those ahead that a window serving its department
    will call, times the day's average service time, shared by those windows; a booked
    ticket checked in early waits at least until its slot starts."""
    if ticket.state != TicketState.waiting or ticket.queued_at is None:
        return Wait()
    ahead = (
        session.scalar(
            select(func.count(QueueTicket.id)).where(
                QueueTicket.hall_code == ticket.hall_code,
                QueueTicket.day == ticket.day,
                QueueTicket.state == TicketState.waiting,
                QueueTicket.department_code == ticket.department_code,
                QueueTicket.queued_at < ticket.queued_at,
            )
        )
        or 0
    )
    served = session.execute(
        select(QueueTicket.called_at, QueueTicket.finished_at).where(
            QueueTicket.hall_code == ticket.hall_code,
            QueueTicket.day == ticket.day,
            QueueTicket.state == TicketState.served,
        )
    ).all()
    spans = [(end - start).total_seconds() / 60 for start, end in served if start and end]
    per_ticket = sum(spans) / len(spans) if spans else DEFAULT_SERVICE_MINUTES
    windows = len(windows_for(hall_of(session, ticket.hall_code), ticket.department_code))
    minutes = round((ahead + 1) * per_ticket / max(1, windows))
    if ticket.queued_at <= now or ticket.slot_id is None:
        return Wait(ahead, minutes)
    held = math.ceil((ticket.queued_at - now).total_seconds() / 60)
    starts = session.get_one(QueueSlot, ticket.slot_id).starts
    return Wait(ahead, max(minutes, held), held_until=starts)


@dataclass(frozen=True)
class Waiting:
    """Who a window could call: ``now`` tickets waiting for it, ``later`` booked for a
    later slot of the day (checked in early, or not yet arrived)."""

    now: int
    later: int


def waiting_for(session: Session, *, hall_code: str, window_code: str, now: datetime) -> Waiting:
    """How many tickets of today the window serves wait now and how many are booked later:
    checked in before their slot, or not yet arrived with check-in still open (the calling
    page, and why 叫下一号 found nobody)."""
    hall = hall_of(session, hall_code)
    window = window_of(hall, window_code) or {"serves": []}
    day = calendar(session).local_date(now)
    query = (
        select(QueueTicket.state, QueueTicket.queued_at, QueueSlot.starts)
        .outerjoin(QueueSlot, QueueSlot.id == QueueTicket.slot_id)
        .where(
            QueueTicket.hall_code == hall_code,
            QueueTicket.day == day,
            QueueTicket.state.in_((TicketState.waiting, TicketState.booked)),
        )
    )
    if ALL not in window["serves"]:
        query = query.where(QueueTicket.department_code.in_(window["serves"]))
    slot = timedelta(minutes=hall["slot_minutes"])
    callable_now = later = 0
    for state, queued_at, starts in session.execute(query):
        if state == TicketState.waiting and queued_at is not None and queued_at <= now:
            callable_now += 1
        elif state == TicketState.waiting or slot_start(hall, day, starts) + slot > now:
            later += 1  # held until its slot, or booked and still able to check in
    return Waiting(now=callable_now, later=later)


def nothing_to_call(waiting: Waiting) -> Conflict:
    """Why 叫下一号 found nobody (409 ``nothing_to_call``), with how many wait and how many
    are booked for later slots."""
    return Conflict(
        f"当前无可叫号码：现在候叫 {waiting.now} 人，稍后时段已预约 {waiting.later} 人。",
        f"Nobody to call now: {waiting.now} waiting, {waiting.later} booked for later slots.",
        code="nothing_to_call",
    )


def recent_calls(
    session: Session, *, hall_code: str, now: datetime, limit: int = 8
) -> list[QueueTicket]:
    """The hall's latest calls today, newest first (the hall display)."""
    return list(
        session.scalars(
            select(QueueTicket)
            .where(
                QueueTicket.hall_code == hall_code,
                QueueTicket.day == calendar(session).local_date(now),
                QueueTicket.called_at.is_not(None),
            )
            .order_by(QueueTicket.called_at.desc(), QueueTicket.id.desc())
            .limit(limit)
        )
    )


def current_call(session: Session, *, hall_code: str, window_code: str) -> QueueTicket | None:
    """The ticket the window called and has not closed, if any."""
    return session.scalar(
        select(QueueTicket)
        .where(
            QueueTicket.hall_code == hall_code,
            QueueTicket.window_code == window_code,
            QueueTicket.state == TicketState.called,
        )
        .order_by(QueueTicket.called_at.desc())
        .limit(1)
    )
