"""What the rules decided on each receipt of a case of an instant item."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tongban.db import Base, UTCDateTime
from tongban.pii.service import SealedJSON


class InstantDecision(Base):
    """One decision of the rules on a received case: the outcome, the deciding row and its
    reason, the facts the rules saw (for the dry run of later rule sets) and the risk flags
    that sent the case to a person."""

    __tablename__ = "instant_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    catalog_version_id: Mapped[int] = mapped_column(ForeignKey("catalog_versions.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    outcome: Mapped[str] = mapped_column(String(20))  # approve / refuse / to_person
    reason: Mapped[str] = mapped_column(Text)
    reason_en: Mapped[str] = mapped_column(Text)
    item_code: Mapped[str | None] = mapped_column(String(40))  # whose table decided
    row: Mapped[int | None] = mapped_column(Integer)  # 1-based row of that table
    facts: Mapped[dict[str, Any]] = mapped_column(
        SealedJSON("instant_decisions.facts"), default=dict
    )
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
