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

import secrets
from datetime import datetime, timedelta
from functools import cache

import structlog
from argon2.exceptions import VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.accounts import attempts, passwords, service, throttle, twofactor
from tongban.accounts.models import SignInSession, User
from tongban.accounts.schemas import ApplicantCreate
from tongban.accounts.twofactor import SecondFactorNeeded
from tongban.config import Settings
from tongban.db import reading_session, unit_of_work
from tongban.errors import DomainError, NotSignedIn, TooManyAttempts
from tongban.timeutil import utcnow
from tongban.web.runtime import Runtime

log = structlog.get_logger(__name__)

PASSWORD_EXPIRED = "account.password_expired"  # signed in with a password past its age


@cache
def _dummy_hash() -> str:
    """A hash of a secret nobody knows: checked for unknown usernames, to take as long."""
    return service.hash_password(secrets.token_urlsafe(16))


def open_session(
    session: Session,
    *,
    user: User,
    settings: Settings,
    now: datetime,
    source: str | None,
    factor: str | None = None,
) -> str:
    """Open a sign-in session for ``user`` (audited at ``now``); returns its bearer token.
    A password past its age (``passwords.expired``) is audited as such: the session opens,
    but lets its user do nothing but change it (``accounts.deps``).

    The session's expiry runs on the wall clock, as ``service.sign_in_for_token`` checks it.
    """
    hours = settings.session_hours
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
    attempts.audit_account(
        session,
        action=throttle.SIGNED_IN,
        username=user.username,
        actor=service.actor_of(user),
        now=now,
        source=source,
        factor=factor,
    )
    if passwords.expired(user, settings=settings, now=now):
        attempts.audit_account(
            session,
            action=PASSWORD_EXPIRED,
            username=user.username,
            actor=service.actor_of(user),
            now=now,
            source=source,
        )
    return token


def _second_factor(
    session: Session,
    *,
    user: User,
    code: str | None,
    settings: Settings,
    now: datetime,
    source: str | None,
    limits: throttle.Limits,
) -> tuple[User, str] | DomainError:
    """The step after a right password for a user who has, or must have, a second factor."""
    if not twofactor.enrolled(session, user=user):
        if twofactor.pending_secret(session, user=user, settings=settings) is None:
            twofactor.start_enrolment(session, user=user, settings=settings, now=now)
        return SecondFactorNeeded(user.id, enrol=True)
    if not code:
        return SecondFactorNeeded(user.id, enrol=False)
    factor = twofactor.check(session, user=user, code=code, settings=settings, now=now)
    if factor is None:
        return attempts.failed(
            session,
            username=user.username,
            now=now,
            source=source,
            limits=limits,
            factor=twofactor.kind_of(code),
        )
    return user, open_session(
        session, user=user, settings=settings, now=now, source=source, factor=factor
    )


def _record_outcome(
    session: Session,
    *,
    username: str,
    user_id: int | None,
    password: str | None,
    second: str | None,
    settings: Settings,
    now: datetime,
    source: str | None,
    limits: throttle.Limits,
) -> tuple[User, str] | DomainError:
    """Write what the check found: a new session (``password`` is the right one), the
    second factor's step, or a failure and, when it completes a run, the lock."""
    user = session.get(User, user_id) if user_id is not None else None
    if user is None or password is None:
        return attempts.failed(session, username=username, now=now, source=source, limits=limits)
    service.rehash_if_needed(user, password)
    if twofactor.required(user, settings) or twofactor.enrolled(session, user=user):
        return _second_factor(
            session,
            user=user,
            code=second,
            settings=settings,
            now=now,
            source=source,
            limits=limits,
        )
    return user, open_session(session, user=user, settings=settings, now=now, source=source)


def sign_in(
    runtime: Runtime,
    *,
    username: str,
    password: str,
    source: str | None,
    now: datetime,
    second: str | None = None,
) -> tuple[User, str]:
    """Check a password (and ``second``, the code of a second factor, for a user who has
    or must have one) and open a session; returns the user and a fresh token.

    Raises ``SecondFactorNeeded`` (401) after a right password when a code is due (or an
    authenticator must be enrolled first, ``enrol``); raises ``TooManyAttempts`` (429, with ``retry_after`` seconds) while the username is
    locked or the address too busy, and ``NotSignedIn`` for a wrong username or password
    (the same answer for both). Commits its own two short units of work: the failure must
    be kept although the request fails.
    """
    limits = throttle.Limits.of(runtime.settings)
    with reading_session(runtime.sessions) as session:
        try:
            throttle.refuse_busy_source(session, source=source, now=now, limits=limits)
        except TooManyAttempts as busy:
            refusal: TooManyAttempts | None = busy
        else:
            until = throttle.locked_until(session, username=username, now=now, limits=limits)
            refusal = None if until is None else throttle.locked(until, now)
        if refusal is None:
            user = service.find_user(session, username=username)
            known = user is not None and user.active
            stored = user.password_hash if user and known else _dummy_hash()
            user_id = user.id if user and known else None
    if refusal is not None:
        log.warning("sign_in.refused", username=username[: throttle.KEY_LENGTH], source=source)
        with unit_of_work(runtime.sessions) as writing:
            attempts.record_refusal(writing, username=username, source=source, now=now)
        raise refusal
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
            second=second,
            settings=runtime.settings,
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
    """Self-registration through the API or the page: the per-address limit, then
    ``service.register_applicant``, which names a password against the policy
    (``accounts.passwords``) with every other wrong field at once.

    Raises ``TooManyAttempts`` past the limit, ``InvalidInput`` for a weak password or a
    bad identifier, ``Conflict`` for a taken username.
    """
    throttle.refuse_busy_registrations(
        session, source=source, now=now, limits=throttle.Limits.of(settings)
    )
    own = [data.username, data.display_name, data.id_number, data.phone or "", data.email or ""]
    user = service.register_applicant(
        session,
        data=data,
        check_password=lambda: passwords.check_new_password(
            data.password, policy=settings.password_policy, user_inputs=own
        ),
    )
    attempts.audit_account(
        session,
        action=throttle.REGISTERED,
        username=user.username,
        actor=service.actor_of(user),
        now=now,
        source=source,
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
        attempts.audit_account(
            session,
            action=throttle.SIGNED_OUT,
            username=user.username,
            actor=service.actor_of(user),
            now=now,
            source=source,
        )


def second_step(
    runtime: Runtime, *, user_id: int, code: str, source: str | None, now: datetime
) -> tuple[User, str, list[str]]:
    """The sign-in page's second step, after a right password (``twofactor.pending_token``):
    check the code, confirming a new enrolment, and open a session; returns the user, the
    token and, for a new enrolment, its recovery codes (shown once).

    Raises ``TooManyAttempts`` while the username is locked (wrong codes count as failed
    sign-ins) and ``NotSignedIn`` for a wrong or used code.
    """
    limits = throttle.Limits.of(runtime.settings)
    settings = runtime.settings
    with unit_of_work(runtime.sessions) as session:
        user = session.get(User, user_id)
        if user is None or not user.active:
            raise NotSignedIn("请重新登录。", "Please sign in again.")
        until = throttle.locked_until(session, username=user.username, now=now, limits=limits)
        outcome: DomainError | None = None
        if until is not None:
            attempts.record_refusal(session, username=user.username, source=source, now=now)
            outcome = throttle.locked(until, now)
        elif (
            factor := twofactor.check(session, user=user, code=code, settings=settings, now=now)
        ) is None:
            outcome = attempts.failed(
                session,
                username=user.username,
                now=now,
                source=source,
                limits=limits,
                factor=twofactor.kind_of(code),
            )
        else:
            codes = []
            if not twofactor.enrolled(session, user=user):  # the first code confirms it
                codes = twofactor.confirm(session, user=user, now=now)
                attempts.audit_account(
                    session,
                    action=twofactor.ENROLLED,
                    username=user.username,
                    actor=service.actor_of(user),
                    now=now,
                    source=source,
                )
            token = open_session(
                session, user=user, settings=settings, now=now, source=source, factor=factor
            )
    if outcome is not None:
        raise outcome
    return user, token, codes
