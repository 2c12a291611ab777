"""The questions the guide assistant could not answer (未能回答的问题), kept so that catalog
administrators see what people ask and add an FAQ entry or a synonym for it; and the
tokens of each catalog version as the worker cut them, shared by every web process."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from tongban.db import Base, UTCDateTime


class UnansweredQuestion(Base):
    """One question the assistant could not answer, as first asked (in simplified
    characters, long digit runs masked), with how often it was asked: ``asks`` counts
    every ask of it, from any address, between ``first_asked_at`` and ``last_asked_at``.
    No one's identity is kept with it. ``key`` is the question as compared (folded, without
    spaces: "开KTV" and "开 ktv" are one question); one open row per key. ``resolved_at`` is
    set when an administrator added catalog data for it or took it off the list."""

    __tablename__ = "assistant_unanswered"
    __table_args__ = (
        Index(
            "uq_assistant_unanswered_open_key",
            "key",
            unique=True,
            sqlite_where=text("resolved_at IS NULL"),
            postgresql_where=text("resolved_at IS NULL"),
        ),
        Index("ix_assistant_unanswered_open", "resolved_at", "asks"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200))
    asks: Mapped[int] = mapped_column(Integer, default=1)
    first_asked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_asked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class QuestionSource(Base):
    """How many new questions one source added to the list on one day (UTC): what the
    per-source limit counts (``assistant_questions_per_source_per_day``). ``source`` is a digest of the
    network address keyed with the server's secret and the day, so it names no address,
    differs from day to day and is linked to no question; rows of earlier days are dropped."""

    __tablename__ = "assistant_question_sources"
    __table_args__ = (UniqueConstraint("day", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(32))
    kept: Mapped[int] = mapped_column(Integer, default=0)


class EntryCut(Base):
    """The tokens one catalog version is found by (``retrieval.cut``), cut by the worker
    once for every web process. ``cut_with`` names the cutting code and dictionaries
    (``cuts.fingerprint``): a row cut with other ones is cut again."""

    __tablename__ = "assistant_entry_cuts"

    version_id: Mapped[int] = mapped_column(
        ForeignKey("catalog_versions.id", ondelete="CASCADE"), primary_key=True
    )
    cut_with: Mapped[str] = mapped_column(String(16))
    document: Mapped[list[str]] = mapped_column(JSON)
    subject: Mapped[list[str]] = mapped_column(JSON)
    cut_at: Mapped[datetime] = mapped_column(UTCDateTime())
