"""The outbox domain promises: notifications are derived from audit entries here and
only here, stored in the same transaction as the change, and leave after commit.

An entry whose action is in ``APPLICANT_TOPICS`` gives its subject (the applicant) an
in-app message; one in ``DEPARTMENT_TOPICS`` whose data names a department gives that
department one (spread to its staff by ``tongban.notifications``, which also sends the
e-mail and SMS copies); one in ``REGISTER_SMS_TOPICS`` texts a subject who has no account. Messages are read in the message centre (``inbox``,
``unread_count``, ``mark_read``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tongban import timefmt
from tongban.errors import NotFound
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
    "rating.callback": "rating_open_again",  # reached by the call-back: may rate again
    "licence.issued": "licence_issued",
    "licence.suspended": "licence_status_changed",
    "licence.resumed": "licence_status_changed",
    "licence.revoked": "licence_status_changed",
    "licence.penalty_revoked": "licence_status_changed",
    "licence.cancelled": "licence_status_changed",
    "licence.expired": "licence_status_changed",
    "rating.invite": "rating_invited",  # 智能邀评: a finished case not rated in time
    "benefit.offered": "benefit_offered",  # 免申即享: found eligible, one click to accept
    "benefit.granted": "benefit_granted",  # 免申即享: granted with no action
    "case.commitment_refused": "commitment_refused",  # 告知承诺 not open to the applicant
    "post_check.failed": "post_check_failed",  # the licence was revoked
    "case.deficiency_accepted": "deficiency_notice",  # 容缺受理通知书
    "case.deficiency_reminder": "deficiency_reminder",
    "case.deficiency_supplied": "deficiency_supplied",
    "case.terminate": "case_terminated",  # 终止办理
    "payment.ordered": "payment_due",  # 缴款通知: the amount, the code, the deadline
    "payment.paid": "payment_received",
    "payment.expired": "payment_expired",
    "payment.refunded": "payment_refunded",
    "payment.late_refunded": "payment_refunded",
    "delivery.pickup_code": "pickup_ready",  # 取件码 on the case page
    "delivery.status": "delivery_status",  # the courier's statuses of a posted result
    "message.to_applicant": "case_message",  # 在线沟通: a department wrote on the case
    "complaint.answer": "complaint_answered",  # 12345: the department answered online
    "inspection.propose": "inspection_visit_proposed",  # 现场踏勘: a time to accept or not
    "inspection.passed": "inspection_result",
    "inspection.failed": "inspection_result",
    "inspection.rectify": "inspection_result",  # 限期整改: what to rectify before the re-visit
}


# Actions a department hears about: the topic, and the key of the entry's data that
# names the department (an entry without that key, or with it empty, tells no department).
DEPARTMENT_TOPICS: dict[str, tuple[str, str]] = {
    "verification.ask": ("verification_requested", "to_department"),
    "verification.answer": ("verification_answered", "from_department"),
    "rating.create": ("bad_rating_received", "bad_for_department"),  # set for bad ones only
    "rating.appeal_decide": ("rating_appeal_decided", "department"),
    "message.to_department": ("case_message_received", "department"),  # the applicant wrote
    "notice.objection_filed": ("objection_received", "department"),  # 公示 异议: the reviewers
    "complaint.route": ("complaint_routed", "department"),  # 12345 派单
}


# Actions staff hear about (电子监察), with the topic; the entry's ``data["recipients"]``
# names them (the department's staff, for an escalation its head and the supervisors).
STAFF_TOPICS: dict[str, str] = {
    "alert.warning": "limit_warning",
    "alert.overdue": "limit_overdue",
    "alert.escalated": "limit_escalated",
    "inspection.order": "inspection_assigned",  # 双随机: the two inspectors drawn
    "expert_panel.convened": "expert_drawn",  # 专家评审: the experts drawn
    "expert_panel.redrawn": "expert_drawn",  # the expert drawn in place of one who recused
    "expert_panel.reminder": "expert_opinion_due",  # a working day before the deadline
    "expert_panel.short": "expert_not_replaced",  # to the convener: no expert left to draw
    "inspection.accept_visit": "inspection_visit_answered",
    "inspection.ask_other_time": "inspection_visit_answered",
    "inspection.record": "inspection_record_to_sign",  # 会签: the other inspector signs
    "inspection.record_returned": "inspection_record_returned",  # to the one who recorded
    "task.assigned": "task_assigned",  # 人员随机分配: the new holder
    "task.unstaffed": "task_unstaffed",  # nobody present may hold it: the head, the supervisors
    "task.reassigned": "task_reassigned",  # 改派: the new holder
    "task.taken": "task_taken",  # 接手: whom it was taken from
    "task.delegated": "task_delegated",  # 不在岗委托: the deputy
    "rating.appeal": "rating_appeal_filed",  # 差评申诉: the region's supervisors decide it
}


# Actions whose subject has no account: a text message to the mobile number the subject's
# register holds, with the topic. The number is looked up as the text leaves
# (``notifications.delivery.ADDRESS_BOOKS``), so neither the entry nor the row holds it.
REGISTER_SMS_TOPICS: dict[str, str] = {
    "benefit.sms_offered": "benefit_offered_sms",  # 免申即享: eligible, no account yet
}


def message_rows(entry: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The messages an audit entry (its columns) implies, as rows of ``outbox_messages``:
    in-app to its subject (the applicant), to the staff it names (``data["recipients"]``:
    an alert's), to a department; a text to a subject with no account
    (``REGISTER_SMS_TOPICS``). They are written with the entry (``audit.pending``), which
    sets their ``audit_entry_id``."""
    action, data = entry["action"], entry["data"] or {}
    topic = APPLICANT_TOPICS.get(action)
    department_topic, key = DEPARTMENT_TOPICS.get(action, (None, ""))
    department = data.get(key) if department_topic else None
    recipients = data.get("recipients", []) if action in STAFF_TOPICS else []
    told: list[tuple[str, str, int | None, str | None]] = []
    if topic is not None and entry["subject_id"] is not None:
        told.append((topic, "inapp", entry["subject_id"], None))
    told += [(STAFF_TOPICS[action], "inapp", recipient, None) for recipient in recipients]
    if department_topic is not None and department:
        told.append((department_topic, "department", None, str(department)))
    if action in REGISTER_SMS_TOPICS:
        told.append((REGISTER_SMS_TOPICS[action], "sms", None, None))
    if not told:
        return []
    payload = _payload(entry)
    return [
        {
            "created_at": entry["at"],
            "audit_entry_id": None,
            "channel": channel,
            "recipient_id": recipient_id,
            "department_code": department_code,
            "topic": message_topic,
            "payload": payload,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": entry["at"],
            "last_error": None,
            "parent_id": None,
            "address": None,
            "sent_at": None,
            "read_at": None,
        }
        for message_topic, channel, recipient_id, department_code in told
    ]


def _payload(entry: Mapping[str, Any]) -> dict[str, Any]:
    """The case, the opinion, and any deadlines that moved, written as pages write them."""
    data = entry["data"] or {}
    payload: dict[str, Any] = {
        "case_id": entry["case_id"],
        "object_id": entry["object_id"],
        "opinion": entry["opinion"],
        "opinion_en": data.get("opinion_en") or None,  # where the platform wrote it
        "action": entry["action"],
        "actor": entry["actor_name"],
    }
    for key in (
        "score",
        "department",
        "on_time",
        "outcome",
        "rectify_due_at",
        "due_at",
        "stage",
        "problem_lines",  # 补正: the one-time notice's problems, per language
        "materials",  # 容缺: the materials still awaited
        "material_names",  # 容缺: their names per language
        "licence_name",  # the e-licence issued
    ):
        if key in data:
            payload[key] = data[key]
    alert = data.get("alert")
    if alert:
        payload["alert"] = alert
    moved = data.get("clocks")
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


def inbox(
    session: Session, *, user_id: int, unread_only: bool = False, limit: int = 50
) -> Sequence[OutboxMessage]:
    """The newest in-app messages of one user (a department's reach its staff as their own)."""
    query = select(OutboxMessage).where(
        OutboxMessage.recipient_id == user_id, OutboxMessage.channel == "inapp"
    )
    if unread_only:
        query = query.where(OutboxMessage.read_at.is_(None))
    return session.scalars(query.order_by(OutboxMessage.id.desc()).limit(limit)).all()


def unread_count(session: Session, *, user_id: int) -> int:
    """How many in-app messages of one user are not read yet (the header's badge)."""
    query = select(func.count()).where(
        OutboxMessage.recipient_id == user_id,
        OutboxMessage.channel == "inapp",
        OutboxMessage.read_at.is_(None),
    )
    return int(session.scalar(query) or 0)


def mark_read(
    session: Session, *, user_id: int, now: datetime, message_id: int | None = None
) -> int:
    """Mark one of the user's messages read, or all of them (``message_id`` None);
    returns how many changed. Reading again changes nothing. Raises NotFound for a
    ``message_id`` that is not one of the user's in-app messages (another person's is
    not told apart from none)."""
    query = (
        update(OutboxMessage)
        .where(
            OutboxMessage.recipient_id == user_id,
            OutboxMessage.channel == "inapp",
            OutboxMessage.read_at.is_(None),
        )
        .values(read_at=now)
    )
    if message_id is None:
        return session.execute(query).rowcount  # type: ignore[attr-defined, no-any-return]
    changed: int = session.execute(query.where(OutboxMessage.id == message_id)).rowcount  # type: ignore[attr-defined]
    mine = select(OutboxMessage.id).where(
        OutboxMessage.id == message_id,
        OutboxMessage.recipient_id == user_id,
        OutboxMessage.channel == "inapp",
    )
    if not changed and session.scalar(mine) is None:
        raise NotFound(f"没有找到消息 {message_id}。", f"No message {message_id}.")
    return changed
