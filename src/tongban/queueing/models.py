"""Slots, per-day counters and tickets. Capacity and numbering are kept by conditional
updates of one row each (``queue_slots.booked``, ``queue_days.issued``), so concurrent
requests never overbook a slot nor hand out one number twice, on SQLite and PostgreSQL.
Each prefix (Y booked, A taken at the hall) has its own counter per hall and day.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, Enum, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tongban.db import Base, UTCDateTime


class TicketState(StrEnum):
    booked = "booked"  # 已预约: a slot is held, the person has not arrived
    waiting = "waiting"  # 已取号/已签到: in the hall, in the queue
    called = "called"  # 已叫号: a window called it
    served = "served"  # 已办理
    no_show = "no_show"  # 过号: called and did not come
    cancelled = "cancelled"  # 已取消 (by the person, before check-in)


class QueueSlot(Base):
    """One bookable slot of a hall on one day: ``capacity`` tickets (windows × per window)."""

    __tablename__ = "queue_slots"
    __table_args__ = (UniqueConstraint("hall_code", "day", "starts"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_code: Mapped[str] = mapped_column(String(20))
    day: Mapped[date] = mapped_column(Date)
    starts: Mapped[str] = mapped_column(String(5))  # local "HH:MM"
    capacity: Mapped[int] = mapped_column(Integer)
    booked: Mapped[int] = mapped_column(Integer, default=0)


class QueueDay(Base):
    """The counter of ticket numbers of one prefix (Y booked, A taken at the hall) in one
    hall on one day: the first ticket taken at the hall is A001 whatever was booked."""

    __tablename__ = "queue_days"
    __table_args__ = (UniqueConstraint("hall_code", "day", "prefix"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_code: Mapped[str] = mapped_column(String(20))
    day: Mapped[date] = mapped_column(Date)
    prefix: Mapped[str] = mapped_column(String(1))
    issued: Mapped[int] = mapped_column(Integer, default=0)


class QueueTicket(Base):
    """A ticket: ``number`` is what the display calls (Y012 booked, A034 taken at the hall);
    ``code`` what the person types at check-in."""

    __tablename__ = "queue_tickets"
    __table_args__ = (
        UniqueConstraint("hall_code", "day", "number", name="uq_queue_tickets_number"),
        UniqueConstraint("hall_code", "day", "code", name="uq_queue_tickets_code"),
        Index("ix_queue_tickets_waiting", "hall_code", "day", "state", "queued_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_code: Mapped[str] = mapped_column(String(20))
    day: Mapped[date] = mapped_column(Date)
    number: Mapped[str] = mapped_column(String(8))
    code: Mapped[str] = mapped_column(String(6))
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("queue_slots.id"))
    item_code: Mapped[str] = mapped_column(String(40))
    department_code: Mapped[str] = mapped_column(String(20))
    applicant_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[TicketState] = mapped_column(Enum(TicketState, native_enum=False, length=20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # place in the queue
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    window_code: Mapped[str | None] = mapped_column(String(20))
    called_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class KioskTerminal(Base):
    """A hall's registered self-service terminal (自助终端), known by the SHA-256 of its
    token (the token itself is shown once, when it is registered). Revoked
    (``revoked_at``), it is no registered terminal from its next request on."""

    __tablename__ = "kiosk_terminals"

    id: Mapped[int] = mapped_column(primary_key=True)
    hall_code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(40))
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def label(self) -> str:
        """``HALL:NAME``, as its audit entries name it (they are filed under its id)."""
        return f"{self.hall_code}:{self.name}"
