"""Webhooks (事件推送): a department's system is told, at an address of its own, when a
case it handles is accepted, a task is opened for it, a decision is made, a licence is
issued or revoked.

- Events come from the audit trail (``audit.service.LISTENERS``) and from tasks opened
  (``cases.core.hooks.TASK_OPENED``), in the transaction of the change itself: an event
  exists exactly when the change commits, and its delivery is a durable job (``jobs``).
  A simulated past (``tongban simulate``, the demo history: ``audit.simulating``) is
  told to no one.
- Each delivery is a POST of one JSON body, the same bytes on every attempt, with
  ``X-Tongban-Event``, ``X-Tongban-Delivery`` (the event id: a receiver drops a repeat),
  ``X-Tongban-Timestamp`` (Unix seconds) and ``X-Tongban-Signature``:
  ``sha256=`` + hex HMAC-SHA256 of ``<timestamp>.<body>`` under the subscription's secret.
- A 2xx answer delivers it; anything else (an error status, a refused connection, no
  answer within ``TONGBAN_WEBHOOK_TIMEOUT_SECONDS``) is retried with the jobs' backoff
  (30 s doubling, at most an hour) up to ``MAX_ATTEMPTS`` times, then listed as failed for
  operators (``tongban jobs list``), never dropped.
- Bodies hold no personal data: the case number, item, state, departments, the task, the
  licence number; the system reads the rest through the API with its own credentials.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban import sealing, txcache
from tongban.audit import service as audit
from tongban.audit.service import Actor
from tongban.cases.core import hooks
from tongban.cases.enums import CaseState
from tongban.cases.models import Case, Task
from tongban.catalog import service as catalog
from tongban.config import get_settings
from tongban.errors import InvalidInput, NotFound
from tongban.integration.models import WebhookDelivery, WebhookSubscription
from tongban.jobs import service as jobs
from tongban.jobs.models import Job
from tongban.jobs.registry import register

JOB_KIND = "webhook.deliver"
MAX_ATTEMPTS = 10
PURPOSE = "webhook"  # the sealing key's purpose

EVENTS = {
    "case.accepted": "办件已受理",
    "task.assigned": "有新的待办任务",
    "decision.made": "已作出审批决定",
    "licence.issued": "证照已签发",
    "licence.revoked": "证照已撤销",
    "licence.penalty_revoked": "证照已吊销",
}
DECIDED = frozenset({CaseState.issuing, CaseState.delivering, CaseState.completed})


def _event_of(entry: Mapping[str, Any]) -> str | None:
    """The webhook event an audit entry (its row) is, if any."""
    action = entry["action"]
    if action in ("case.accept", "case.deem_accept"):
        return "case.accepted"
    if action in ("case.approve", "case.refuse"):
        return "decision.made"
    if action == "case.review_complete" and entry["to_state"] in DECIDED:
        return "decision.made"  # a process without 核准: the review round decided
    if action in ("licence.issued", "licence.revoked", "licence.penalty_revoked"):
        return str(action)
    return None


def subscribe(
    session: Session,
    *,
    department_code: str,
    url: str,
    events: list[str],
    actor: Actor,
    now: datetime,
) -> tuple[WebhookSubscription, str]:
    """A subscription and its signing secret (shown once; stored sealed).

    Raises ``NotFound`` for an unknown department and ``InvalidInput`` for an address that
    is not http(s) or an unknown event (``EVENTS``).
    """
    catalog.get_department(session, code=department_code)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(
            "推送地址须为 http:// 或 https:// 开头的完整网址。",
            "The address must be a full http:// or https:// URL.",
            field="url",
        )
    unknown = sorted(set(events) - EVENTS.keys())
    if unknown or not events:
        raise InvalidInput(
            f"未知的事件：{'、'.join(unknown) or '（未选择）'}。可选：{'、'.join(EVENTS)}。",
            f"Unknown events: {', '.join(unknown) or '(none chosen)'}. Known: {', '.join(EVENTS)}.",
            field="events",
        )
    secret = "whsec_" + secrets.token_urlsafe(32)
    row = WebhookSubscription(
        department_code=department_code,
        url=url,
        events=" ".join(sorted(set(events))),
        sealed_secret=_seal(secret),
        active=True,
        created_at=now,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        at=now,
        action="webhook.subscribed",
        actor=actor,
        object_type="webhook",
        object_id=row.id,
        data={"department": department_code, "url": url, "events": row.events},
    )
    return row, secret


def unsubscribe(session: Session, *, subscription_id: int, actor: Actor, now: datetime) -> None:
    """Stop sending to a subscription (deliveries already made stay listed)."""
    row = _subscription(session, subscription_id)
    row.active = False
    audit.record(
        session,
        at=now,
        action="webhook.unsubscribed",
        actor=actor,
        object_type="webhook",
        object_id=row.id,
        data={"department": row.department_code, "url": row.url},
    )


def _subscription(session: Session, subscription_id: int) -> WebhookSubscription:
    """The subscription; ``NotFound`` (404) when there is none of that id."""
    row = session.get(WebhookSubscription, subscription_id)
    if row is None:
        raise NotFound("没有这个推送订阅。", f"No webhook subscription {subscription_id}.")
    return row


def list_subscriptions(session: Session) -> list[WebhookSubscription]:
    return list(session.scalars(select(WebhookSubscription).order_by(WebhookSubscription.id)))


@dataclass(frozen=True)
class DeliveryView:
    delivery: WebhookDelivery
    state: str  # pending, running, delivered or failed
    attempts: int
    last_error: str | None


def deliveries(session: Session, *, subscription_id: int, limit: int = 50) -> list[DeliveryView]:
    """The subscription's deliveries, newest first, with their delivery job's state,
    attempts and last error; ``NotFound`` when there is no such subscription."""
    _subscription(session, subscription_id)
    query = select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription_id)
    rows = list(session.scalars(query.order_by(WebhookDelivery.id.desc()).limit(limit)))
    keys = [f"webhook:{row.id}" for row in rows]
    found = {job.key: job for job in session.scalars(select(Job).where(Job.key.in_(keys)))}
    views = []
    for row in rows:
        job = found.get(f"webhook:{row.id}")
        state = "delivered" if row.delivered_at else str(job.state if job else "pending")
        attempts, error = (job.attempts, job.last_error) if job else (0, None)
        views.append(DeliveryView(row, state, attempts, error))
    return views


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=`` + hex HMAC-SHA256 of ``<timestamp>.<body>``: what a receiver recomputes."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def body_bytes(body: dict[str, Any]) -> bytes:
    """The one serialisation of a body: sorted keys, UTF-8, no spaces."""
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _seal(secret: str) -> str:
    key = get_settings().secret_key
    return sealing.seal(secret, secret_key=key, purpose=PURPOSE, label=b"webhook")


def _unseal(sealed: str) -> str:
    key = get_settings().secret_key
    return sealing.unseal(sealed, secret_key=key, purpose=PURPOSE, label=b"webhook")


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _case_body(case: Case) -> dict[str, Any]:
    return {
        "number": case.number,
        "item_code": case.catalog_code,
        "state": str(case.state),
        "lead_department": case.lead_department,
    }


def _queue(
    session: Session,
    *,
    event: str,
    event_id: str,
    departments: set[str],
    body: dict[str, Any],
    now: datetime,
) -> None:
    """One delivery (and its job) per active subscription of ``departments`` to ``event``."""
    for row in _subscribed(session, event, departments):
        delivery = WebhookDelivery(
            subscription_id=row.id,
            event_id=event_id,
            event_type=event,
            body={"event_id": event_id, "type": event, "occurred_at": _iso(now), **body},
            created_at=now,
        )
        session.add(delivery)
        session.flush()
        jobs.enqueue(
            session,
            kind=JOB_KIND,
            due_at=now,
            now=now,
            payload={"delivery": delivery.id},
            key=f"webhook:{delivery.id}",
            max_attempts=MAX_ATTEMPTS,
        )


def _subscribed(session: Session, event: str, departments: set[str]) -> list[WebhookSubscription]:
    """The active subscriptions of ``departments`` to ``event``."""
    return [
        row
        for row in _active(session)
        if row.department_code in departments and event in row.events.split()
    ]


def _active(session: Session) -> list[WebhookSubscription]:
    """The active subscriptions, read once per transaction (every audit entry asks)."""

    def read() -> list[WebhookSubscription]:
        query = select(WebhookSubscription).where(WebhookSubscription.active.is_(True))
        return list(session.scalars(query.order_by(WebhookSubscription.id)))

    return txcache.memo(session, "webhooks.active", read, on=(WebhookSubscription,))


def on_audit(session: Session, entry: Mapping[str, Any]) -> None:
    """Audit listener: an entry (its row) that is a webhook event is queued for the
    departments of its case."""
    event = _event_of(entry)
    if event is None or entry["case_id"] is None:
        return
    case = session.get(Case, entry["case_id"])
    if case is None:
        return
    departments = {case.lead_department, *(task.department_code for task in case.tasks)}
    if not _subscribed(session, event, departments):
        return
    if entry["id"] is None:
        audit.write_now(session)  # the event's id is the entry's: written now, not at the commit
    body: dict[str, Any] = {"case": _case_body(case)}
    if event == "decision.made":
        body["decision"] = "refused" if entry["action"] == "case.refuse" else "approved"
    if event.startswith("licence."):
        body["licence"] = {"number": entry["data"].get("number"), "status": event.split(".")[1]}
    _queue(
        session,
        event=event,
        event_id=f"audit-{entry['id']}",
        departments=departments,
        body=body,
        now=entry["at"],
    )


def on_task_opened(session: Session, task: Task, now: datetime) -> None:
    """Task hook: ``task.assigned`` for the department the task was opened for; none for
    a task of a simulated past (``audit.simulating``: the demo history)."""
    if audit.is_simulating(session):
        return
    body = {
        "case": _case_body(task.case),
        "task": {
            "id": task.id,
            "stage": str(task.stage),
            "department": task.department_code,
            # a bundle's item where the task is that item's, else the case's own code
            "item_code": task.item_code or task.case.catalog_code,
            "due_at": _iso(task.due_at) if task.due_at else None,
        },
    }
    _queue(
        session,
        event="task.assigned",
        event_id=f"task-{task.id}",
        departments={task.department_code},
        body=body,
        now=now,
    )


@register(JOB_KIND)
def deliver(session: Session, *, payload: dict[str, Any], now: datetime) -> None:
    """POST one delivery; raises (so the job is retried) unless the receiver answered 2xx."""
    delivery = session.get(WebhookDelivery, payload["delivery"])
    if delivery is None or delivery.delivered_at is not None:
        return None
    subscription = session.get(WebhookSubscription, delivery.subscription_id)
    if subscription is None or not subscription.active:
        return None
    body = body_bytes(delivery.body)
    timestamp = str(int(now.timestamp()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Tongban-Webhook/1",
        "X-Tongban-Event": delivery.event_type,
        "X-Tongban-Delivery": delivery.event_id,
        "X-Tongban-Timestamp": timestamp,
        "X-Tongban-Signature": signature(_unseal(subscription.sealed_secret), timestamp, body),
    }
    timeout = get_settings().webhook_timeout_seconds
    answer = httpx.post(subscription.url, content=body, headers=headers, timeout=timeout)
    if not answer.is_success:
        raise RuntimeError(f"{subscription.url} answered HTTP {answer.status_code}")
    delivery.delivered_at, delivery.status_code = now, answer.status_code
    return None


audit.LISTENERS.append(on_audit)
hooks.TASK_OPENED.append(on_task_opened)
