"""Messages waiting to leave the system after commit (发件箱).

One table for every channel. A row addressed to a person (``recipient_id``) in channel
``inapp`` is that person's message centre entry; one addressed to a department
(``department_code``, channel ``department``) is spread to its staff by the delivery
sweep; rows in channel ``email`` or ``sms`` are copies of an in-app message
(``parent_id``) going to an address, tried with backoff until sent or failed, or a text
to someone with no account (no ``recipient_id``, no ``address``: the number is looked up
as it is sent).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tongban.db import Base, UTCDateTime
from tongban.pii.service import Sealed, SealedJSON


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_messages_pending", "sent_at", "id"),
        Index("ix_outbox_messages_due", "status", "next_attempt_at"),
        Index("ix_outbox_messages_unread", "recipient_id", "channel", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    audit_entry_id: Mapped[int] = mapped_column(ForeignKey("audit_entries.id"))
    # written with its entry at the commit, one INSERT per table (``audit.pending``)
    channel: Mapped[str] = mapped_column(String(20))  # inapp | department | email | sms
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    department_code: Mapped[str | None] = mapped_column(String(10))
    topic: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict[str, Any]] = mapped_column(
        SealedJSON("outbox_messages.payload"), default=dict
    )
    # pending → sent, or failed once every attempt is spent (shown to operators)
    status: Mapped[str] = mapped_column(String(10), default="pending", server_default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_messages.id"), index=True)
    # e-mail address or phone number; None for a text whose number is looked up at sending
    address: Mapped[str | None] = mapped_column(Sealed("outbox_messages.address"))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
