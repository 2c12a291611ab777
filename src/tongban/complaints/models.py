"""Complaints, suggestions and consultations (12345 热线 and online): one row each, with
the person's contact and text sealed at rest."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tongban.cases.models import Case
from tongban.db import Base, UTCDateTime
from tongban.pii.service import Sealed


class Complaint(Base):
    """One complaint, suggestion or consultation: filed online by a signed-in person or
    recorded by a hotline operator from a call; routed to one department at a time, due
    ``limit_working_days`` working days after it was filed, answered once, called back."""

    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(15))  # Kind
    channel: Mapped[str] = mapped_column(String(10))  # Channel
    state: Mapped[str] = mapped_column(String(10), index=True)  # State
    applicant_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # the operator
    caller_name: Mapped[str | None] = mapped_column(Sealed("complaints.caller_name"))
    phone: Mapped[str | None] = mapped_column(Sealed("complaints.phone"))
    content: Mapped[str] = mapped_column(Sealed("complaints.content"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    department_code: Mapped[str | None] = mapped_column(ForeignKey("departments.code"), index=True)
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    limit_working_days: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    routed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    return_reason: Mapped[str | None] = mapped_column(Sealed("complaints.return_reason"))
    returned_by_department: Mapped[str | None] = mapped_column(String(10))
    answer: Mapped[str | None] = mapped_column(Sealed("complaints.answer"))
    answered_by: Mapped[str | None] = mapped_column(Sealed("complaints.answered_by"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    satisfaction: Mapped[str | None] = mapped_column(String(15))  # Satisfaction
    callback_note: Mapped[str | None] = mapped_column(Sealed("complaints.callback_note"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attachment_key: Mapped[str | None] = mapped_column(String(64))
    attachment_name: Mapped[str | None] = mapped_column(String(200))
    attachment_type: Mapped[str | None] = mapped_column(String(60))

    case: Mapped[Case | None] = relationship()

    @property
    def case_number(self) -> str | None:
        """The number of the case the complaint is about (None: about no case)."""
        return self.case.number if self.case is not None else None
