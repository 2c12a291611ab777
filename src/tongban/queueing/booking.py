"""Getting a ticket (取号): a slot booked online on a working day within capacity, or a
ticket taken at the hall in its hours; cancelling one's own booking.

Slots are bookable on working days (the calendar in force, ``cases.core.clocks``) from
today to ``BOOKING_DAYS`` working days ahead, until the slot starts. Capacity per slot is
``capacity`` × the hall's windows that serve the item's department; it is kept by one
conditional update, so concurrent bookings never exceed it. A person holds one open
ticket per hall and day; numbers come from one atomic counter per prefix, hall and day.

Tickets taken through the API without signing in (a caller who is no one the platform
knows) are counted per network address and day, from their audit entries, so the count
holds across server processes: past ``hall_tickets_per_source_per_day`` the address is
refused (429) until the next day, as a signed-in person is refused a second open ticket
(OWASP ASVS 4.0 §11.1.4, anti-automation: the numbers of a hall are a scarce resource).
The hall's own kiosk page serves everyone in the hall from one address: a terminal
registered by the hall (``terminals``) counts per terminal instead, with a larger limit;
a browser that is no registered terminal counts per address like the API.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.audit import service as audit
from tongban.audit.models import AuditEntry
from tongban.cases.core.clocks import calendar
from tongban.catalog.halls import hours_text
from tongban.catalog.models import CatalogEntry
from tongban.db import insert_skipping_taken
from tongban.errors import Conflict, InvalidInput, NotFound, TooManyAttempts
from tongban.queueing.halls import (
    department_of,
    hall_of,
    is_open,
    slot_start,
    windows_for,
)
from tongban.queueing.models import QueueDay, QueueSlot, QueueTicket, TicketState

BOOKING_DAYS = 7  # working days ahead a slot can be booked
OPEN = (TicketState.booked, TicketState.waiting, TicketState.called)
TAKEN_ANONYMOUSLY = "queue.ticket_taken"  # audited with the caller's network address


@dataclass(frozen=True)
class SlotView:
    """One slot of a day: ``left`` tickets of ``capacity``; ``past`` once it started."""

    starts: str
    capacity: int
    left: int
    past: bool


def bookable_days(session: Session, *, now: datetime) -> list[date]:
    """Today (if a working day) and the next working days, ``BOOKING_DAYS`` in all."""
    cal = calendar(session)
    day, found = cal.local_date(now), list[date]()
    while len(found) < BOOKING_DAYS:
        if cal.is_workday(day):
            found.append(day)
        day += timedelta(days=1)
    return found


@dataclass(frozen=True)
class OpenDays:
    """The days a slot can still be booked, and whether today is a working day that has
    none left (all begun or full)."""

    days: list[date]
    today_full: bool


def open_days(
    session: Session, *, hall: dict[str, Any], department: str | None, now: datetime
) -> OpenDays:
    """The bookable days (``bookable_days``) with a slot that has not begun and, for items
    of ``department`` (None: any item, not yet chosen), a place left."""
    found, days = [], bookable_days(session, now=now)
    for day in days:
        if department is None:
            free = any(slot_start(hall, day, starts) > now for starts in hall["slots"])
        else:
            views = slots(session, hall=hall, department=department, day=day, now=now)
            free = any(not view.past and view.left > 0 for view in views)
        if free:
            found.append(day)
    today = calendar(session).local_date(now)
    return OpenDays(found, days[0] == today and today not in found)


def slots(
    session: Session, *, hall: dict[str, Any], department: str, day: date, now: datetime
) -> list[SlotView]:
    """The day's slots with the tickets left for items of ``department``."""
    capacity = hall["capacity"] * len(windows_for(hall, department))
    booked = dict(
        session.execute(
            select(QueueSlot.starts, QueueSlot.booked).where(
                QueueSlot.hall_code == hall["code"], QueueSlot.day == day
            )
        ).all()
    )
    return [
        SlotView(
            starts,
            capacity,
            max(0, capacity - booked.get(starts, 0)),
            slot_start(hall, day, starts) <= now,
        )
        for starts in hall["slots"]
    ]


def _next_number(session: Session, hall_code: str, day: date, prefix: str) -> str:
    """The hall's next ticket number of the day with ``prefix`` (Y001, A002 …): one atomic
    increment of that prefix's own counter."""
    _insert_missing(session, QueueDay, hall_code=hall_code, day=day, prefix=prefix, issued=0)
    issued = session.execute(
        update(QueueDay)
        .where(QueueDay.hall_code == hall_code, QueueDay.day == day, QueueDay.prefix == prefix)
        .values(issued=QueueDay.issued + 1)
        .returning(QueueDay.issued)
    ).scalar_one()
    return f"{prefix}{issued:03d}"


def _insert_missing(session: Session, model: type[Any], **values: Any) -> None:
    """Insert the row unless its unique key is taken (by this or another transaction)."""
    session.execute(insert_skipping_taken(session, model).values(**values).on_conflict_do_nothing())


def _code(session: Session, hall_code: str, day: date) -> str:
    """A check-in code (6 digits) not yet used in the hall that day."""
    while True:
        code = f"{secrets.randbelow(1_000_000):06d}"
        taken = session.scalar(
            select(QueueTicket.id).where(
                QueueTicket.hall_code == hall_code, QueueTicket.day == day, QueueTicket.code == code
            )
        )
        if taken is None:
            return code


def _refuse_second_ticket(session: Session, applicant: User, hall_code: str, day: date) -> None:
    held = session.scalar(
        select(QueueTicket.number).where(
            QueueTicket.applicant_id == applicant.id,
            QueueTicket.hall_code == hall_code,
            QueueTicket.day == day,
            QueueTicket.state.in_(OPEN),
        )
    )
    if held is not None:
        raise Conflict(
            f"您当天在该大厅已有号码 {held}，如需改约请先取消。",
            f"You already hold ticket {held} in this hall that day; cancel it to rebook.",
            code="ticket_held",
        )


def book(
    session: Session,
    *,
    applicant: User,
    hall_code: str,
    item_code: str,
    day: date,
    starts: str,
    now: datetime,
) -> QueueTicket:
    """Book slot ``starts`` of ``day`` for ``item_code``.

    Raises ``NotFound`` (hall, item), ``InvalidInput`` (no window for the item, a day that
    is not bookable, an unknown or past slot), ``Conflict`` (the slot is full, or the
    person already holds a ticket in the hall that day).
    """
    hall = hall_of(session, hall_code)
    department = department_of(session, hall, item_code)
    days = bookable_days(session, now=now)
    if day >= days[0] and not calendar(session).is_workday(day):  # the hall is shut that day
        raise InvalidInput(
            f"{day:%Y-%m-%d} 不是工作日，大厅不办公；请选择工作日的时段。",
            f"{day:%Y-%m-%d} is not a working day and the hall is closed; choose a working day.",
            field="day",
        )
    if day not in days:
        raise InvalidInput(
            f"只能预约今天起 {BOOKING_DAYS} 个工作日内的时段。",
            f"Only slots on the next {BOOKING_DAYS} working days can be booked.",
            field="day",
        )
    if starts not in hall["slots"] or slot_start(hall, day, starts) <= now:
        raise InvalidInput(
            "该时段不存在或已开始，请选择其他时段。",
            "That slot does not exist or has begun; choose another.",
            field="starts",
        )
    _refuse_second_ticket(session, applicant, hall_code, day)
    capacity = hall["capacity"] * len(windows_for(hall, department))
    _insert_missing(
        session, QueueSlot, hall_code=hall_code, day=day, starts=starts, capacity=capacity, booked=0
    )
    slot = session.scalars(
        update(QueueSlot)
        .where(
            QueueSlot.hall_code == hall_code,
            QueueSlot.day == day,
            QueueSlot.starts == starts,
            QueueSlot.booked < capacity,
        )
        .values(booked=QueueSlot.booked + 1)
        .returning(QueueSlot)
    ).one_or_none()
    if slot is None:
        raise Conflict(
            "该时段已约满，请选择其他时段。",
            "That slot is fully booked; choose another.",
            code="slot_full",
        )
    ticket = QueueTicket(
        hall_code=hall_code,
        day=day,
        number=_next_number(session, hall_code, day, "Y"),
        code=_code(session, hall_code, day),
        slot_id=slot.id,
        item_code=item_code,
        department_code=department,
        applicant_id=applicant.id,
        state=TicketState.booked,
        created_at=now,
    )
    session.add(ticket)
    session.flush()
    return ticket


def take_at_hall(
    session: Session, *, hall_code: str, item_code: str, now: datetime, applicant: User | None
) -> QueueTicket:
    """A ticket taken in the hall (现场取号), queued at once; only while the hall is open
    (``halls.is_open``: its hours on a working day); raises ``InvalidInput`` otherwise."""
    hall = hall_of(session, hall_code)
    department = department_of(session, hall, item_code)
    day = calendar(session).local_date(now)
    if not is_open(hall, calendar(session), now):
        hours, hours_en = hours_text(hall), hours_text(hall, ", ")
        raise InvalidInput(
            f"大厅取号时间为工作日 {hours}，请在此时间内取号或网上预约。",
            f"Tickets are taken on working days {hours_en}; come then or book online.",
        )
    if applicant is not None:
        _refuse_second_ticket(session, applicant, hall_code, day)
    ticket = QueueTicket(
        hall_code=hall_code,
        day=day,
        number=_next_number(session, hall_code, day, "A"),
        code=_code(session, hall_code, day),
        item_code=item_code,
        department_code=department,
        applicant_id=applicant.id if applicant else None,
        state=TicketState.waiting,
        created_at=now,
        queued_at=now,
    )
    session.add(ticket)
    session.flush()
    return ticket


def refuse_past_daily_limit(
    session: Session, *, now: datetime, taken_by: Any, per_day: int, refusal: tuple[str, str]
) -> None:
    """Raise ``TooManyAttempts`` (retry after local midnight) once the audit entries that
    ``taken_by`` selects number ``per_day`` today; ``refusal`` is the message (zh, en)."""
    cal = calendar(session)
    midnight = datetime.combine(cal.local_date(now), datetime.min.time(), tzinfo=cal.tz)
    taken = session.scalar(
        select(func.count()).select_from(AuditEntry).where(taken_by, AuditEntry.at >= midnight)
    )
    if (taken or 0) >= per_day:
        raise TooManyAttempts(
            *refusal, retry_after=int((midnight + timedelta(days=1) - now).total_seconds()) + 1
        )


def take_anonymously(
    session: Session,
    *,
    hall_code: str,
    item_code: str,
    now: datetime,
    source: str | None,
    per_day: int,
) -> QueueTicket:
    """A ticket taken at the hall by a caller not signed in (the API, or the kiosk page of
    a browser that is no registered terminal), counted against ``source`` (the network
    address): raises ``TooManyAttempts`` (429, retry after local midnight) once the address
    took ``per_day`` tickets today; otherwise as ``take_at_hall`` and audited as
    ``queue.ticket_taken`` with the address."""
    if source is not None:
        refuse_past_daily_limit(
            session,
            now=now,
            taken_by=(AuditEntry.action == TAKEN_ANONYMOUSLY)
            & (AuditEntry.source_address == source),
            per_day=per_day,
            refusal=(
                f"本网络今天已取号 {per_day} 次，已达上限，请明天再取；"
                "也可以登录后网上预约，或到大厅的自助终端或窗口取号。",
                f"This network has taken {per_day} tickets today, the most allowed: take one "
                "tomorrow, sign in and book online, or take one at the hall's kiosk or window.",
            ),
        )
    ticket = take_at_hall(
        session, hall_code=hall_code, item_code=item_code, now=now, applicant=None
    )
    audit.record(
        session,
        at=now,
        action=TAKEN_ANONYMOUSLY,
        actor=audit.Actor(id=None, name="-"),
        object_type="queue_ticket",
        object_id=ticket.id,
        data={"hall": hall_code, "number": ticket.number},
        source_address=source,
    )
    return ticket


def cancel(session: Session, *, ticket_id: int, user: User) -> QueueTicket:
    """Cancel one's own booked ticket; its slot is free again."""
    ticket = session.get(QueueTicket, ticket_id)
    if ticket is None or ticket.applicant_id != user.id:
        raise NotFound("没有这个号码。", "No such ticket.")
    if ticket.state != TicketState.booked:
        raise Conflict(
            "已签到或已办理的号码不能取消。", "A checked-in or served ticket cannot be cancelled."
        )
    ticket.state = TicketState.cancelled
    session.execute(
        update(QueueSlot).where(QueueSlot.id == ticket.slot_id).values(booked=QueueSlot.booked - 1)
    )
    return ticket


@dataclass(frozen=True)
class TicketFacts:
    """What a ticket's holder reads beside its number: the booked slot's start (the hall's
    local "HH:MM"; None for a ticket taken at the hall) and the item's name."""

    starts: str | None
    item_name: str
    item_name_en: str | None


def facts_of(session: Session, ticket: QueueTicket) -> TicketFacts:
    """The slot time and item name of ``ticket`` (the item's code as its name if it is
    no longer in the catalog)."""
    slot = session.get(QueueSlot, ticket.slot_id) if ticket.slot_id is not None else None
    entry = session.get(CatalogEntry, ticket.item_code)
    definition = entry.current_version.definition if entry and entry.current_version else {}
    return TicketFacts(
        starts=slot.starts if slot is not None else None,
        item_name=definition.get("name", ticket.item_code),
        item_name_en=definition.get("name_en"),
    )


def my_tickets(session: Session, *, user: User) -> list[QueueTicket]:
    """The person's tickets, newest first."""
    return list(
        session.scalars(
            select(QueueTicket)
            .where(QueueTicket.applicant_id == user.id)
            .order_by(QueueTicket.day.desc(), QueueTicket.id.desc())
        )
    )
