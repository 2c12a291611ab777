"""What a sign-in attempt leaves in the audit trail (the record ``throttle`` counts):
its success or failure, the lock a failure completes, and a refusal before any check.

GB/T 22239-2019 (等保 2.0) level 3, 8.1.4.1 b (登录失败处理) and 8.1.4.3 (安全审计): every
attempt is recorded once with its time, the username, the outcome and the network address.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tongban.accounts import throttle
from tongban.audit import service as audit
from tongban.errors import DomainError, NotSignedIn, TooManyAttempts


def audit_account(
    session: Session,
    *,
    action: str,
    username: str,
    actor: audit.Actor,
    now: datetime,
    source: str | None,
    factor: str | None = None,
) -> None:
    """One account event in the audit trail: the counts of ``throttle`` read these;
    ``factor`` says a second factor was checked (``twofactor.TOTP`` or ``RECOVERY``)."""
    audit.record(
        session,
        at=now,
        action=action,
        actor=actor,
        object_type="account",
        object_id=username[: throttle.KEY_LENGTH],
        source_address=source,
        data={"factor": factor} if factor else None,
    )


def claimed(username: str) -> audit.Actor:
    """The actor of an attempt: nobody yet, under the username typed."""
    return audit.Actor(id=None, name=username[:120] or "-")


def record_failure(
    session: Session,
    *,
    username: str,
    actor: audit.Actor,
    now: datetime,
    source: str | None,
    limits: throttle.Limits,
    factor: str | None = None,
) -> TooManyAttempts | None:
    """Audit a failed attempt (``account.sign_in_failed``: a wrong password, code or current
    password); when it completes a run, audit the lock (``account.locked``) and return it."""
    audit_account(
        session,
        action=throttle.SIGN_IN_FAILED,
        username=username,
        actor=actor,
        now=now,
        source=source,
        factor=factor,
    )
    until = throttle.locked_until(session, username=username, now=now, limits=limits)
    if until is None:
        return None
    audit_account(
        session, action=throttle.LOCKED, username=username, actor=actor, now=now, source=source
    )
    return throttle.locked(until, now)


def record_refusal(session: Session, *, username: str, source: str | None, now: datetime) -> None:
    """Audit an attempt refused before any check (``account.sign_in_refused``: the username
    locked or the address trying too often); not counted as a failure, so it does not
    lengthen the lock."""
    audit_account(
        session,
        action=throttle.SIGN_IN_REFUSED,
        username=username,
        actor=claimed(username),
        now=now,
        source=source,
    )


def failed(
    session: Session,
    *,
    username: str,
    now: datetime,
    source: str | None,
    limits: throttle.Limits,
    factor: str | None = None,
) -> DomainError:
    """Audit a failed sign-in and say so, or that it locked the username."""
    actor = claimed(username)
    lock = record_failure(
        session,
        username=username,
        actor=actor,
        now=now,
        source=source,
        limits=limits,
        factor=factor,
    )
    if lock is not None:
        return lock
    if factor:
        return NotSignedIn(
            "验证码不正确或已使用过，请输入身份验证器上的新验证码或一个恢复码。",
            "Wrong or already used code: enter the authenticator's current code or a recovery code.",
            code="bad_second_factor",
        )
    return NotSignedIn(
        "用户名或密码不正确。", "Wrong username or password.", code="bad_credentials"
    )
