"""Runs of a policy and the offers they make (one per policy, period and subject)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tongban.db import Base, UTCDateTime
from tongban.pii.service import LookupKey, Sealed


class BenefitRun(Base):
    """One run of a policy (the proactive item ``item_code``) over one period (``2026-11``):
    who started it and what it found. Runs may repeat; offers do not."""

    __tablename__ = "benefit_runs"
    __table_args__ = (Index("ix_benefit_runs_item_period", "item_code", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_code: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(7))
    actor_name: Mapped[str] = mapped_column(Sealed("benefit_runs.actor_name"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    searched: Mapped[int] = mapped_column(Integer, default=0)
    eligible: Mapped[int] = mapped_column(Integer, default=0)
    new_offers: Mapped[int] = mapped_column(Integer, default=0)
    notified: Mapped[int] = mapped_column(Integer, default=0)
    granted: Mapped[int] = mapped_column(Integer, default=0)
    without_account: Mapped[int] = mapped_column(Integer, default=0)
    texted: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # SMS sent
    undetermined: Mapped[int] = mapped_column(Integer, default=0)


class BenefitOffer(Base):
    """A subject (resident ID or credit code) found eligible for a policy in a period.

    The unique key (item, period, subject) is what makes runs idempotent, also when two
    runs race: an offer is inserted once, and ``notified_at`` is claimed once.
    ``user_id`` is the subject's account, once one is known (without one nobody can be
    granted: a later run tries again). ``sms_at``: when a subject with no account was sent
    a text at the mobile number their register holds (claimed once, like ``notified_at``).
    """

    __tablename__ = "benefit_offers"
    __table_args__ = (UniqueConstraint("item_code", "period", "subject_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_code: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(7))
    subject_key: Mapped[str] = mapped_column(LookupKey(), index=True)
    subject_name: Mapped[str] = mapped_column(String(200))
    grant_way: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(10), default="offered")
    run_id: Mapped[int] = mapped_column(ForeignKey("benefit_runs.id"))
    found_at: Mapped[datetime] = mapped_column(UTCDateTime())
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sms_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    granted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    note: Mapped[str | None] = mapped_column(String(300))  # why a grant could not be made
