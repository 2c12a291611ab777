"""One row per public notice (公示) of a case before its decision, and per objection."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from tongban.db import Base, UTCDateTime
from tongban.notices.enums import NoticeState, ObjectionState
from tongban.pii.service import Sealed


class PublicNotice(Base):
    """The notice of one case's favourable initial opinion, shown to the public from
    ``opened_at`` to ``ends_at``. ``shown`` holds only what the public page shows, masked
    when the notice opened (name 张*, district, household size): the page never reads the
    case's personal data."""

    __tablename__ = "public_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"))  # the decision task it holds
    item_code: Mapped[str] = mapped_column(String(40))
    department_code: Mapped[str] = mapped_column(ForeignKey("departments.code"))
    shown: Mapped[dict[str, Any]] = mapped_column(JSON)
    days: Mapped[int]
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    state: Mapped[NoticeState] = mapped_column(
        Enum(NoticeState, native_enum=False, length=10), index=True
    )
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Objection(Base):
    """An objection (异议) anyone filed during the notice, with its reason and an optional
    contact (sealed at rest), and the reviewing department's examination of it."""

    __tablename__ = "notice_objections"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("public_notices.id"), index=True)
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(Sealed("notice_objections.reason"))
    contact: Mapped[str | None] = mapped_column(Sealed("notice_objections.contact"))
    state: Mapped[ObjectionState] = mapped_column(
        Enum(ObjectionState, native_enum=False, length=10)
    )
    examined_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    examined_by: Mapped[str | None] = mapped_column(Sealed("notice_objections.examined_by"))
    examined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finding: Mapped[str | None] = mapped_column(Sealed("notice_objections.finding"))
    # SHA-256 (hex) of the lookup code on the receipt: the second factor of the lookup
    code_hash: Mapped[str | None] = mapped_column(String(64))
