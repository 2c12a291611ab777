"""Signing in, registering and signing out, defended and audited.

GB/T 22239-2019 (等保 2.0) level 3, 8.1.4.1 a/b (身份鉴别: 登录失败处理, 限制非法登录次数)
and OWASP ASVS 4.0 §2.2.1 (anti-automation):

- a username is locked after ``sign_in_lock_after`` wrong passwords in a row, until
  ``sign_in_lock_minutes`` after the last of them; an unknown username locks alike, so no
  answer tells whether an account exists;
- one network address may try ``sign_in_per_source_per_minute`` sign-ins a minute and
  register ``registrations_per_source_per_hour`` accounts an hour;
- an unknown username costs the same password hashing as a known one (constant time);
- the password hash is checked before the write turn is taken (``tongban.db``), so a slow
  argon2 check never holds up other writers; only the outcome is written;
- each sign-in, failed sign-in, registration and sign-out is audited once, with the
  network address; the counts above are read back from those entries.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import structlog
from argon2.exceptions import VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tongban.accounts import service
from tongban.accounts.models import SignInSession, User
from tongban.accounts.passwords import check_new_password
from tongban.accounts.schemas import ApplicantCreate
from tongban.audit import service as audit
from tongban.audit.models import AuditEntry
from tongban.config import Settings
from tongban.db import reading_session, unit_of_work
from tongban.errors import DomainError, NotSignedIn, TooManyAttempts
from tongban.timeutil import utcnow
from tongban.web.runtime import Runtime

SIGNED_IN = "account.signed_in"
SIGN_IN_FAILED = "account.sign_in_failed"
SIGNED_OUT = "account.signed_out"
REGISTERED = "account.registered"
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


@cache
def _dummy_hash() -> str:
    """A hash of a secret nobody knows: checked for unknown usernames, to take as long."""
    return service.hash_password(secrets.token_urlsafe(16))


def _minutes(delta: timedelta) -> int:
    return max(1, math.ceil(delta.total_seconds() / 60))


def locked_until(
    session: Session, *, username: str, now: datetime, limits: Limits
) -> datetime | None:
    """When the lock on ``username`` ends, or None when it is not locked.

    Locked after ``limits.lock_after`` failures since the last success, all within the
    last ``limits.lock_minutes``; the lock ends that many minutes after the last failure.
    """
    key = username[:KEY_LENGTH]
    last_success = session.scalar(
        select(func.max(AuditEntry.at)).where(
            AuditEntry.action == SIGNED_IN, AuditEntry.object_id == key
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


def _locked(until: datetime, now: datetime) -> TooManyAttempts:
    minutes = _minutes(until - now)
    return TooManyAttempts(
        f"密码连续输错次数过多，该账号已暂时锁定，请 {minutes} 分钟后再试；"
        "忘记密码请到政务服务窗口或联系管理员重置。",
        f"Too many wrong passwords in a row: this account is locked; try again in {minutes} "
        "minutes, or ask a service window or an administrator to reset the password.",
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


def _refuse_busy_source(
    session: Session, *, source: str | None, now: datetime, limits: Limits
) -> None:
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


def open_session(
    session: Session, *, user: User, hours: int, now: datetime, source: str | None
) -> str:
    """Open a sign-in session for ``user`` (audited at ``now``); returns its bearer token.

    The session's expiry runs on the wall clock, as ``service.user_for_token`` checks it.
    """
    token = secrets.token_urlsafe(32)
    opened = utcnow()
    session.add(
        SignInSession(
            token_hash=service.hash_token(token),
            user_id=user.id,
            created_at=opened,
            expires_at=opened + timedelta(hours=hours),
        )
    )
    audit.record(
        session,
        at=now,
        action=SIGNED_IN,
        actor=service.actor_of(user),
        object_type="account",
        object_id=user.username[:KEY_LENGTH],
        source_address=source,
    )
    return token


def _record_outcome(
    session: Session,
    *,
    username: str,
    user_id: int | None,
    password: str | None,
    hours: int,
    now: datetime,
    source: str | None,
    limits: Limits,
) -> tuple[User, str] | DomainError:
    """Write what the check found: a new session (``password`` is the right one), or a
    failure and, when it completes a run, the lock."""
    user = session.get(User, user_id) if user_id is not None else None
    if user is not None and password is not None:
        service.rehash_if_needed(user, password)
        return user, open_session(session, user=user, hours=hours, now=now, source=source)
    audit.record(
        session,
        at=now,
        action=SIGN_IN_FAILED,
        actor=audit.Actor(id=None, name=username[:120] or "-"),
        object_type="account",
        object_id=username[:KEY_LENGTH],
        source_address=source,
    )
    until = locked_until(session, username=username, now=now, limits=limits)
    if until is not None:
        return _locked(until, now)
    return NotSignedIn(
        "用户名或密码不正确。", "Wrong username or password.", code="bad_credentials"
    )


def sign_in(
    runtime: Runtime, *, username: str, password: str, source: str | None, now: datetime
) -> tuple[User, str]:
    """Check a password and open a session; returns the user and a fresh token.

    Raises ``TooManyAttempts`` (429, with ``retry_after`` seconds) while the username is
    locked or the address too busy, and ``NotSignedIn`` for a wrong username or password
    (the same answer for both). Commits its own two short units of work: the failure must
    be kept although the request fails.
    """
    limits = Limits.of(runtime.settings)
    session = reading_session(runtime.sessions)
    try:
        _refuse_busy_source(session, source=source, now=now, limits=limits)
        until = locked_until(session, username=username, now=now, limits=limits)
        if until is not None:
            log.warning("sign_in.locked", username=username[:KEY_LENGTH], source=source)
            raise _locked(until, now)
        user = service.find_user(session, username=username)
        known = user is not None and user.active
        stored, user_id = (user.password_hash, user.id) if user and known else (_dummy_hash(), None)
    finally:
        session.close()
    try:
        service.verify_password(stored, password)
        right = user_id is not None
    except VerificationError:
        right = False
    with unit_of_work(runtime.sessions) as writing:
        outcome = _record_outcome(
            writing,
            username=username,
            user_id=user_id,
            password=password if right else None,
            hours=runtime.settings.session_hours,
            now=now,
            source=source,
            limits=limits,
        )
    if isinstance(outcome, DomainError):
        raise outcome
    return outcome


def register(
    session: Session,
    *,
    data: ApplicantCreate,
    settings: Settings,
    source: str | None,
    now: datetime,
) -> User:
    """Self-registration through the API or the page: the password policy
    (``accounts.passwords``), the per-address limit, then ``service.register_applicant``.

    Raises ``TooManyAttempts`` past the limit, ``InvalidInput`` for a weak password or a
    bad identifier, ``Conflict`` for a taken username.
    """
    limits = Limits.of(settings)
    recent = _recent_from(
        session, actions=(REGISTERED,), source=source, since=now - REGISTRATION_WINDOW
    )
    if len(recent) >= limits.registrations_per_hour:
        wait = recent[0] + REGISTRATION_WINDOW - now
        minutes = _minutes(wait)
        raise TooManyAttempts(
            f"本网络注册账号过于频繁，请 {minutes} 分钟后再试。",
            f"Too many accounts registered from this network; try again in {minutes} minutes.",
            retry_after=math.ceil(wait.total_seconds()),
        )
    own = [data.username, data.display_name, data.id_number, data.phone or "", data.email or ""]
    check_new_password(data.password, policy=settings.password_policy, user_inputs=own)
    user = service.register_applicant(session, data=data)
    audit.record(
        session,
        at=now,
        action=REGISTERED,
        actor=service.actor_of(user),
        object_type="account",
        object_id=user.username[:KEY_LENGTH],
        source_address=source,
    )
    return user


def sign_out(session: Session, *, token: str, now: datetime, source: str | None) -> None:
    """End the session of a token, audited (no error if it was already gone)."""
    query = select(SignInSession).where(SignInSession.token_hash == service.hash_token(token))
    row = session.scalar(query)
    if row is None:
        return
    user = session.get(User, row.user_id)
    session.delete(row)
    if user is not None:
        audit.record(
            session,
            at=now,
            action=SIGNED_OUT,
            actor=service.actor_of(user),
            object_type="account",
            object_id=user.username[:KEY_LENGTH],
            source_address=source,
        )
