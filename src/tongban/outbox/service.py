"""The outbox domain promises: notifications are derived from audit entries here and
only here, stored in the same transaction as the change, and leave after commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban import timefmt
from tongban.audit.models import AuditEntry
from tongban.outbox.models import OutboxMessage

# Actions the applicant hears about, with the topic of the message.
APPLICANT_TOPICS: dict[str, str] = {
    "case.submit": "case_received",
    "case.resubmit": "case_received",
    "case.withdraw": "case_withdrawn",
    "case.review_complete": "review_complete",
    "case.approve": "case_approved",
    "case.request_correction": "correction_requested",
    "case.accept": "case_accepted",
    "case.deem_accept": "case_accepted",
    "case.reject": "case_rejected",
    "case.refuse": "case_refused",
    "case.issue": "result_issued",
    "case.deliver": "result_delivered",
    "case.extend": "time_limit_extended",
    "case.pause": "clock_paused",
    "case.resume": "clock_resumed",
    "calendar.deadline_recomputed": "deadline_changed",
    "rating.rectify": "rating_rectified",  # the department answered a bad rating
    "licence.issued": "licence_issued",
    "licence.suspended": "licence_status_changed",
    "licence.resumed": "licence_status_changed",
    "licence.revoked": "licence_status_changed",
    "licence.cancelled": "licence_status_changed",
    "licence.expired": "licence_status_changed",
    "case.commitment_refused": "commitment_refused",  # 告知承诺 not open to the applicant
    "post_check.failed": "post_check_failed",  # the licence was revoked
    "case.deficiency_accepted": "deficiency_notice",  # 容缺受理通知书
    "case.deficiency_reminder": "deficiency_reminder",
    "case.deficiency_supplied": "deficiency_supplied",
    "case.terminate": "case_terminated",  # 终止办理
}


def enqueue_for(session: Session, *, entry: AuditEntry) -> list[OutboxMessage]:
    """Queue the in-app messages an audit entry implies."""
    topic = APPLICANT_TOPICS.get(entry.action)
    if topic is None or entry.subject_id is None:
        return []
    message = OutboxMessage(
        created_at=entry.at,
        audit_entry_id=entry.id,
        channel="inapp",
        recipient_id=entry.subject_id,
        topic=topic,
        payload=_payload(entry),
    )
    session.add(message)
    return [message]


def _payload(entry: AuditEntry) -> dict[str, Any]:
    """The case, the opinion, and any deadlines that moved, written as pages write them."""
    payload: dict[str, Any] = {
        "case_id": entry.case_id,
        "object_id": entry.object_id,
        "opinion": entry.opinion,
    }
    moved = (entry.data or {}).get("clocks")
    if moved:
        payload["deadlines"] = [
            {
                "kind": clock["kind"],
                "due_at": clock["new"],
                "due_label": timefmt.deadline(datetime.fromisoformat(clock["new"])),
                "previous_label": timefmt.deadline(datetime.fromisoformat(clock["old"])),
            }
            for clock in moved
        ]
    return payload


def inbox(session: Session, *, user_id: int, limit: int = 50) -> Sequence[OutboxMessage]:
    """The newest in-app messages of one user."""
    query = select(OutboxMessage).where(
        OutboxMessage.recipient_id == user_id, OutboxMessage.channel == "inapp"
    )
    return session.scalars(query.order_by(OutboxMessage.id.desc()).limit(limit)).all()
