"""Users, their roles and their sign-in sessions."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Enum, ForeignKey, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tongban.accounts.enums import Role, UserKind
from tongban.db import Base, UTCDateTime
from tongban.pii.service import LookupKey, Sealed, lookup_key


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    kind: Mapped[UserKind] = mapped_column(Enum(UserKind, native_enum=False, length=20))
    # names and e-mail addresses sealed at rest; a name is found by its keyed hash
    display_name: Mapped[str] = mapped_column(Sealed("users.display_name"))
    display_name_key: Mapped[str | None] = mapped_column(LookupKey(), index=True)
    department_code: Mapped[str | None] = mapped_column(ForeignKey("departments.code"), index=True)
    # the resident ID sealed at rest; found by its keyed hash (``pii.lookup_key``)
    id_number: Mapped[str | None] = mapped_column(Sealed("users.id_number"))
    id_number_key: Mapped[str | None] = mapped_column(LookupKey(), index=True)
    credit_code: Mapped[str | None] = mapped_column(String(18), index=True)
    credit_code_key: Mapped[str | None] = mapped_column(LookupKey(), index=True)
    enterprise_name: Mapped[str | None] = mapped_column(Sealed("users.enterprise_name"))
    phone: Mapped[str | None] = mapped_column(Sealed("users.phone"))
    email: Mapped[str | None] = mapped_column(Sealed("users.email"))
    # the language messages are written in (zh_Hans | en), remembered at sign-in
    locale: Mapped[str | None] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # when the password was last set; None: not since the account was made (``created_at``)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # real-name verification (实名认证, ``accounts.realname``): when the ID number (and the
    # credit code) were found in the registers with the names given; None: not verified
    identity_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # staff absence (请假, 出差): from–until local dates, both included; an absent person
    # is given no new task and their open tasks may be taken by a colleague
    absent_from: Mapped[date | None] = mapped_column(Date)
    absent_until: Mapped[date | None] = mapped_column(Date)
    # whether tasks are assigned to this account: a person yes; a department system's
    # account (``tongban.integration``) no, it acts for the whole department
    takes_tasks: Mapped[bool] = mapped_column(Boolean, default=True)

    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def verified_codes(self) -> list[str]:
        """The ID number and credit code this account may see the shared data, licences
        and profile of: its own, once its identity was verified; none before."""
        if self.identity_verified_at is None:
            return []
        return [code for code in (self.id_number, self.credit_code) if code]

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(row.role for row in self.role_rows)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    def absent_on(self, day: date) -> bool:
        """Whether the person is marked absent on ``day`` (a local date)."""
        return (
            self.absent_from is not None
            and self.absent_until is not None
            and self.absent_from <= day <= self.absent_until
        )

    @property
    def is_staff(self) -> bool:
        return self.kind == UserKind.staff


@event.listens_for(User.id_number, "set")
def _index_id_number(target: User, value: str | None, old: object, initiator: object) -> None:
    target.id_number_key = None if value is None else lookup_key(value)


@event.listens_for(User.display_name, "set")
def _index_display_name(target: User, value: str | None, old: object, initiator: object) -> None:
    target.display_name_key = None if value is None else lookup_key(value)


@event.listens_for(User.credit_code, "set")
def _index_credit_code(target: User, value: str | None, old: object, initiator: object) -> None:
    target.credit_code_key = None if value is None else lookup_key(value)


class UserRole(Base):
    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20))


class SignInSession(Base):
    """A sign-in: the token itself is never stored, only its SHA-256."""

    __tablename__ = "sign_in_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # a machine client's token: what it may call (``accounts.scopes``); None for a person
    scopes: Mapped[str | None] = mapped_column(String(200))


class SecondFactor(Base):
    """A user's TOTP authenticator (RFC 6238): the shared secret, sealed with AES-GCM under a
    key derived from the secret key; usable once ``confirmed_at`` is set."""

    __tablename__ = "second_factors"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    sealed_secret: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_step: Mapped[int] = mapped_column(default=0)  # a code's time step is used once


class RecoveryCode(Base):
    """A one-time code for a lost authenticator: only its SHA-256 is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Authorisation(Base):
    """授权委托: ``grantor`` lets ``agent`` apply on their behalf for the catalog codes in
    ``scope`` (empty: every item) until ``valid_until`` (local date, included); the
    ``consent`` is the text the grantor agreed to when making it (``accounts.authorisations``)."""

    __tablename__ = "authorisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    grantor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    relation: Mapped[str] = mapped_column(String(20))
    scope: Mapped[list[Any]] = mapped_column(JSON, default=list)
    valid_until: Mapped[date] = mapped_column(Date)
    consent: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
