"""The payment provider interface (支付渠道): what the platform asks of a provider and
what a provider's notification must prove. The sandbox (``sandbox.py``) is the default;
plugging a real one (聚合支付, 银联, a 非税收入 collection system) is implementing this
Protocol and registering it (docs/payments.md).

Every notification is verified before anything is read from it: a body whose signature
does not check out raises :class:`ForgedNotice` and changes nothing.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol

from sqlalchemy.orm import Session

from tongban import timefmt
from tongban.config import get_settings
from tongban.errors import DomainError


class ForgedNotice(DomainError):
    """A notification whose signature does not verify (伪造回调)."""

    status = 400
    code = "forged_signature"


@dataclass(frozen=True)
class Checkout:
    """Where the applicant pays: the provider's trade number and its pay page."""

    trade_no: str
    pay_url: str


@dataclass(frozen=True)
class TradeStatus:
    """What the provider says of a trade when asked (查询订单)."""

    out_trade_no: str
    trade_no: str | None
    state: str  # created / paid / closed / unknown
    amount_fen: int
    paid_at: datetime | None


@dataclass(frozen=True)
class Notice:
    """A verified notification: a payment or a refund of one order."""

    notify_id: str
    kind: str  # payment / refund
    out_trade_no: str
    trade_no: str
    amount_fen: int
    at: datetime
    body: dict[str, object]


@dataclass(frozen=True)
class StatementLine:
    """One line of the provider's daily statement (对账单)."""

    kind: str  # payment / refund
    out_trade_no: str
    trade_no: str
    reference: str
    amount_fen: int
    at: datetime


class Provider(Protocol):
    """A payment provider. Calls take the session only so the sandbox can keep its books
    in this database; a real provider talks HTTP to its gateway instead."""

    name: str

    def create_trade(
        self,
        session: Session,
        *,
        out_trade_no: str,
        subject: str,
        amount_fen: int,
        expires_at: datetime,
        now: datetime,
    ) -> Checkout: ...

    def query_trade(self, session: Session, *, out_trade_no: str) -> TradeStatus: ...

    def close_trade(self, session: Session, *, out_trade_no: str, now: datetime) -> None: ...

    def refund(
        self,
        session: Session,
        *,
        out_trade_no: str,
        out_refund_no: str,
        amount_fen: int,
        now: datetime,
    ) -> str: ...

    def statement(self, session: Session, *, day: date) -> list[StatementLine]: ...

    def verify(self, *, body: bytes, signature: str) -> Notice: ...


PROVIDERS: dict[str, Callable[[], Provider]] = {}


def register(name: str, factory: Callable[[], Provider]) -> None:
    """Make ``factory`` the maker of provider ``name`` (``TONGBAN_PAYMENT_PROVIDER``)."""
    PROVIDERS[name] = factory


def get_provider(name: str | None = None) -> Provider:
    """The provider ``name``, else the configured one."""
    return PROVIDERS[name or get_settings().payment_provider]()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The UTC start and end of ``day`` in the configured zone (a statement's day)."""
    start = datetime.combine(day, time(0), tzinfo=timefmt.zone())
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


def hmac_key(purpose: str) -> bytes:
    """A key for ``purpose`` derived from the secret key (HMAC-SHA256): the sandbox's
    shared secret with the platform, never written anywhere."""
    secret = get_settings().secret_key.encode()
    return hmac.new(secret, purpose.encode(), hashlib.sha256).digest()


def sign(key: bytes, body: bytes) -> str:
    """HMAC-SHA256 of the raw body, hex, as 聚合支付 notify signatures are."""
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def signature_ok(key: bytes, body: bytes, signature: str) -> bool:
    """Constant-time check of ``signature`` over the raw ``body``."""
    return hmac.compare_digest(sign(key, body), signature.strip().lower())


def checked(found: Mapping[str, object], *names: str) -> None:
    """ForgedNotice when a signed body lacks a field (a signed but malformed body is not
    trusted either)."""
    missing = [name for name in names if name not in found]
    if missing:
        raise ForgedNotice(
            "回调内容不完整，已拒绝。",
            f"The notification lacks {', '.join(missing)}; refused.",
        )
