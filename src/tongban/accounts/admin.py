"""What the security administrator (安全管理员, GB/T 22239-2019 8.1.4.2 d) does to
accounts: sees and revokes sign-in sessions, sees and unlocks locked accounts, sees who has
a second factor, changes staff roles (三员分立 kept). Every change is audited once; a role
change ends the account's sessions (a session never outlives the privileges it began with).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tongban.accounts import service, throttle
from tongban.accounts.enums import Role, UserKind
from tongban.accounts.models import SecondFactor, SignInSession, User, UserRole
from tongban.audit import service as audit
from tongban.audit.models import AuditEntry
from tongban.errors import InvalidInput, NotFound

SESSION_REVOKED = "account.session_revoked"
ROLES_CHANGED = "account.roles_changed"
DEPARTMENTAL = {Role.clerk, Role.reviewer, Role.approver, Role.issuer}


@dataclass(frozen=True)
class Locked:
    username: str
    until: datetime


def _audit(
    session: Session,
    *,
    action: str,
    actor: User,
    target: str,
    now: datetime,
    source: str | None,
    data: dict[str, object] | None = None,
) -> None:
    audit.record(
        session,
        at=now,
        action=action,
        actor=service.actor_of(actor),
        object_type="account",
        object_id=target[: throttle.KEY_LENGTH],
        source_address=source,
        data=data,
    )


def live_sessions(session: Session, *, now: datetime) -> list[tuple[SignInSession, User]]:
    """Sign-in sessions not yet expired, newest first, with their users."""
    query = (
        select(SignInSession, User)
        .join(User, User.id == SignInSession.user_id)
        .where(SignInSession.expires_at > now)
        .order_by(SignInSession.created_at.desc())
    )
    return [(row, user) for row, user in session.execute(query).all()]


def revoke_session(
    session: Session, *, session_id: int, actor: User, now: datetime, source: str | None
) -> None:
    """End one sign-in session at once (its token stops working), audited.

    Raises ``NotFound`` for a session that is gone already.
    """
    row = session.get(SignInSession, session_id)
    if row is None:
        raise NotFound("该登录会话已结束。", "That sign-in session has ended already.")
    user = session.get_one(User, row.user_id)
    session.delete(row)
    _audit(
        session,
        action=SESSION_REVOKED,
        actor=actor,
        target=user.username,
        now=now,
        source=source,
        data={"session": session_id},
    )


def locked_accounts(session: Session, *, now: datetime, limits: throttle.Limits) -> list[Locked]:
    """Usernames locked now by wrong passwords or codes (``throttle.locked_until``)."""
    since = now - timedelta(minutes=limits.lock_minutes)
    names = session.scalars(
        select(AuditEntry.object_id)
        .where(AuditEntry.action == throttle.SIGN_IN_FAILED, AuditEntry.at > since)
        .distinct()
    )
    found = []
    for name in sorted(names):
        until = throttle.locked_until(session, username=name, now=now, limits=limits)
        if until is not None:
            found.append(Locked(name, until))
    return found


def unlock(
    session: Session, *, username: str, actor: User, now: datetime, source: str | None
) -> None:
    """Lift the lock of ``username``: the failures before now no longer count, audited."""
    _audit(session, action=throttle.UNLOCKED, actor=actor, target=username, now=now, source=source)


def second_factors(session: Session) -> list[tuple[User, bool]]:
    """Every active staff account and whether it has a confirmed second factor."""
    confirmed = set(
        session.scalars(select(SecondFactor.user_id).where(SecondFactor.confirmed_at.is_not(None)))
    )
    return [(user, user.id in confirmed) for user in service.list_staff(session)]


def change_roles(
    session: Session,
    *,
    user_id: int,
    roles: set[Role],
    actor: User,
    now: datetime,
    source: str | None,
) -> User:
    """Give a staff account exactly ``roles``; audited with the roles before and after,
    and its sign-in sessions end (it signs in again with the new privileges).

    Raises ``NotFound`` for no such staff account, ``InvalidInput`` for no roles, the
    applicant role, a departmental role without a department, or roles 三员分立 forbids
    combining (``service.check_role_separation``).
    """
    user = session.get(User, user_id)
    if user is None or user.kind != UserKind.staff:
        raise NotFound("没有这个工作人员账号。", "No such staff account.")
    if not roles or Role.applicant in roles:
        raise InvalidInput(
            "请至少选择一个工作人员角色。", "Choose at least one staff role.", field="roles"
        )
    service.check_role_separation(roles, departmental=DEPARTMENTAL)
    if roles & DEPARTMENTAL and user.department_code is None:
        raise InvalidInput(
            "受理、审查、核准、制证人员必须属于一个部门。",
            "Clerks, reviewers, approvers and issuers must belong to a department.",
            field="roles",
        )
    before = sorted(user.roles)
    for row in [row for row in user.role_rows if row.role not in roles]:
        user.role_rows.remove(row)
    session.flush()  # the rows dropped go before the new ones (unique per user and role)
    user.role_rows += [UserRole(role=role) for role in sorted(roles - set(before))]
    session.execute(delete(SignInSession).where(SignInSession.user_id == user.id))
    _audit(
        session,
        action=ROLES_CHANGED,
        actor=actor,
        target=user.username,
        now=now,
        source=source,
        data={"before": before, "after": sorted(roles)},
    )
    session.flush()
    return user
