"""Ratings (好差评): one per case, stage and round; a bad one carries the department's
rectification, its due time and the call-back to the applicant; appeals and invitations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tongban.db import Base, UTCDateTime


class Rating(Base):
    """The applicant's rating of one stage of a case (5 非常满意 … 1 非常不满意).

    ``stage`` is receipt, acceptance or completion (一事多评); ``round`` 2 is the rating
    given again after a bad one was rectified (``previous_id``).
    """

    __tablename__ = "ratings"
    __table_args__ = (UniqueConstraint("case_id", "stage", "round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # the department that answers for the rating: the case's lead department
    department_code: Mapped[str] = mapped_column(ForeignKey("departments.code"), index=True)
    stage: Mapped[str] = mapped_column(
        String(12), default="completion", server_default="completion"
    )
    channel: Mapped[str] = mapped_column(String(10), default="web", server_default="web")
    round: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("ratings.id"))
    score: Mapped[int] = mapped_column(Integer)  # overall satisfaction
    # speed, guide, convenience, ease: 1–5 each, those the applicant gave
    indicators: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, server_default="{}")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # set for bad ratings only: when the rectification is due, and the department's answer
    rectify_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    rectification: Mapped[str | None] = mapped_column(Text)
    rectified_by: Mapped[str | None] = mapped_column(String(120))
    rectified_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # the recorded call-back (回访) to the applicant that closes a rectification
    callback_note: Mapped[str | None] = mapped_column(Text)
    callback_reached: Mapped[bool | None] = mapped_column(Boolean)
    callback_by: Mapped[str | None] = mapped_column(String(120))
    callback_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RatingAppeal(Base):
    """A department's appeal (申诉) against a rating it believes unfair, decided by a
    supervisor: ``upheld`` takes the rating out of the department's score."""

    __tablename__ = "rating_appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    rating_id: Mapped[int] = mapped_column(ForeignKey("ratings.id"), unique=True)
    department_code: Mapped[str] = mapped_column(String(10), index=True)
    reason: Mapped[str] = mapped_column(Text)
    appealed_by: Mapped[str] = mapped_column(String(120))
    appealed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(String(10))  # upheld | dismissed
    decision: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RatingInvitation(Base):
    """The one invitation (智能邀评) sent for a case not rated within 3 days of its end."""

    __tablename__ = "rating_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RatingPad(Base):
    """What a window clerk's rating pad (评价器, the second screen) shows: the case the
    clerk offered for rating and its stage, until the applicant rates or it goes stale
    (``ratings.pad``). One row per clerk: a new offer replaces the last."""

    __tablename__ = "rating_pads"

    clerk_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    stage: Mapped[str] = mapped_column(String(12))
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime())
