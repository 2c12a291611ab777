"""Messages to applicants write deadlines the way pages do (issue 8, fault 5)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.audit import service as audit
from tongban.outbox.models import OutboxMessage


def test_a_deadline_changed_message_carries_the_new_last_day(db: Session) -> None:
    applicant = db.scalar(select(User).where(User.username == "zhangsan"))
    assert applicant is not None
    entry = audit.record(
        db,
        at=datetime(2026, 12, 1, 2, 0, tzinfo=UTC),
        action="calendar.deadline_recomputed",
        actor=audit.SYSTEM,
        object_type="case",
        object_id="350100202612010000001",
        subject_id=applicant.id,
        data={
            "clocks": [
                {
                    "kind": "legal",
                    "old": "2027-01-12T16:00:00+00:00",  # 2027-01-13 00:00 in Fuzhou
                    "new": "2027-01-13T16:00:00+00:00",
                    "provisional": False,
                }
            ]
        },
    )
    audit.write_now(db)  # written now (else at the commit): the entry gets its id
    message = db.scalar(select(OutboxMessage).where(OutboxMessage.audit_entry_id == entry.id))
    assert message is not None and message.topic == "deadline_changed"
    [deadline] = message.payload["deadlines"]
    assert deadline["due_label"] == "2027-01-13" and deadline["previous_label"] == "2027-01-12"
