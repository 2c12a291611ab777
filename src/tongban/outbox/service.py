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
}


# Actions staff hear about (电子监察), with the topic; the entry's ``data["recipients"]``
# names them (the department's staff, for an escalation its head and the supervisors).
STAFF_TOPICS: dict[str, str] = {
    "alert.warning": "limit_warning",
    "alert.overdue": "limit_overdue",
    "alert.escalated": "limit_escalated",
}


def enqueue_for(session: Session, *, entry: AuditEntry) -> list[OutboxMessage]:
    """Queue the in-app messages an audit entry implies: to the applicant it concerns,
    or to the staff it names."""
    topic = APPLICANT_TOPICS.get(entry.action)
    recipients = [entry.subject_id] if topic is not None and entry.subject_id else []
    if topic is None and entry.action in STAFF_TOPICS:
        topic, recipients = STAFF_TOPICS[entry.action], (entry.data or {}).get("recipients", [])
    messages = [
        OutboxMessage(
            created_at=entry.at,
            audit_entry_id=entry.id,
            channel="inapp",
            recipient_id=recipient,
            topic=topic,
            payload=_payload(entry),
        )
        for recipient in recipients
    ]
    session.add_all(messages)
    return messages


def _payload(entry: AuditEntry) -> dict[str, Any]:
    """The case, the opinion, and any deadlines that moved, written as pages write them."""
    payload: dict[str, Any] = {
        "case_id": entry.case_id,
        "object_id": entry.object_id,
        "opinion": entry.opinion,
    }
    alert = (entry.data or {}).get("alert")
    if alert:
        payload["alert"] = alert
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
