"""Screening rows: what each received case is indexed by, and the flags raised on it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tongban.db import Base, UTCDateTime
from tongban.pii.service import LookupKey


class RiskMark(Base):
    """One value a received case gave (its subject, a phone, an address, a file's hash),
    so that later cases giving the same value are found by one indexed query."""

    __tablename__ = "risk_marks"
    __table_args__ = (Index("ix_risk_marks_kind_value", "kind", "value", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    # keyed hashes (``pii.lookup_key``): equal values are found, none is stored
    value: Mapped[str] = mapped_column(LookupKey(200))
    subject: Mapped[str] = mapped_column(LookupKey())
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class RiskFlag(Base):
    """An anomaly found on a case when it was received, explaining itself."""

    __tablename__ = "risk_flags"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    message_zh: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
