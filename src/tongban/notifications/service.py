"""The notifications domain promises: every message of the outbox reaches its reader.

- In the message centre (``/messages``, ``GET /api/v1/me/messages``): every in-app message,
  written in the reader's language, with a link to its case; read and unread.
- By e-mail (SMTP) and SMS (a provider) where the reader's account has an address: the
  sweep ``run_due_notifications`` (called by the worker) copies and sends them, retries a
  failure after ``notify_backoff_minutes`` and, after ``notify_max_attempts``, marks the
  copy ``failed``: listed for operators (``/ops/messages``, ``tongban notify failed``) and
  sent again on request (``retry``), never dropped.
- A department addressed by the outbox reaches those of its active staff who act on the
  message (``delivery.handler_roles``: who handles its cases; a 公示 objection, its reviewers).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from tongban.accounts.models import User
from tongban.config import Settings, get_settings
from tongban.db import unit_of_work
from tongban.errors import Conflict, InvalidInput, NotFound
from tongban.notifications import delivery, texts, writing
from tongban.outbox import service as outbox
from tongban.outbox.models import OutboxMessage

__all__ = [
    "DeliveryRound",
    "FailedRow",
    "MessageRow",
    "deliver_backlog",
    "failed_messages",
    "inbox",
    "mark_read",
    "pending_count",
    "retry",
    "run_due_notifications",
    "set_language",
    "unread_count",
]

BACKLOG_ROUNDS = 50  # rounds of delivery a sweep runs at most (5,000 messages a step)
mark_read = outbox.mark_read
unread_count = outbox.unread_count


@dataclass(frozen=True)
class MessageRow:
    """An in-app message as its reader sees it."""

    message: OutboxMessage
    title: str
    body: str
    link: str
    case_number: str

    @property
    def read(self) -> bool:
        return self.message.read_at is not None


@dataclass(frozen=True)
class FailedRow:
    """An e-mail or SMS copy that could not be sent, for operators."""

    message: OutboxMessage
    recipient: str
    title: str


@dataclass(frozen=True)
class DeliveryRound:
    """What one round of delivery did: ``"<channel>:<id>"`` of every copy sent, and whether
    a step took a whole batch (``delivery.BATCH``), so more may be waiting behind it."""

    sent: list[str]
    full: bool


def run_due_notifications(
    session: Session, *, now: datetime, settings: Settings | None = None
) -> DeliveryRound:
    """One round of delivery, in ``session``'s transaction: at most ``delivery.BATCH``
    messages, oldest first, at each step (spread, copy, send)."""
    config = settings or get_settings()
    spread = delivery.spread_departments(session, now=now)
    copied = delivery.copy_to_channels(session, now=now, settings=config)
    sent = delivery.send_due(session, now=now, settings=config)
    full = max(spread.taken, copied.taken, sent.taken) >= delivery.BATCH
    return DeliveryRound([f"{m.channel}:{m.id}" for m in sent.done], full)


def deliver_backlog(
    sessions: sessionmaker[Session],
    *,
    now: datetime,
    settings: Settings | None = None,
    rounds: int = BACKLOG_ROUNDS,
) -> list[str]:
    """Rounds of delivery, each in its own transaction, until one leaves nothing waiting
    (or ``rounds`` have run, so the worker's other sweeps get their turn): a backlog — SMTP
    back after an outage, a burst of department messages — drains in one sweep instead of
    ``BATCH`` messages every ``worker_interval_seconds``. Returns every copy sent."""
    sent: list[str] = []
    for _ in range(rounds):
        with unit_of_work(sessions) as session:
            done = run_due_notifications(session, now=now, settings=settings)
        sent += done.sent
        if not done.full:
            break
    return sent


def _row(
    message: OutboxMessage, user: User, cases: dict[int, writing.CaseNames], default: str
) -> MessageRow:
    names = cases.get(message.payload.get("case_id") or 0)
    locale = writing.locale_of(user, default)
    case = names.for_reader(locale) if names else None
    try:
        text = writing.write(message, user=user, case=case, locale=locale)
        title, body = text.title, text.body
    except KeyError:  # a topic without texts yet: still shown, by its name
        title, body = message.topic, message.payload.get("opinion") or ""
    number = case[0] if case else ""
    return MessageRow(message, title, body, writing.link(message, number, user), number)


def inbox(
    session: Session, *, user: User, unread_only: bool = False, limit: int = 50
) -> list[MessageRow]:
    """The user's newest in-app messages, written in their language."""
    messages = list(outbox.inbox(session, user_id=user.id, unread_only=unread_only, limit=limit))
    cases = writing.case_numbers(session, messages)
    default = get_settings().default_locale
    return [_row(m, user, cases, default) for m in messages]


def set_language(session: Session, *, user: User, locale: str) -> User:
    """The language the user's messages (page, e-mail, SMS) are written in."""
    if locale not in texts.LOCALES:
        raise InvalidInput(
            "消息语言只能是中文（zh_Hans）或英文（en）。",
            "The message language is zh_Hans (Chinese) or en (English).",
            field="locale",
        )
    user.locale = locale
    return user


def failed_messages(session: Session, *, limit: int = 200) -> list[FailedRow]:
    """E-mail and SMS copies that spent every attempt, newest first."""
    query = (
        select(OutboxMessage, User.display_name)
        .outerjoin(User, User.id == OutboxMessage.recipient_id)
        .where(OutboxMessage.status == "failed")
        .order_by(OutboxMessage.id.desc())
        .limit(limit)
    )
    rows = list(session.execute(query))
    cases = writing.case_numbers(session, [m for m, _ in rows])
    found = []
    for message, name in rows:
        case = cases.get(message.payload.get("case_id") or 0)
        found.append(FailedRow(message, name or "", f"{message.topic} {case[0] if case else ''}"))
    return found


def retry(session: Session, *, message_id: int, now: datetime) -> OutboxMessage:
    """Send a failed copy again on the next round, with a fresh count of attempts."""
    message = session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFound(f"没有找到消息 {message_id}。", f"No message {message_id}.")
    if message.status != "failed":
        raise Conflict(
            "只有发送失败的消息可以重发。",
            "Only a failed message can be sent again.",
            code="not_failed",
        )
    message.status, message.attempts, message.next_attempt_at = "pending", 0, now
    return message


def pending_count(session: Session) -> Sequence[tuple[str, str, int]]:
    """(channel, status, count) of every copy, for operators."""
    query = select(OutboxMessage.channel, OutboxMessage.status, func.count()).group_by(
        OutboxMessage.channel, OutboxMessage.status
    )
    return [(c, s, int(n)) for c, s, n in session.execute(query)]
