"""Refunds (退费): full or partial, of a paid order, through its provider, with the
reason; automatic ones (a late payment, a case ended without its result where the item
says the fee is then refunded) are made by the system, others by finance staff.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.audit.service import Actor
from tongban.errors import Conflict, InvalidInput, NotFound
from tongban.payments import fees
from tongban.payments.enums import OrderState, RefundState
from tongban.payments.models import PaymentOrder, Refund
from tongban.payments.orders import audit_order
from tongban.payments.provider import get_provider


def get_order(session: Session, *, number: str) -> PaymentOrder:
    """An order by its number; NotFound."""
    order = session.scalar(select(PaymentOrder).where(PaymentOrder.number == number))
    if order is None:
        raise NotFound("没有这张缴费单。", "No such payment order.")
    return order


def refund(
    session: Session,
    *,
    order: PaymentOrder,
    amount_fen: int,
    reason: str,
    actor: Actor,
    now: datetime,
    late: bool = False,
) -> Refund:
    """Refund ``amount_fen`` of what was paid and not yet refunded; the order is
    ``refunded`` once nothing is left. InvalidInput for a bad amount or no reason."""
    left = order.paid_fen - order.refunded_fen
    if order.paid_fen == 0:
        raise Conflict("这张缴费单尚未缴费，无需退费。", "This order was not paid.")
    if not reason.strip():
        raise InvalidInput("退费须说明原因。", "A refund needs a reason.", field="reason")
    if not 0 < amount_fen <= left:
        raise InvalidInput(
            f"退费金额须大于 0 且不超过可退金额 {fees.yuan(left)} 元。",
            f"The refund must be more than 0 and at most CNY {fees.yuan(left)}.",
            field="amount",
        )
    number = f"{order.number}R{len(order.refunds) + 1}"
    reference = get_provider(order.provider).refund(
        session, out_trade_no=order.number, out_refund_no=number, amount_fen=amount_fen, now=now
    )
    row = Refund(
        order_id=order.id,
        number=number,
        amount_fen=amount_fen,
        reason=reason,
        state=RefundState.succeeded,
        requested_by=actor.name,
        requested_at=now,
        settled_at=now,
        provider_refund_no=reference,
    )
    session.add(row)
    order.refunds.append(row)
    order.refunded_fen += amount_fen
    if order.refunded_fen == order.paid_fen:
        order.state = OrderState.refunded
    action = "payment.late_refunded" if late else "payment.refunded"
    amount = fees.yuan(amount_fen)
    opinion, opinion_en = f"退款 {amount} 元：{reason}", f"{amount} yuan refunded: {reason}"
    audit_order(session, order, action, actor, now, opinion, refund=amount, opinion_en=opinion_en)
    return row
