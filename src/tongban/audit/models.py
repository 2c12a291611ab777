"""Append-only audit trail (审计日志)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tongban.db import Base, UTCDateTime
from tongban.pii.service import Sealed


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_case_id_at", "case_id", "at"),
        # sign-in throttling counts recent entries per username and per network address
        Index("ix_audit_entries_action_object_at", "action", "object_id", "at"),
        Index("ix_audit_entries_action_source_at", "action", "source_address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    action: Mapped[str] = mapped_column(String(60), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(Sealed("audit_entries.actor_name"))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(60))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    department_code: Mapped[str | None] = mapped_column(String(10))
    from_state: Mapped[str | None] = mapped_column(String(30))
    to_state: Mapped[str | None] = mapped_column(String(30))
    opinion: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    source_address: Mapped[str | None] = mapped_column(String(45))  # client IP, IPv6 at most
    # the hash chain (``audit.chain``): set when the entry's transaction commits
    seq: Mapped[int | None] = mapped_column(unique=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))

    @property
    def opinion_en(self) -> str | None:
        """The opinion in English where the platform wrote it (``data["opinion_en"]``, beside
        the Chinese ``opinion``); None for what a person typed, which is shown as typed."""
        found = (self.data or {}).get("opinion_en")
        return str(found) if found else None


class AuditHead(Base):
    """The chain's head as the worker last anchored it: one row (``id`` 1), moved forward
    only (a trigger refuses a smaller ``seq`` and a DELETE). ``tongban audit verify`` checks
    that the chain still holds ``hash`` at ``seq``, so entries cut off the end are found
    without a log (migration ``0056_audit_head``)."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int]
    hash: Mapped[str] = mapped_column(String(64))
