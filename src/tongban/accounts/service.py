"""The accounts domain promises: applicants register with a valid resident ID number
(and, for enterprises, a valid unified social credit code); passwords are stored only
as argon2id hashes; sign-ins expire; staff belong to a department and hold roles.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban import identifiers
from tongban.accounts import realname
from tongban.accounts.enums import ADMIN_TRIAD, Role, UserKind
from tongban.accounts.models import SignInSession, User, UserRole
from tongban.accounts.schemas import ApplicantCreate, StaffCreate
from tongban.audit.service import Actor
from tongban.config import get_settings
from tongban.errors import Conflict, InvalidInput, gather
from tongban.pii.service import lookup_key
from tongban.timeutil import utcnow

_HASHERS = {
    "recommended": PasswordHasher(),  # argon2id, the library's current recommended parameters
    "test-only-fast": PasswordHasher(time_cost=1, memory_cost=8, parallelism=1),
}


def _hasher() -> PasswordHasher:
    """The hasher of the ``password_hashing`` setting."""
    return _HASHERS[get_settings().password_hashing]


def actor_of(user: User) -> Actor:
    """The audit actor for a user."""
    return Actor(id=user.id, name=user.display_name, department_code=user.department_code)


def hash_token(token: str) -> str:
    """How a bearer token is stored: its SHA-256, never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> None:
    """Raise ``argon2.exceptions.VerificationError`` unless ``password`` matches."""
    _hasher().verify(password_hash, password)


def rehash_if_needed(user: User, password: str) -> None:
    """Store a fresh hash when the stored one was made with other parameters than the
    ``password_hashing`` setting's (or the library's recommended ones have changed)."""
    hasher = _hasher()
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)


def _check_username_free(session: Session, username: str) -> None:
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(
            f"用户名“{username}”已被使用，请换一个。",
            f"The username '{username}' is taken; choose another.",
            field="username",
        )


def checked_identifier(kind: str, value: str, field: str) -> str:
    """The value normalised and checked as every form checks it (``identifiers.KINDS``)."""
    try:
        return identifiers.KINDS[kind].check(value)
    except identifiers.IdentifierError as error:
        detail = {"field": field, "message_zh": error.message_zh, "message_en": error.message_en}
        raise InvalidInput(
            error.message_zh, error.message_en, field=field, details=[detail]
        ) from error


def checked_phone(value: str | None) -> str | None:
    """A mobile number, normalised; blank is no number."""
    if value is None or not value.strip():
        return None
    return checked_identifier("mobile-phone", value, "phone")


def _enterprise_name(data: ApplicantCreate) -> None:
    if data.kind == UserKind.enterprise and not data.enterprise_name:
        raise InvalidInput(
            "法人账号需要填写企业名称。",
            "An enterprise account needs its name.",
            field="enterprise_name",
        )


def _credit_code(data: ApplicantCreate) -> str | None:
    """An enterprise's credit code, checked; None for a person."""
    if data.kind != UserKind.enterprise:
        return None
    if not data.credit_code:
        raise InvalidInput(
            "法人账号需要填写统一社会信用代码。",
            "An enterprise account needs its unified social credit code.",
            field="credit_code",
        )
    return checked_identifier("credit-code", data.credit_code, "credit_code")


def register_applicant(
    session: Session, *, data: ApplicantCreate, check_password: Callable[[], object] = lambda: None
) -> User:
    """Register a natural person or an enterprise (through its legal representative), the
    identity checked against the registers (``realname``: refused where they hold the
    number under other names; verified where they hold it, else left unverified).
    ``check_password`` (raising InvalidInput) is named with the identifiers' problems in
    one InvalidInput (``errors.gather``)."""
    if data.kind == UserKind.staff:
        raise InvalidInput(
            "只能注册自然人或法人账号。", "Only persons or enterprises may register."
        )
    _check_username_free(session, data.username)
    checked = gather(
        {
            "password": check_password,
            "id_number": lambda: checked_identifier("resident-id", data.id_number, "id_number"),
            "phone": lambda: checked_phone(data.phone),
            "enterprise_name": lambda: _enterprise_name(data),
            "credit_code": lambda: _credit_code(data),
        }
    )
    id_number, phone, credit_code = checked["id_number"], checked["phone"], checked["credit_code"]
    claim = realname.Claim(
        kind=data.kind,
        display_name=data.display_name.strip(),
        id_number=id_number,
        credit_code=credit_code,
        enterprise_name=(data.enterprise_name or "").strip() or None,
    )
    verified = realname.verify(session, claim=claim)  # InvalidInput: another's number
    now = utcnow()
    user = User(
        username=data.username,
        password_hash=_hasher().hash(data.password),
        kind=data.kind,
        display_name=data.display_name,
        id_number=id_number,
        credit_code=credit_code,
        enterprise_name=data.enterprise_name if credit_code else None,
        phone=phone,
        email=data.email,
        created_at=now,
        identity_verified_at=now if verified else None,
        role_rows=[UserRole(role=Role.applicant)],
    )
    session.add(user)
    session.flush()
    return user


def check_role_separation(roles: set[Role], *, departmental: set[Role]) -> None:
    """三员分立 (GB/T 22239-2019 8.1.4.2 d, 8.1.10.x): the system, security and audit
    administrators are three people, and an administrator handles no case; an expert
    (评审专家) holds no other role, so is never drawn as an ordinary reviewer.

    Raises ``InvalidInput`` naming the roles that may not be combined.
    """
    if Role.expert in roles and len(roles) > 1:
        raise InvalidInput(
            "评审专家账号只能拥有评审专家角色：专家只参加专家评审，不办理办件任务。",
            "An expert account holds the expert role only: experts sit on panels and "
            "handle no case tasks.",
            field="roles",
        )
    admins = sorted(ADMIN_TRIAD & roles)
    if len(admins) > 1:
        raise InvalidInput(
            f"三员分立：系统管理员、安全管理员、审计管理员须由不同账号担任，不能同时拥有 {'、'.join(admins)}。",
            "Separation of the three administrators: the system, security and audit "
            f"administrator roles belong to different accounts; {', '.join(admins)} cannot be combined.",
            field="roles",
        )
    if admins and departmental & roles:
        raise InvalidInput(
            "管理员不能办理办件：管理员角色不能与受理、审查、核准、制证角色同时拥有。",
            "An administrator handles no cases: administrator roles cannot be combined with "
            "the clerk, reviewer, approver or issuer roles.",
            field="roles",
        )


def create_staff(session: Session, *, data: StaffCreate) -> User:
    """Create a staff account in a department with the given roles."""
    _check_username_free(session, data.username)
    if Role.applicant in data.roles:
        raise InvalidInput("工作人员不能拥有申请人角色。", "Staff cannot hold the applicant role.")
    departmental = {Role.clerk, Role.reviewer, Role.approver, Role.issuer}
    check_role_separation(set(data.roles), departmental=departmental)
    if departmental.intersection(data.roles) and not data.department_code:
        raise InvalidInput(
            "受理、审查、核准、制证人员必须属于一个部门。",
            "Clerks, reviewers, approvers and issuers must belong to a department.",
            field="department_code",
        )
    user = User(
        username=data.username,
        password_hash=_hasher().hash(data.password),
        kind=UserKind.staff,
        display_name=data.display_name,
        department_code=data.department_code,
        email=data.email,
        created_at=utcnow(),
        role_rows=[UserRole(role=role) for role in sorted(set(data.roles))],
    )
    session.add(user)
    session.flush()
    return user


def sign_in_for_token(session: Session, *, token: str) -> tuple[User, SignInSession] | None:
    """The active user a live token belongs to, with its sign-in (its ``scopes``), or None
    when the token is unknown or expired or the account is switched off."""
    query = select(SignInSession).where(SignInSession.token_hash == hash_token(token))
    sign_in_row = session.scalar(query)
    if sign_in_row is None or sign_in_row.expires_at <= utcnow():
        return None
    user = session.get(User, sign_in_row.user_id)
    return (user, sign_in_row) if user is not None and user.active else None


def account_of_token(session: Session, token: str) -> int | None:
    """The id of the account a live token (bearer or session cookie) signs in, else None:
    whom an ``Idempotency-Key`` belongs to (``web.idempotency``)."""
    found = sign_in_for_token(session, token=token)
    return found[0].id if found else None


def get_user(session: Session, *, user_id: int) -> User | None:
    return session.get(User, user_id)


def list_staff(session: Session) -> list[User]:
    """Active staff accounts, oldest first."""
    query = select(User).where(User.kind == UserKind.staff, User.active.is_(True))
    return list(session.scalars(query.order_by(User.id)))


def find_user(session: Session, *, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def walk_in_username(id_number: str) -> str:
    """A walk-in account's username: the keyed hash of the ID number, never the number."""
    return "walkin-" + lookup_key(id_number).removeprefix("h:")


def _walk_in_name(name: str) -> str:
    if not name.strip():
        raise InvalidInput("请填写申请人姓名。", "Enter the applicant's name.", field="name")
    return name.strip()


def find_or_create_walk_in(session: Session, *, id_number: str, name: str, phone: str) -> User:
    """The person account of a walk-in applicant (窗口代办): reused by ID number, else created.

    A new account gets an unusable password (the hash of a secret nobody is told), so the
    person can claim it later with their ID number.
    """
    checked = gather(
        {
            "id_number": lambda: checked_identifier("resident-id", id_number, "id_number"),
            "name": lambda: _walk_in_name(name),
            "phone": lambda: checked_phone(phone),
        }
    )
    number, name, mobile = checked["id_number"], checked["name"], checked["phone"]
    query = select(User).where(User.id_number_key == number, User.kind == UserKind.person)
    person = session.scalars(query.order_by(User.id)).first()
    if person is not None:
        if person.display_name != name:
            raise InvalidInput(
                "姓名与该身份号码已登记的姓名不一致，请核对身份证件。",
                "The name differs from the one registered for this ID number; check the ID card.",
                field="name",
            )
        return person
    claim = realname.Claim(kind=UserKind.person, display_name=name, id_number=number)
    person = User(
        username=walk_in_username(number),
        password_hash=_hasher().hash(secrets.token_urlsafe(32)),
        kind=UserKind.person,
        display_name=name,
        id_number=number,
        phone=mobile,
        created_at=utcnow(),
        identity_verified_at=utcnow() if realname.verify(session, claim=claim) else None,
        role_rows=[UserRole(role=Role.applicant)],
    )
    session.add(person)
    session.flush()
    return person
