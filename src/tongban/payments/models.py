"""Payment orders (缴费订单) with their notices, provider notifications and refunds; the
sandbox provider's own books; reconciliation reports; pickup codes and courier events.

Amounts are integers in fen (分) everywhere in the database; pages write yuan.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Enum,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tongban.db import Base, UTCDateTime
from tongban.payments.enums import (
    CourierStatus,
    NotifyOutcome,
    OrderState,
    PaymentWhen,
    RefundState,
    TradeState,
)


def _enum(kind: type, length: int = 20) -> Enum:
    return Enum(kind, native_enum=False, length=length)


class PaymentOrder(Base):
    """One payment order of a case: the fee lines computed from the form, the 非税收入
    payment notice's code (缴款码), and what the provider said about it."""

    __tablename__ = "payment_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)  # out_trade_no
    payment_code: Mapped[str] = mapped_column(String(20), unique=True)  # 缴款码, 20 digits
    payee: Mapped[str] = mapped_column(String(120))  # 执收单位
    when: Mapped[PaymentWhen] = mapped_column(_enum(PaymentWhen))
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    amount_fen: Mapped[int] = mapped_column(Integer)
    state: Mapped[OrderState] = mapped_column(_enum(OrderState), index=True)
    provider: Mapped[str] = mapped_column(String(20))
    provider_trade_no: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    paid_fen: Mapped[int] = mapped_column(Integer, default=0)
    refunded_fen: Mapped[int] = mapped_column(Integer, default=0)
    refund_unissued: Mapped[bool] = mapped_column(Boolean, default=False)
    # why finance should look at it: "late_payment", "amount_mismatch"
    flag: Mapped[str | None] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(Integer, default=1)

    refunds: Mapped[list[Refund]] = relationship(order_by="Refund.id")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class PaymentNotification(Base):
    """A verified notification (回调) from a provider; the provider and its notification
    id are unique, so a duplicate is recorded once (``times`` counts the deliveries)."""

    __tablename__ = "payment_notifications"
    __table_args__ = (UniqueConstraint("provider", "notify_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    notify_id: Mapped[str] = mapped_column(String(64))
    order_number: Mapped[str] = mapped_column(String(40), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # payment / refund
    amount_fen: Mapped[int] = mapped_column(Integer)
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    outcome: Mapped[NotifyOutcome] = mapped_column(_enum(NotifyOutcome))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    times: Mapped[int] = mapped_column(Integer, default=1)


class Refund(Base):
    """A full or partial refund of a paid order (退费), with its reason."""

    __tablename__ = "payment_refunds"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("payment_orders.id"), index=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)  # out_refund_no
    amount_fen: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    state: Mapped[RefundState] = mapped_column(_enum(RefundState))
    requested_by: Mapped[str] = mapped_column(String(120))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    provider_refund_no: Mapped[str | None] = mapped_column(String(64))


class SandboxTrade(Base):
    """The sandbox provider's own record of a trade: its books, kept apart from the
    platform's orders, so reconciliation compares two ledgers as with a real provider."""

    __tablename__ = "sandbox_trades"

    id: Mapped[int] = mapped_column(primary_key=True)
    trade_no: Mapped[str] = mapped_column(String(64), unique=True)
    out_trade_no: Mapped[str] = mapped_column(String(40), unique=True)
    subject: Mapped[str] = mapped_column(String(200))
    amount_fen: Mapped[int] = mapped_column(Integer)
    state: Mapped[TradeState] = mapped_column(_enum(TradeState))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SandboxEntry(Base):
    """One line of the sandbox provider's statement (对账单): a payment or a refund."""

    __tablename__ = "sandbox_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    trade_no: Mapped[str] = mapped_column(String(64), index=True)
    out_trade_no: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20))  # payment / refund
    reference: Mapped[str] = mapped_column(String(64), unique=True)  # trade or refund no
    amount_fen: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class Reconciliation(Base):
    """The daily reconciliation (对账) of one provider: platform against statement."""

    __tablename__ = "payment_reconciliations"
    __table_args__ = (UniqueConstraint("provider", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    day: Mapped[date] = mapped_column(Date)
    made_at: Mapped[datetime] = mapped_column(UTCDateTime())
    counts: Mapped[dict[str, int]] = mapped_column(JSON)
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON)


class Pickup(Base):
    """Collecting the result at the window (窗口领取): the code given to the applicant,
    checked by the clerk, and who handed it over when."""

    __tablename__ = "result_pickups"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    code: Mapped[str] = mapped_column(String(8))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    collected_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    collected_by: Mapped[str | None] = mapped_column(String(120))


class CourierEvent(Base):
    """A status of a posted result reported by the courier (signed callback)."""

    __tablename__ = "courier_events"
    __table_args__ = (UniqueConstraint("courier", "notify_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    courier: Mapped[str] = mapped_column(String(20))
    notify_id: Mapped[str] = mapped_column(String(64))
    tracking_number: Mapped[str] = mapped_column(String(40))
    status: Mapped[CourierStatus] = mapped_column(_enum(CourierStatus))
    detail: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
