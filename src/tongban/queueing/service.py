"""Queue tickets (排号): book a slot online, or take a ticket at the hall; check in by
code; a window calls the next ticket it serves; served or no-show (过号).

Slots are bookable on working days (the calendar in force, ``cases.core.clocks``) from
today to ``BOOKING_DAYS`` working days ahead, until the slot starts. Capacity per slot is
``capacity`` × the hall's windows that serve the item's department; it is kept by one
conditional update, so concurrent bookings never exceed it. A person holds one open
ticket per hall and day. A booked ticket checks in from ``EARLY_MINUTES`` before its slot
to the slot's end and then queues from the slot's start; a ticket taken at the hall
queues at once. Windows call in queue order the tickets of departments they serve.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.cases.core.clocks import calendar
from tongban.catalog import service as catalog
from tongban.catalog.halls import ALL
from tongban.config import get_settings
from tongban.errors import Conflict, InvalidInput, NotAllowed, NotFound
from tongban.queueing.models import QueueDay, QueueSlot, QueueTicket, TicketState

BOOKING_DAYS = 7  # working days ahead a slot can be booked
EARLY_MINUTES = 60  # a booked ticket checks in at most this long before its slot
DEFAULT_SERVICE_MINUTES = 10  # a window's time per ticket until the day has figures
OPEN = (TicketState.booked, TicketState.waiting, TicketState.called)


@dataclass(frozen=True)
class SlotView:
    """One slot of a day: ``left`` tickets of ``capacity``; ``past`` once it started."""

    starts: str
    capacity: int
    left: int
    past: bool


def _zone() -> ZoneInfo:
    return ZoneInfo(get_settings().timezone)


def halls(session: Session) -> list[dict[str, Any]]:
    """Every service hall of ``halls.yaml``, in its order."""
    return list(catalog.list_halls(session).values())


def hall_of(session: Session, code: str) -> dict[str, Any]:
    """The hall ``code`` of ``halls.yaml``; raises ``NotFound``."""
    hall = catalog.list_halls(session).get(code)
    if hall is None:
        raise NotFound(f"没有代码为 {code} 的办事大厅。", f"No service hall {code}.")
    return hall


def windows_for(hall: dict[str, Any], department: str) -> list[dict[str, Any]]:
    """The hall's windows that take items of ``department``."""
    return [w for w in hall["windows"] if ALL in w["serves"] or department in w["serves"]]


def department_of(session: Session, hall: dict[str, Any], item_code: str) -> str:
    """The department of a published item, if a window of ``hall`` takes it; raises
    ``NotFound`` (item) or ``InvalidInput`` (no window)."""
    spec = catalog.get_entry(session, code=item_code).current_version
    assert spec is not None
    department = str(spec.definition["department"])
    if not windows_for(hall, department):
        raise InvalidInput(
            f"{hall['name']}没有办理该事项的窗口，请选择其他大厅。",
            f"{hall.get('name_en') or hall['name']} has no window for this item; choose "
            "another hall.",
            field="item_code",
        )
    return department


def slot_start(hall: dict[str, Any], day: date, starts: str) -> datetime:
    """When slot ``starts`` (local HH:MM) of ``day`` begins, as an aware datetime."""
    return datetime.combine(day, time.fromisoformat(starts), tzinfo=_zone())


def bookable_days(session: Session, *, now: datetime) -> list[date]:
    """Today (if a working day) and the next working days, ``BOOKING_DAYS`` in all."""
    cal = calendar(session)
    day, found = cal.local_date(now), list[date]()
    while len(found) < BOOKING_DAYS:
        if cal.is_workday(day):
            found.append(day)
        day += timedelta(days=1)
    return found


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
    """The hall's next ticket number of the day (Y001, A002 …): one atomic increment."""
    _insert_missing(session, QueueDay, hall_code=hall_code, day=day, issued=0)
    issued = session.execute(
        update(QueueDay)
        .where(QueueDay.hall_code == hall_code, QueueDay.day == day)
        .values(issued=QueueDay.issued + 1)
        .returning(QueueDay.issued)
    ).scalar_one()
    return f"{prefix}{issued:03d}"


def _insert_missing(session: Session, model: type[Any], **values: Any) -> None:
    """Insert the row unless its unique key is taken (by this or another transaction)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(postgresql.insert(model).values(**values).on_conflict_do_nothing())
    else:
        session.execute(sqlite.insert(model).values(**values).on_conflict_do_nothing())


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
    if day not in bookable_days(session, now=now):
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
    """A ticket taken in the hall (现场取号), queued at once; only on a working day from
    the first slot to the end of the last; raises ``InvalidInput`` otherwise."""
    hall = hall_of(session, hall_code)
    department = department_of(session, hall, item_code)
    day = calendar(session).local_date(now)
    opens = slot_start(hall, day, hall["slots"][0])
    closes = slot_start(hall, day, hall["slots"][-1]) + timedelta(minutes=hall["slot_minutes"])
    if not calendar(session).is_workday(day) or not opens <= now < closes:
        first, last = hall["slots"][0], closes.strftime("%H:%M")
        raise InvalidInput(
            f"大厅取号时间为工作日 {first}–{last}，请在此时间内取号或网上预约。",
            f"Tickets are taken on working days {first}–{last}; come then or book online.",
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
    ticket.state, ticket.queued_at = TicketState.waiting, max(now, begins)
    return ticket


def _check_window(user: User, hall: dict[str, Any], window_code: str) -> dict[str, Any]:
    window: dict[str, Any] | None = next(
        (w for w in hall["windows"] if w["code"] == window_code), None
    )
    if window is None:
        raise NotFound(f"没有窗口 {window_code}。", f"No window {window_code}.")
    own = user.department_code in window["serves"] or (
        ALL in window["serves"] and user.department_code is not None
    )
    if not (user.has_role(Role.clerk) and own):
        raise NotAllowed(
            "只有该窗口所属部门的受理人员可以叫号。",
            "Only clerks of the window's department can call tickets.",
        )
    return window


def call_next(
    session: Session, *, hall_code: str, window_code: str, user: User, now: datetime
) -> QueueTicket | None:
    """Call the first waiting ticket the window serves (None when nobody waits). Two
    windows calling at once never get the same ticket: the claim is a conditional update."""
    hall = hall_of(session, hall_code)
    window = _check_window(user, hall, window_code)
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
    is not called."""
    ticket = session.get(QueueTicket, ticket_id)
    if ticket is None:
        raise NotFound("没有这个号码。", "No such ticket.")
    _check_window(user, hall_of(session, ticket.hall_code), ticket.window_code or "")
    if ticket.state != TicketState.called:
        raise Conflict("该号码不在叫号中。", "That ticket is not being called.")
    ticket.state = TicketState.served if served else TicketState.no_show
    ticket.finished_at = now
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


def wait_of(session: Session, ticket: QueueTicket) -> tuple[int, int]:
    """(tickets ahead, estimated minutes) for a waiting ticket: those ahead that a window
    serving its department will call, times the day's average service time, shared by
    those windows."""
    if ticket.state != TicketState.waiting or ticket.queued_at is None:
        return 0, 0
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
    return ahead, round((ahead + 1) * per_ticket / max(1, windows))


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


def my_tickets(session: Session, *, user: User) -> list[QueueTicket]:
    """The person's tickets, newest first."""
    return list(
        session.scalars(
            select(QueueTicket)
            .where(QueueTicket.applicant_id == user.id)
            .order_by(QueueTicket.day.desc(), QueueTicket.id.desc())
        )
    )
