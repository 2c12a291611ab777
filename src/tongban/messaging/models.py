"""One row per message on a case: a thread per department of the case, between that
department and the applicant (or the agent acting for them)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from tongban.db import Base, UTCDateTime
from tongban.pii.service import Sealed


class CaseMessage(Base):
    """A message of a case's thread with one department (在线沟通); the text is sealed at
    rest (it may hold personal data), an attachment is a file-store key."""

    __tablename__ = "case_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    department_code: Mapped[str] = mapped_column(ForeignKey("departments.code"), index=True)
    from_applicant: Mapped[bool] = mapped_column(Boolean)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Sealed("case_messages.body"))
    attachment_key: Mapped[str | None] = mapped_column(String(64))
    attachment_name: Mapped[str | None] = mapped_column(String(200))
    attachment_type: Mapped[str | None] = mapped_column(String(60))
    attachment_size: Mapped[int | None] = mapped_column(Integer)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
