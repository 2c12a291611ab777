"""One row per on-site inspection of a review task, its findings per checklist item and
visit (round), and the photos taken."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tongban.db import Base, UTCDateTime
from tongban.inspection.enums import InspectionResult, InspectionState, VisitState


class Inspection(Base):
    """现场踏勘 of one review task: the two inspectors drawn (双随机), the checklist as the
    item version declared it, the appointment of the current visit and the outcome."""

    __tablename__ = "inspections"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    item_code: Mapped[str] = mapped_column(String(40))
    department_code: Mapped[str] = mapped_column(ForeignKey("departments.code"))
    first_inspector_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    second_inspector_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[InspectionState] = mapped_column(
        Enum(InspectionState, native_enum=False, length=10), index=True
    )
    round: Mapped[int] = mapped_column(Integer, default=1)  # 1; 2 after 整改
    checklist: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    pauses_clock: Mapped[bool] = mapped_column(Boolean)
    pause_id: Mapped[int | None] = mapped_column(ForeignKey("case_pauses.id"))
    ordered_by: Mapped[str] = mapped_column(String(120))
    ordered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str | None] = mapped_column(Text)  # why the reviewer ordered it
    visit_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    visit_state: Mapped[VisitState | None] = mapped_column(
        Enum(VisitState, native_enum=False, length=15)
    )
    visit_note: Mapped[str | None] = mapped_column(Text)  # what to prepare, who to meet
    reply: Mapped[str | None] = mapped_column(Text)  # the applicant's wish for another time
    rectification: Mapped[str | None] = mapped_column(Text)  # 整改要求 before the second visit
    # the result one inspector recorded, awaiting the other's co-signature (会签), and the
    # rectification it asks for; None once signed or returned
    unsigned_result: Mapped[InspectionResult | None] = mapped_column(
        Enum(InspectionResult, native_enum=False, length=10)
    )
    unsigned_rectification: Mapped[str | None] = mapped_column(Text)
    concluded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # the item's ``inspection.limit`` run out (from the order, or the rectification):
    # watched by ``inspection.tasks``; None where the item sets no limit
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def inspector_ids(self) -> tuple[int, int]:
        return (self.first_inspector_id, self.second_inspector_id)


class InspectionFinding(Base):
    """What the inspectors found on one checklist item at one visit: recorded by one of the
    two, co-signed by the other (the record counts only once both signed)."""

    __tablename__ = "inspection_findings"
    __table_args__ = (UniqueConstraint("inspection_id", "round", "check_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    check_code: Mapped[str] = mapped_column(String(40))
    passed: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    cosigned_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # the other inspector
    cosigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class InspectionPhoto(Base):
    """A photo taken on site (a file-store key), of one checklist item or of the visit."""

    __tablename__ = "inspection_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspections.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    check_code: Mapped[str | None] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(60))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())
