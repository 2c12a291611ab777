"""Machine clients (系统对接账号): a department's own system takes and completes its
department's tasks through the API with credentials of its own.

The flow is OAuth 2.0 client credentials (RFC 6749 §4.4): ``POST /api/v1/auth/token``
with the client id and secret gives a bearer token for ``TOKEN_MINUTES``, limited to the
client's scopes (``accounts.scopes``). The client acts through a staff account of its own,
so the department, the roles and every rule a person meets (审核与审批分离 among them)
apply to it too; every token given or refused is audited (key use, GB/T 22239-2019
8.1.4.3).
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.accounts import scopes as scope_rules
from tongban.accounts import service as accounts
from tongban.accounts.enums import Role
from tongban.accounts.models import SignInSession, User
from tongban.accounts.schemas import StaffCreate
from tongban.audit import service as audit
from tongban.audit.service import SYSTEM, Actor
from tongban.catalog import service as catalog
from tongban.errors import InvalidInput, NotFound, NotSignedIn
from tongban.integration.models import MachineClient
from tongban.timeutil import utcnow

TOKEN_MINUTES = 60
CLIENT_ROLES = frozenset({Role.clerk, Role.reviewer, Role.approver, Role.issuer})


@dataclass(frozen=True)
class NewClient:
    client: MachineClient
    secret: str  # shown once: only its SHA-256 is kept


@dataclass(frozen=True)
class Token:
    access_token: str
    expires_in: int  # seconds
    scope: str


def create_client(
    session: Session,
    *,
    name: str,
    department_code: str,
    roles: list[Role],
    scope: str,
    actor: Actor,
    now: datetime,
) -> NewClient:
    """A client for ``department_code``'s system holding ``roles`` (departmental ones
    only) within ``scope`` (space separated, ``accounts.scopes.SCOPES``).

    Raises ``NotFound`` for an unknown department, ``InvalidInput`` for an administrator
    role, no role or an unknown scope.
    """
    catalog.get_department(session, code=department_code)
    granted = scope_rules.parse(scope)
    if not granted:
        raise InvalidInput("请至少授予一个范围。", "Grant at least one scope.", field="scope")
    if not roles or set(roles) - CLIENT_ROLES:
        raise InvalidInput(
            "系统对接账号只能担任受理、审查、核准、制证角色。",
            "A machine client may hold only the clerk, reviewer, approver and issuer roles.",
            field="roles",
        )
    client_id = "tb_" + secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    user = accounts.create_staff(
        session,
        data=StaffCreate(
            username=f"client.{client_id}",
            password=secrets.token_urlsafe(32),  # never told: the account has no sign-in page
            display_name=name,
            department_code=department_code,
            roles=sorted(set(roles)),
        ),
    )
    user.takes_tasks = False  # it acts for the whole department: no task is assigned to it
    client = MachineClient(
        client_id=client_id,
        secret_hash=accounts.hash_token(secret),
        name=name,
        department_code=department_code,
        user_id=user.id,
        scopes=" ".join(sorted(granted)),
        active=True,
        created_at=now,
    )
    session.add(client)
    session.flush()
    _audit(session, "client.created", client, actor, now, {"scopes": client.scopes})
    return NewClient(client, secret)


def list_clients(session: Session) -> list[MachineClient]:
    return list(session.scalars(select(MachineClient).order_by(MachineClient.id)))


def revoke_client(session: Session, *, client_id: str, actor: Actor, now: datetime) -> None:
    """Switch the client off: its account and every token it holds stop working at once.
    Raises ``NotFound`` for an unknown client id."""
    client = session.scalar(select(MachineClient).where(MachineClient.client_id == client_id))
    if client is None:
        raise NotFound("没有这个系统对接账号。", f"No machine client {client_id}.")
    client.active = False
    user = session.get(User, client.user_id)
    if user is not None:
        user.active = False
    for row in session.scalars(
        select(SignInSession).where(SignInSession.user_id == client.user_id)
    ):
        session.delete(row)
    _audit(session, "client.revoked", client, actor, now, {})


def issue_token(
    session: Session,
    *,
    client_id: str,
    client_secret: str,
    scope: str | None,
    now: datetime,
    source_address: str | None = None,
) -> Token:
    """A bearer token for ``TOKEN_MINUTES`` within ``scope`` (default: all the client's
    scopes). Raises ``NotSignedIn`` (``invalid_client``, the same for an unknown client, a
    wrong secret and a switched-off client: RFC 6749 §5.2) and ``InvalidInput``
    (``invalid_scope``) for a scope the client was not granted."""
    client = session.scalar(select(MachineClient).where(MachineClient.client_id == client_id))
    right = client is not None and hmac.compare_digest(
        client.secret_hash, accounts.hash_token(client_secret)
    )
    if client is None or not right or not client.active:
        audit.record(
            session,
            at=now,
            action="client.token_refused",
            actor=SYSTEM,
            object_type="machine_client",
            object_id=client_id[:60],
            source_address=source_address,
        )
        raise NotSignedIn(
            "系统对接账号或密钥不正确，或账号已停用。",
            "Unknown client, wrong secret, or the client is switched off.",
            code="invalid_client",
        )
    allowed = frozenset(client.scopes.split())
    asked = scope_rules.parse(scope) if scope else allowed
    if not asked or asked - allowed:
        raise InvalidInput(
            f"该账号只被授予：{client.scopes}。",
            f"This client was granted only: {client.scopes}.",
            field="scope",
            code="invalid_scope",
        )
    token = secrets.token_urlsafe(32)
    granted = " ".join(sorted(asked))
    opened = utcnow()  # a token's expiry runs on the wall clock, as a person's sign-in does
    session.add(
        SignInSession(
            token_hash=accounts.hash_token(token),
            user_id=client.user_id,
            created_at=opened,
            expires_at=opened + timedelta(minutes=TOKEN_MINUTES),
            scopes=granted,
        )
    )
    client.last_token_at = now
    _audit(session, "client.token_issued", client, SYSTEM, now, {"scopes": granted}, source_address)
    return Token(token, TOKEN_MINUTES * 60, granted)


def _audit(
    session: Session,
    action: str,
    client: MachineClient,
    actor: Actor,
    now: datetime,
    data: dict[str, str],
    source_address: str | None = None,
) -> None:
    audit.record(
        session,
        at=now,
        action=action,
        actor=actor,
        object_type="machine_client",
        object_id=client.client_id,
        data={"name": client.name, "department": client.department_code, **data},
        source_address=source_address,
    )
