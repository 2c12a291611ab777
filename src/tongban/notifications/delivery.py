"""The delivery sweep: a department's messages spread to its staff, every in-app message
copied to e-mail and SMS where the reader has an address, and due copies sent, retried
with backoff, failed visibly once every attempt is spent.

Idempotent: each step only takes rows still ``pending`` (and due), and marks them in the
same transaction; on PostgreSQL rows are claimed with ``FOR UPDATE SKIP LOCKED`` so two
workers never take the same one. A crash between sending and committing sends that one
copy again on the next round (at least once, never silently dropped).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tongban.accounts.enums import Role, UserKind
from tongban.accounts.models import User, UserRole
from tongban.cases.core import access
from tongban.config import Settings
from tongban.notices import objections
from tongban.notifications import channels, texts, writing
from tongban.outbox.models import OutboxMessage

log = structlog.get_logger("tongban.notifications")
BATCH = 100  # messages a step takes in one transaction
ERROR_MAX = 500

# Where a text to someone with no account finds its number as it leaves, by topic: a domain
# above this one registers where its subjects' numbers are kept (``benefits.hooks``), so
# the number is read from its source when needed and never stored with the message.
AddressBook = Callable[[Session, OutboxMessage], str | None]
ADDRESS_BOOKS: dict[str, AddressBook] = {}


@dataclass(frozen=True)
class Step:
    """What a step of a delivery round did: the pending messages it took (at most
    ``BATCH``; all of them when fewer were due) and the copies it made or sent."""

    taken: int
    done: list[OutboxMessage]


def backoff(settings: Settings, attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failure (the schedule's last step repeats)."""
    steps = [int(part) for part in settings.notify_backoff_minutes.split(",") if part.strip()]
    steps = steps or [5]
    return timedelta(minutes=steps[min(attempts, len(steps)) - 1])


def _pending(
    session: Session, channel_names: tuple[str, ...], now: datetime
) -> list[OutboxMessage]:
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.status == "pending",
            OutboxMessage.channel.in_(channel_names),
            (OutboxMessage.next_attempt_at.is_(None)) | (OutboxMessage.next_attempt_at <= now),
        )
        .order_by(OutboxMessage.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    )
    return list(session.scalars(query))


# Who reads a department's message: those of its staff who act on it, by the rule each
# domain checks before letting them act. Handling its cases (``access.WORK_ROLES``:
# 受理, 审查, 核准, 制证) answers a bad rating (``ratings.service.can_rectify``), a
# 协查 request (``verification.service``), a routed complaint (``complaints.access``), an
# applicant's message; a 公示 objection is examined by its reviewers only
# (``notices.objections.EXAMINERS``). Inspectors, experts and supervisors hear of none.
HANDLER_ROLES: dict[str, frozenset[Role]] = {"objection_received": objections.EXAMINERS}


def handler_roles(topic: str) -> frozenset[Role]:
    """The roles of a department's staff who get a copy of its message of ``topic``."""
    return HANDLER_ROLES.get(topic, access.WORK_ROLES)


def spread_departments(session: Session, *, now: datetime) -> Step:
    """Give each active staff member of the addressed department who acts on the message
    (``handler_roles``) their own in-app copy."""
    messages = _pending(session, ("department",), now)
    return Step(len(messages), _spread(session, messages, now=now))


def _spread(
    session: Session, messages: list[OutboxMessage], *, now: datetime
) -> list[OutboxMessage]:
    made = []
    for message in messages:
        handlers = select(UserRole.user_id).where(UserRole.role.in_(handler_roles(message.topic)))
        query = select(User.id).where(
            User.department_code == message.department_code,
            User.kind == UserKind.staff,
            User.active.is_(True),
            User.id.in_(handlers),
        )
        staff = session.scalars(query)
        for user_id in staff:
            made.append(_copy(message, "inapp", recipient_id=user_id, address=None, now=now))
        message.status, message.sent_at = "sent", now
    session.add_all(made)
    session.flush()
    return made


def settle_history(session: Session, *, first_id: int, now: datetime) -> int:
    """The messages from ``first_id`` on, written for a simulated history, as the worker
    left them at the time: a department's spread to its staff's in-app copies, and every
    in-app copy delivered (``sent_at`` its ``created_at``) without an e-mail or SMS now, so
    the applicants' and staff's messages of today are not queued behind them. Returns the
    in-app copies settled."""
    departments = select(OutboxMessage).where(
        OutboxMessage.id >= first_id,
        OutboxMessage.status == "pending",
        OutboxMessage.channel == "department",
    )
    _spread(session, list(session.scalars(departments.order_by(OutboxMessage.id))), now=now)
    delivered = (
        update(OutboxMessage)
        .where(
            OutboxMessage.id >= first_id,
            OutboxMessage.status == "pending",
            OutboxMessage.channel == "inapp",
        )
        .values(status="sent", sent_at=OutboxMessage.created_at)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(session.execute(delivered), "rowcount", 0) or 0)


def _copy(
    message: OutboxMessage, channel: str, *, recipient_id: int, address: str | None, now: datetime
) -> OutboxMessage:
    return OutboxMessage(
        created_at=message.created_at,
        audit_entry_id=message.audit_entry_id,
        channel=channel,
        recipient_id=recipient_id,
        department_code=message.department_code,
        topic=message.topic,
        payload=message.payload,
        status="pending",
        attempts=0,
        next_attempt_at=now,
        parent_id=message.id,
        address=address,
    )


def copy_to_channels(session: Session, *, now: datetime, settings: Settings) -> Step:
    """Copy each new in-app message to e-mail (SMTP configured, the reader has an address)
    and SMS (the reader has a phone, the topic has an SMS text)."""
    made = []
    messages = _pending(session, ("inapp",), now)
    users = {
        u.id: u
        for u in session.scalars(
            select(User).where(User.id.in_({m.recipient_id for m in messages}))
        )
    }
    for message in messages:
        user = users.get(message.recipient_id or 0)
        if user is not None and user.active:
            if user.email and settings.smtp_host:
                made.append(
                    _copy(message, "email", recipient_id=user.id, address=user.email, now=now)
                )
            if user.phone and _has_sms(message.topic):
                made.append(
                    _copy(message, "sms", recipient_id=user.id, address=user.phone, now=now)
                )
        message.status, message.sent_at = "sent", now
    session.add_all(made)
    session.flush()
    return Step(len(messages), made)


def _has_sms(topic: str) -> bool:
    languages = texts.catalog().get(topic, {})
    return any("sms" in parts for parts in languages.values())


def send_due(session: Session, *, now: datetime, settings: Settings) -> Step:
    """Send every due e-mail and SMS copy once; a failure waits its backoff, and after
    ``notify_max_attempts`` the copy is ``failed`` (listed for operators)."""
    messages = _pending(session, ("email", "sms"), now)
    users = {
        u.id: u
        for u in session.scalars(
            select(User).where(User.id.in_({m.recipient_id for m in messages}))
        )
    }
    cases = writing.case_numbers(session, messages)
    done = []
    for message in messages:
        user = users.get(message.recipient_id or 0)
        try:
            _send(
                message,
                address=address_of(session, message),
                user=user,
                case=cases.get(message.payload.get("case_id") or 0),
                settings=settings,
            )
        except Exception as error:  # any failure of a channel is retried, then shown
            _failed_attempt(message, error, now=now, settings=settings)
            continue
        message.status, message.sent_at, message.attempts = "sent", now, message.attempts + 1
        log.info("notification.sent", id=message.id, channel=message.channel, topic=message.topic)
        done.append(message)
    return Step(len(messages), done)


def address_of(session: Session, message: OutboxMessage) -> str:
    """Where a copy goes: its ``address``, or for a text without one the number its
    topic's address book holds now (``ADDRESS_BOOKS``). LookupError when there is none: a
    failed attempt, retried, then shown to operators like any other."""
    if message.address is not None:
        return message.address
    book = ADDRESS_BOOKS.get(message.topic)
    found = book(session, message) if book is not None else None
    if not found:
        raise LookupError(f"no number to send the {message.topic} text {message.id} to")
    return found


def _send(
    message: OutboxMessage,
    *,
    address: str,
    user: User | None,
    case: writing.CaseNames | None,
    settings: Settings,
) -> None:
    locale = writing.locale_of(user, settings.default_locale)
    text = writing.write(
        message,
        user=user,
        case=case.for_reader(locale) if case else None,
        locale=locale,
        base=settings.public_address,
        rate_link=writing.rate_link(
            message,
            finished=case is not None and case.finished,
            base=settings.public_address,
            secret_key=settings.secret_key,
            user=user,
        ),
    )
    if message.channel == "email":
        channels.send_email(settings, to=address, subject=text.title, body=text.body)
    else:
        channels.sms_provider(settings).send(phone=address, text=text.sms or text.title)


def _failed_attempt(
    message: OutboxMessage, error: Exception, *, now: datetime, settings: Settings
) -> None:
    message.attempts += 1
    message.last_error = f"{type(error).__name__}: {error}"[:ERROR_MAX]
    if message.attempts >= settings.notify_max_attempts:
        message.status, message.next_attempt_at = "failed", None
        log.error(
            "notification.failed", id=message.id, channel=message.channel, error=message.last_error
        )
    else:
        message.next_attempt_at = now + backoff(settings, message.attempts)
        log.warning(
            "notification.retry", id=message.id, channel=message.channel, error=message.last_error
        )
