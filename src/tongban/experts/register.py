"""The expert register (专家库): who may be drawn onto a panel, in which fields, and the
employer whose cases they may not judge (回避).

An expert signs in with an account of the ``expert`` role alone (made by the security
administrator like any staff account, ``tongban users``); the register adds their fields,
employer and phone to it. Every change is audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.accounts import service as accounts
from tongban.accounts.enums import Role, UserKind
from tongban.accounts.models import User, UserRole
from tongban.audit import service as audit
from tongban.audit.service import Actor
from tongban.errors import Conflict, InvalidInput, NotFound, gather
from tongban.experts.enums import Field
from tongban.experts.models import Expert

EMPLOYER_MAX = 200


@dataclass(frozen=True)
class Entry:
    """What the register holds of one expert (the form and the CLI both give it)."""

    fields: list[str]
    employer: str
    employer_credit_code: str = ""
    phone: str = ""


def _fields(chosen: list[str]) -> list[str]:
    """The chosen fields of expertise in the register's order, once each."""
    unknown = [f for f in chosen if f not in set(Field)]
    if not chosen or unknown:
        raise InvalidInput(
            "请至少选择一个专业领域。" if not unknown else f"未知专业领域：{'、'.join(unknown)}。",
            "Choose at least one field."
            if not unknown
            else f"Unknown field: {', '.join(unknown)}.",
            field="fields",
        )
    return [f.value for f in Field if f.value in chosen]


def _employer(typed: str) -> str:
    employer = typed.strip()
    if not employer or len(employer) > EMPLOYER_MAX:
        raise InvalidInput(
            f"请填写工作单位（不超过 {EMPLOYER_MAX} 个字）。",
            f"Enter the employer (at most {EMPLOYER_MAX} characters).",
            field="employer",
        )
    return employer


def _checked(entry: Entry) -> tuple[list[str], str, str | None, str | None]:
    """The entry's fields, employer, credit code and phone, normalised; one InvalidInput
    naming every one to fix (``errors.gather``)."""
    code = entry.employer_credit_code.strip()
    checked = gather(
        {
            "fields": lambda: _fields(entry.fields),
            "employer": lambda: _employer(entry.employer),
            "employer_credit_code": lambda: (
                accounts.checked_identifier("credit-code", code, "employer_credit_code")
                if code
                else None
            ),
            "phone": lambda: accounts.checked_phone(entry.phone),
        }
    )
    return (
        checked["fields"],
        checked["employer"],
        checked["employer_credit_code"],
        checked["phone"],
    )


def _record(session: Session, expert: Expert, action: str, actor: Actor, now: datetime) -> None:
    audit.record(
        session,
        at=now,
        action=action,
        actor=actor,
        object_type="expert",
        object_id=expert.id,
        data={"username": expert.user.username, "fields": expert.fields, "active": expert.active},
    )


def unregistered_accounts(session: Session) -> Sequence[User]:
    """Active expert accounts not yet in the register, oldest first."""
    query = (
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.expert, User.active.is_(True))
        .where(User.id.not_in(select(Expert.user_id)))
    )
    return session.scalars(query.order_by(User.id)).all()


def register(
    session: Session, *, username: str, entry: Entry, actor: Actor, now: datetime
) -> Expert:
    """Put the expert account ``username`` in the register.

    Raises ``InvalidInput`` for an account that is not an expert account or an entry to
    fix, ``Conflict`` when the account is in the register already."""
    user = accounts.find_user(session, username=username.strip())
    if user is None or user.kind != UserKind.staff or user.roles != {Role.expert}:
        raise InvalidInput(
            f"“{username}”不是评审专家账号；请先由安全管理员创建仅有评审专家角色的账号。",
            f"'{username}' is not an expert account; the security administrator creates one "
            "with the expert role only first.",
            field="username",
        )
    if session.scalar(select(Expert.id).where(Expert.user_id == user.id)) is not None:
        raise Conflict(
            f"{user.display_name} 已在专家库中。",
            f"{user.display_name} is in the register already.",
            field="username",
        )
    fields, employer, credit, phone = _checked(entry)
    expert = Expert(
        user=user,
        fields=fields,
        employer=employer,
        employer_credit_code=credit,
        phone=phone,
        active=True,
        created_at=now,
    )
    session.add(expert)
    session.flush()
    _record(session, expert, "expert.registered", actor, now)
    return expert


def update(
    session: Session, *, expert_id: int, entry: Entry, active: bool, actor: Actor, now: datetime
) -> Expert:
    """Change an expert's fields, employer, phone, or take them off the draw (``active``
    False: seats they hold stand). Raises ``NotFound``, ``InvalidInput``."""
    expert = get(session, expert_id=expert_id)
    expert.fields, expert.employer, expert.employer_credit_code, expert.phone = _checked(entry)
    expert.active = active
    _record(session, expert, "expert.updated", actor, now)
    return expert


def get(session: Session, *, expert_id: int) -> Expert:
    expert = session.get(Expert, expert_id)
    if expert is None:
        raise NotFound(f"专家库中没有编号 {expert_id}。", f"No expert {expert_id}.")
    return expert


def list_experts(session: Session, *, field: str | None = None) -> list[Expert]:
    """The register, in order of registration; with ``field``, the active experts of it."""
    experts = list(session.scalars(select(Expert).order_by(Expert.id)))
    if field is None:
        return experts
    return [expert for expert in experts if expert.active and field in expert.fields]
