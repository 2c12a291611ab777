"""One row per message on a case: a thread per department of the case, between that
department and the applicant (or the agent acting for them); one row per file sent with
a message."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tongban.db import Base, UTCDateTime
from tongban.pii.service import Sealed


class CaseMessage(Base):
    """A message of a case's thread with one department (在线沟通); the text is sealed at
    rest (it may hold personal data); its files are its ``attachments``."""

    __tablename__ = "case_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    department_code: Mapped[str] = mapped_column(ForeignKey("departments.code"), index=True)
    from_applicant: Mapped[bool] = mapped_column(Boolean)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Sealed("case_messages.body"))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    attachments: Mapped[list[MessageAttachment]] = relationship(
        order_by="MessageAttachment.id", lazy="selectin", cascade="all, delete-orphan"
    )


class MessageAttachment(Base):
    """One file sent with a message, in the order sent: a file-store key, the file's name
    as sent, its media type and size in bytes."""

    __tablename__ = "message_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("case_messages.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(60))
    size: Mapped[int] = mapped_column(Integer)
