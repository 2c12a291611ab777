"""How many tries a username and a network address get (等保 2.0 level 3, 8.1.4.1 b:
登录失败处理; OWASP ASVS 4.0 §2.2.1), counted from the audit trail's sign-in entries, so
the counts hold across server processes sharing one database.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tongban.audit.models import AuditEntry
from tongban.config import Settings
from tongban.errors import TooManyAttempts
from tongban.textutil import counted

SIGNED_IN = "account.signed_in"
SIGN_IN_FAILED = "account.sign_in_failed"
SIGNED_OUT = "account.signed_out"
REGISTERED = "account.registered"
UNLOCKED = "account.unlocked"  # a security administrator lifted the lock (``accounts.admin``)
LOCKED = "account.locked"  # the failure that completed a run locked the username
SIGN_IN_REFUSED = "account.sign_in_refused"  # tried while locked or the address too busy
KEY_LENGTH = 60  # usernames are audited as the object id (String(60))
SOURCE_WINDOW = timedelta(minutes=1)
REGISTRATION_WINDOW = timedelta(hours=1)

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Limits:
    """The throttling settings (``tongban.config.Settings``)."""

    lock_after: int
    lock_minutes: int
    per_source_per_minute: int
    registrations_per_hour: int

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        return cls(
            settings.sign_in_lock_after,
            settings.sign_in_lock_minutes,
            settings.sign_in_per_source_per_minute,
            settings.registrations_per_source_per_hour,
        )


def _minutes(delta: timedelta) -> int:
    return max(1, math.ceil(delta.total_seconds() / 60))


def locked_until(
    session: Session, *, username: str, now: datetime, limits: Limits
) -> datetime | None:
    """When the lock on ``username`` ends, or None when it is not locked.

    Locked after ``limits.lock_after`` failures since the last success (or unlock by a
    security administrator), all within the last ``limits.lock_minutes``; the lock ends
    that many minutes after the last failure.
    """
    key = username[:KEY_LENGTH]
    last_success = session.scalar(
        select(func.max(AuditEntry.at)).where(
            AuditEntry.action.in_((SIGNED_IN, UNLOCKED)), AuditEntry.object_id == key
        )
    )
    window = timedelta(minutes=limits.lock_minutes)
    since = max(last_success, now - window) if last_success else now - window
    failures = session.scalars(
        select(AuditEntry.at)
        .where(
            AuditEntry.action == SIGN_IN_FAILED, AuditEntry.object_id == key, AuditEntry.at > since
        )
        .order_by(AuditEntry.at.desc())
        .limit(limits.lock_after)
    ).all()
    if len(failures) < limits.lock_after:
        return None
    until = failures[0] + window
    return until if until > now else None


def locked(until: datetime, now: datetime) -> TooManyAttempts:
    minutes = _minutes(until - now)
    return TooManyAttempts(
        f"密码或验证码连续输错次数过多，该账号已暂时锁定，请 {minutes} 分钟后再试；"
        "忘记密码请到政务服务窗口或联系管理员重置。",
        f"Too many wrong passwords or codes in a row: this account is locked; try again in {counted(minutes, 'minute')}"
        ", or ask a service window or an administrator to reset the password.",
        retry_after=math.ceil((until - now).total_seconds()),
    )


def _recent_from(
    session: Session, *, actions: tuple[str, ...], source: str | None, since: datetime
) -> list[datetime]:
    if source is None:
        return []
    query = select(AuditEntry.at).where(
        AuditEntry.action.in_(actions), AuditEntry.source_address == source, AuditEntry.at > since
    )
    return list(session.scalars(query.order_by(AuditEntry.at)))


def refuse_busy_source(
    session: Session, *, source: str | None, now: datetime, limits: Limits
) -> None:
    """Raise ``TooManyAttempts`` once ``source`` tried ``limits.per_source_per_minute``
    sign-ins (any username) within the minute."""
    recent = _recent_from(
        session, actions=(SIGNED_IN, SIGN_IN_FAILED), source=source, since=now - SOURCE_WINDOW
    )
    if len(recent) >= limits.per_source_per_minute:
        wait = recent[0] + SOURCE_WINDOW - now
        log.warning("sign_in.throttled", source=source, attempts=len(recent))
        raise TooManyAttempts(
            "登录尝试过于频繁，请 1 分钟后再试。",
            "Too many sign-in attempts from this network; try again in a minute.",
            retry_after=math.ceil(wait.total_seconds()),
        )


def refuse_busy_registrations(
    session: Session, *, source: str | None, now: datetime, limits: Limits
) -> None:
    """Raise ``TooManyAttempts`` once ``source`` registered ``limits.registrations_per_hour``
    accounts within the hour."""
    recent = _recent_from(
        session, actions=(REGISTERED,), source=source, since=now - REGISTRATION_WINDOW
    )
    if len(recent) >= limits.registrations_per_hour:
        wait = recent[0] + REGISTRATION_WINDOW - now
        minutes = _minutes(wait)
        raise TooManyAttempts(
            f"本网络注册账号过于频繁，请 {minutes} 分钟后再试。",
            f"Too many accounts registered from this network; try again in {counted(minutes, 'minute')}.",
            retry_after=math.ceil(wait.total_seconds()),
        )
