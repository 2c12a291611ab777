"""Post-approval checks of commitment approval (事后核查) and acceptances with
deficiencies (容缺受理): each a row with its own due moment (``due_at``) that the worker's
sweeps read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tongban.cases.models import Case
from tongban.db import Base, UTCDateTime
from tongban.lenient.enums import CheckState, DeficiencyState


class PostCheck(Base):
    """A check after a commitment approval that the applicant really meets what they
    promised; owned by a department, due in working days from the approval."""

    __tablename__ = "post_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    item_code: Mapped[str] = mapped_column(String(40))
    department_code: Mapped[str] = mapped_column(ForeignKey("departments.code"), index=True)
    scope: Mapped[str | None] = mapped_column(Text)
    scope_en: Mapped[str | None] = mapped_column(Text)  # its English, where the catalog gives it
    limit_days: Mapped[int] = mapped_column(Integer)
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    state: Mapped[CheckState] = mapped_column(
        Enum(CheckState, native_enum=False, length=20), default=CheckState.scheduled
    )
    finding: Mapped[str | None] = mapped_column(Text)
    checked_by: Mapped[str | None] = mapped_column(String(120))
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    overdue_noted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    case: Mapped[Case] = relationship()

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class Deficiency(Base):
    """A case accepted with secondary materials missing: which ones, in what form, by
    when; the signed deficiency commitment; reminders and the outcome."""

    __tablename__ = "deficiencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    # [{code, name, name_en, formats, copies}] as the notice lists them
    materials: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    commitment_material_id: Mapped[int | None] = mapped_column(ForeignKey("materials.id"))
    notice_document_id: Mapped[int | None] = mapped_column(ForeignKey("result_documents.id"))
    accepted_by: Mapped[str] = mapped_column(String(120))
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    state: Mapped[DeficiencyState] = mapped_column(
        Enum(DeficiencyState, native_enum=False, length=20), default=DeficiencyState.open
    )
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    case: Mapped[Case] = relationship()

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
