"""Time-limit alerts (电子监察): one row per watched thing and level, raised once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tongban.db import Base, UTCDateTime


class Alert(Base):
    """A warning, an overdue limit or an escalation, raised for a department when the
    moment came; ``resolved_at`` is set when the watched thing ends (the stage finished,
    the request answered, the rating rectified)."""

    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("watched", "watched_id", "level", name="uq_alerts_watched_level"),
        Index("ix_alerts_open", "department_code", "resolved_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    watched: Mapped[str] = mapped_column(String(20))  # Watched
    watched_id: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(10))  # AlertLevel
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    department_code: Mapped[str] = mapped_column(ForeignKey("departments.code"))
    what: Mapped[str] = mapped_column(String(30))  # stage name, promised, legal, verification …
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())  # the limit, when raised
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
