"""The questions the guide assistant could not answer (未能回答的问题), kept so that catalog
administrators see what people ask and add an FAQ entry or a synonym for it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from tongban.db import Base, UTCDateTime


class UnansweredQuestion(Base):
    """One question the assistant could not answer, as asked (folded, in simplified
    characters, long digit runs masked); no one's identity is kept with it. ``resolved_at``
    is set when an administrator added catalog data for it."""

    __tablename__ = "assistant_unanswered"
    __table_args__ = (Index("ix_assistant_unanswered_open", "resolved_at", "question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question: Mapped[str] = mapped_column(String(200))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
