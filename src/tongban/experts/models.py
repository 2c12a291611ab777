"""The expert register (专家库) and expert panels (专家评审): one row per expert, per panel
a case was sent to, and per expert drawn onto a panel (a seat)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.db import Base, UTCDateTime
from tongban.pii.service import Sealed


class Expert(Base):
    """An expert of the register: their account (role ``expert``: the name, sign-in and
    e-mail), fields of expertise, employer (its credit code finds conflicts of interest)
    and phone, sealed at rest like every name and contact."""

    __tablename__ = "experts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    fields: Mapped[list[Any]] = mapped_column(JSON, default=list)  # ``enums.Field`` values
    employer: Mapped[str] = mapped_column(Sealed("experts.employer"))
    employer_credit_code: Mapped[str | None] = mapped_column(String(18), index=True)
    phone: Mapped[str | None] = mapped_column(Sealed("experts.phone"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(lazy="joined")

    @property
    def name(self) -> str:
        return self.user.display_name


class Panel(Base):
    """A case sent to experts of one field (专家评审) by the reviewer of an open task, with a
    deadline; the case clock is paused (art. 45) from ``convened_at`` until it closes."""

    __tablename__ = "expert_panels"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"))
    field: Mapped[str] = mapped_column(String(20))
    size: Mapped[int] = mapped_column(Integer)
    question: Mapped[str] = mapped_column(Sealed("expert_panels.question"))
    convened_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    convened_by: Mapped[str] = mapped_column(Sealed("expert_panels.convened_by"))
    convened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    state: Mapped[str] = mapped_column(String(10))  # ``enums.PanelState``
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_why: Mapped[str | None] = mapped_column(String(20))  # answered | deadline | case_ended

    case: Mapped[Case] = relationship()
    seats: Mapped[list[Seat]] = relationship(
        back_populates="panel", order_by="Seat.id", lazy="selectin"
    )


class Seat(Base):
    """One expert drawn onto a panel: their declaration on opening (回避 or not), and their
    opinion (verdict, text, an optional attachment in the file store)."""

    __tablename__ = "expert_seats"
    __table_args__ = (UniqueConstraint("panel_id", "expert_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(ForeignKey("expert_panels.id"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"), index=True)
    state: Mapped[str] = mapped_column(String(10))  # ``enums.SeatState``
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime())
    declared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    recusal: Mapped[str | None] = mapped_column(Sealed("expert_seats.recusal"))
    verdict: Mapped[str | None] = mapped_column(String(12))  # ``enums.Verdict``
    opinion: Mapped[str | None] = mapped_column(Sealed("expert_seats.opinion"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attachment_name: Mapped[str | None] = mapped_column(String(200))
    attachment_type: Mapped[str | None] = mapped_column(String(60))
    attachment_key: Mapped[str | None] = mapped_column(String(200))

    panel: Mapped[Panel] = relationship(back_populates="seats")
    expert: Mapped[Expert] = relationship(lazy="joined")
