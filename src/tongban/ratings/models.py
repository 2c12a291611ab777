"""One rating per case; a bad one carries the department's rectification and its due time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tongban.db import Base, UTCDateTime


class Rating(Base):
    """The applicant's 1–5 rating of a finished case (5 非常满意 … 1 非常不满意)."""

    __tablename__ = "ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # the department that answers for the rating: the case's lead department
    department_code: Mapped[str] = mapped_column(ForeignKey("departments.code"), index=True)
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # set for bad ratings only: when the rectification is due, and the department's answer
    rectify_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    rectification: Mapped[str | None] = mapped_column(Text)
    rectified_by: Mapped[str | None] = mapped_column(String(120))
    rectified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
