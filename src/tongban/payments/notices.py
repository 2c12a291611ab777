"""Notifications from providers (支付结果通知), and the answers to queries that stand in
for a missing one. Verified first: a forged signature changes nothing but the audit
trail (``payment.notify_forged``). Then idempotent: the provider and notification id are
unique and an order is paid once, so a notification delivered twice, or a query's answer
followed by the notification, is counted once. A payment for an order that expired while
the case still waits for it is taken (flagged ``late_payment`` for finance); one for an
order cancelled or already settled by another is refunded in full (flagged).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.audit import service as audit
from tongban.audit.service import SYSTEM
from tongban.cases import service as cases
from tongban.cases.enums import PauseReason
from tongban.cases.models import Case
from tongban.payments import fees, refunds
from tongban.payments.enums import NotifyOutcome, OrderState
from tongban.payments.models import PaymentNotification, PaymentOrder
from tongban.payments.orders import audit_order, orders_of, unpaid
from tongban.payments.provider import ForgedNotice, Notice, get_provider

PAID_RESUMED = "申请人已缴费，恢复计时。"  # English beside it: ``payments.hooks``
PAID_RESUMED_EN = "The applicant paid; the clock runs again."


@dataclass(frozen=True)
class Received:
    """What became of one delivery of a notification."""

    outcome: NotifyOutcome | None  # None: forged or unknown order, nothing changed
    order_number: str | None
    message: str


def receive(
    session: Session,
    *,
    provider: str,
    body: bytes,
    signature: str,
    now: datetime,
    source_address: str | None = None,
) -> Received:
    """Verify and apply one delivery of a provider's notification."""
    try:
        notice = get_provider(provider).verify(body=body, signature=signature)
    except ForgedNotice as forged:
        audit.record(
            session,
            at=now,
            action="payment.notify_forged",
            actor=SYSTEM,
            object_type="payment_notification",
            object_id=provider,
            source_address=source_address,
            data={"provider": provider, "body": body[:500].decode(errors="replace")},
        )
        return Received(None, None, forged.message_en)
    return apply(session, provider=provider, notice=notice, now=now)


def _seen(session: Session, provider: str, notice: Notice) -> PaymentNotification | None:
    return session.scalar(
        select(PaymentNotification).where(
            PaymentNotification.provider == provider,
            PaymentNotification.notify_id == notice.notify_id,
        )
    )


def apply(session: Session, *, provider: str, notice: Notice, now: datetime) -> Received:
    """Apply a verified notice (or a query's answer) once."""
    seen = _seen(session, provider, notice)
    if seen is not None:
        seen.times += 1
        return Received(NotifyOutcome.duplicate, seen.order_number, "duplicate")
    order = session.scalar(
        select(PaymentOrder).where(PaymentOrder.number == notice.out_trade_no).with_for_update()
    )
    if order is None:
        return Received(None, None, "unknown order")
    if notice.kind == "payment":
        outcome = _payment(session, order, notice, now)
    else:
        outcome = NotifyOutcome.duplicate  # refunds are settled when asked for
    session.add(
        PaymentNotification(
            provider=provider,
            notify_id=notice.notify_id,
            order_number=order.number,
            kind=notice.kind,
            amount_fen=notice.amount_fen,
            body=notice.body,
            outcome=outcome,
            received_at=now,
        )
    )
    return Received(outcome, order.number, outcome.value)


def _payment(session: Session, order: PaymentOrder, notice: Notice, now: datetime) -> NotifyOutcome:
    if order.paid_at is not None or order.state == OrderState.refunded:
        return NotifyOutcome.duplicate  # paid once already (a query answered first)
    if notice.amount_fen != order.amount_fen:
        order.flag = "amount_mismatch"
        audit_order(
            session,
            order,
            "payment.flagged",
            SYSTEM,
            now,
            reason="amount_mismatch",
            received=notice.amount_fen,
        )
        return NotifyOutcome.mismatch
    case = session.get(Case, order.case_id)
    assert case is not None
    if order.state == OrderState.pending:
        _paid(session, order, case, notice, now)
        return NotifyOutcome.applied
    still_waiting = order.state == OrderState.expired and any(
        o.payee == order.payee for o in unpaid(session, case=case, when=order.when)
    )
    order.flag = "late_payment"
    if still_waiting:  # the case still waits for this payee: take it, drop a newer notice
        for newer in orders_of(session, case=case):
            if newer.payee == order.payee and newer.state == OrderState.pending:
                get_provider(newer.provider).close_trade(
                    session, out_trade_no=newer.number, now=now
                )
                newer.state = OrderState.cancelled
        _paid(session, order, case, notice, now)
        return NotifyOutcome.late
    order.paid_at, order.paid_fen = notice.at, notice.amount_fen
    order.provider_trade_no = notice.trade_no
    refunds.refund(
        session,
        order=order,
        amount_fen=notice.amount_fen,
        reason="缴款通知已失效或办件已结束，款项原路退回。",
        actor=SYSTEM,
        now=now,
        late=True,
    )
    return NotifyOutcome.late


def _paid(session: Session, order: PaymentOrder, case: Case, notice: Notice, now: datetime) -> None:
    order.state, order.paid_at = OrderState.paid, notice.at
    order.paid_fen, order.provider_trade_no = notice.amount_fen, notice.trade_no
    amount, code = fees.yuan(order.paid_fen), order.payment_code
    paid = f"已缴费 {amount} 元（缴款码 {code}）。"
    paid_en = f"{amount} yuan paid (payment code {code})."
    audit_order(
        session,
        order,
        "payment.paid",
        SYSTEM,
        now,
        paid,
        trade_no=notice.trade_no,
        opinion_en=paid_en,
    )
    if not unpaid(session, case=case, when=order.when):
        cases.applicant_done(
            session,
            case=case,
            reason=PauseReason.payment,
            actor=SYSTEM,
            now=now,
            opinion=PAID_RESUMED,
        )
