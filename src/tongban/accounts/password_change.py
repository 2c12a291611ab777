"""Changing one's password (修改密码): the current one proves it is the holder, the new one
passes the deployment's profile (``passwords``: ``nist`` or ``dengbao3``, whose maximum age
sends a signed-in user here first), every other session of the account ends.
GB/T 22239-2019 (等保 2.0) level 3, 8.1.4.1 a (身份鉴别: 口令定期更换) and b (登录失败处理):
a wrong current password is a failed sign-in, counted toward the account's lock
(``throttle``), so a session left open cannot be used to guess the password without limit.
"""

from __future__ import annotations

from datetime import datetime

from argon2.exceptions import VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.accounts import attempts, passwords, service, throttle
from tongban.accounts.models import SignInSession, User
from tongban.config import Settings
from tongban.errors import DomainError, InvalidInput

PASSWORD_CHANGED = "account.password_changed"


def _wrong_current(
    session: Session, *, user: User, now: datetime, source: str | None, limits: throttle.Limits
) -> DomainError:
    """Audit a wrong current password as a failed sign-in; say so, or that it locked. The
    error keeps its record: the failure is committed although the request fails."""
    lock = attempts.record_failure(
        session,
        username=user.username,
        actor=service.actor_of(user),
        now=now,
        source=source,
        limits=limits,
    )
    error: DomainError = lock or InvalidInput(
        "当前密码不正确。", "The current password is wrong.", field="current_password"
    )
    error.keeps_record = True
    return error


def change_password(
    session: Session,
    *,
    user: User,
    current: str,
    new: str,
    token: str | None,
    settings: Settings,
    now: datetime,
    source: str | None,
) -> None:
    """Change ``user``'s password: ``current`` must be the right one and ``new`` pass the
    profile (``passwords.check_new_password``) and differ from it. Its age starts again
    at ``now``; every other session of the account ends (a stolen one with them), the one
    of ``token`` stays. Audited (``account.password_changed``).

    A wrong ``current`` is audited as a failed sign-in (``account.sign_in_failed``), before
    anything is said about ``new``; the error raised then ``keeps_record``.

    Raises ``TooManyAttempts`` (429) while the account is locked (sign-in's lock, which
    wrong current passwords count toward), ``InvalidInput`` (field ``current_password`` or
    ``password``) saying what to fix.
    """
    limits = throttle.Limits.of(settings)
    until = throttle.locked_until(session, username=user.username, now=now, limits=limits)
    if until is not None:
        attempts.record_refusal(session, username=user.username, source=source, now=now)
        locked = throttle.locked(until, now)
        locked.keeps_record = True
        raise locked
    try:
        service.verify_password(user.password_hash, current)
    except VerificationError:
        raise _wrong_current(session, user=user, now=now, source=source, limits=limits) from None
    if new == current:
        raise InvalidInput(
            "新密码不能与当前密码相同。",
            "The new password must differ from the current one.",
            field="password",
        )
    own = [user.username, user.display_name, user.id_number or "", user.phone or ""]
    passwords.check_new_password(new, policy=settings.password_policy, user_inputs=own)
    user.password_hash = service.hash_password(new)
    user.password_changed_at = now
    kept = service.hash_token(token) if token else ""
    others = select(SignInSession).where(
        SignInSession.user_id == user.id, SignInSession.token_hash != kept
    )
    for row in session.scalars(others):
        session.delete(row)
    attempts.audit_account(
        session,
        action=PASSWORD_CHANGED,
        username=user.username,
        actor=service.actor_of(user),
        now=now,
        source=source,
    )
