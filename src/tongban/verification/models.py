"""Verification requests between departments (协查): one row per question, due in working
days, answered once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tongban.cases.enums import FINAL_STATES
from tongban.cases.models import Case
from tongban.db import Base, UTCDateTime
from tongban.pii.service import Sealed


class VerificationRequest(Base):
    """A reviewing department asks another one to verify a fact of the case (协查),
    instead of asking the applicant for a certificate."""

    __tablename__ = "verification_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id"), index=True)
    from_department: Mapped[str] = mapped_column(ForeignKey("departments.code"))
    to_department: Mapped[str] = mapped_column(ForeignKey("departments.code"), index=True)
    question: Mapped[str] = mapped_column(Sealed("verification_requests.question"))
    # its English where the platform wrote the question (自动协查); None for what staff typed
    question_en: Mapped[str | None] = mapped_column(Sealed("verification_requests.question_en"))
    asked_by: Mapped[str] = mapped_column(String(120))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(120))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # asked by the platform for a material the issuing department verifies (way verified)
    material_code: Mapped[str | None] = mapped_column(String(40))
    confirmed: Mapped[bool | None] = mapped_column(Boolean)

    case: Mapped[Case] = relationship(back_populates="verifications")

    @property
    def case_number(self) -> str:
        return self.case.number

    @property
    def lapsed(self) -> bool:
        """Unanswered when its case ended: no longer due, no longer answerable."""
        return self.answered_at is None and self.case.state in FINAL_STATES
