"""Background work of payments: the sandbox gateway's notification deliveries (a job
each), and the sweep ``run_due_payments`` (idempotent): ask the provider about orders
whose notification is missing (查单), expire orders past their time, cancel those of
cases that ended, and refund what the item says is refunded when a case ends without
its result.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.audit.service import SYSTEM
from tongban.cases.enums import FINAL_STATES, CaseState
from tongban.cases.models import Case
from tongban.config import get_settings
from tongban.jobs.registry import register
from tongban.payments import delivery, notices, refunds
from tongban.payments.enums import OrderState
from tongban.payments.models import PaymentOrder
from tongban.payments.orders import audit_order
from tongban.payments.provider import Notice, get_provider
from tongban.payments.sandbox import NAME, NOTIFY_JOB

UNISSUED = frozenset(FINAL_STATES - {CaseState.completed})


@register(NOTIFY_JOB)
def deliver_sandbox_notice(
    session: Session, *, payload: dict[str, Any], now: datetime
) -> datetime | None:
    """The sandbox gateway delivers one signed notification to the platform's receiver."""
    notices.receive(
        session,
        provider=NAME,
        body=str(payload["body"]).encode(),
        signature=str(payload["signature"]),
        now=now,
    )
    return None


def query_order(session: Session, order: PaymentOrder, now: datetime) -> bool:
    """Ask the provider; apply a payment it reports. Whether the order is now settled."""
    status = get_provider(order.provider).query_trade(session, out_trade_no=order.number)
    if status.state != "paid" or status.trade_no is None:
        return False
    notice = Notice(
        notify_id=f"query:{status.trade_no}",
        kind="payment",
        out_trade_no=order.number,
        trade_no=status.trade_no,
        amount_fen=status.amount_fen,
        at=status.paid_at or now,
        body={"source": "query", "state": status.state},
    )
    notices.apply(session, provider=order.provider, notice=notice, now=now)
    return True


def run_due_payments(session: Session, *, now: datetime) -> list[str]:
    """One pass over open orders; returns ``number:what`` for each order acted on."""
    quiet = timedelta(minutes=get_settings().payment_query_after_minutes)
    done = []
    pending = select(PaymentOrder).where(PaymentOrder.state == OrderState.pending)
    for order in session.scalars(pending.order_by(PaymentOrder.id)).all():
        case = session.get(Case, order.case_id)
        assert case is not None
        if order.created_at + quiet <= now and query_order(session, order, now):
            done.append(f"{order.number}:queried")
        elif case.state in FINAL_STATES:
            _close(session, order, OrderState.cancelled, "payment.cancelled", now)
            done.append(f"{order.number}:cancelled")
        elif order.expires_at <= now:
            _close(session, order, OrderState.expired, "payment.expired", now)
            done.append(f"{order.number}:expired")
    done += _refund_unissued(session, now)
    return done


def _close(
    session: Session, order: PaymentOrder, state: OrderState, action: str, now: datetime
) -> None:
    get_provider(order.provider).close_trade(session, out_trade_no=order.number, now=now)
    order.state = state
    why = (
        "缴款通知已过期，可在办件页面重新生成。"
        if state == OrderState.expired
        else "办件已结束，缴款通知作废。"
    )
    audit_order(session, order, action, SYSTEM, now, why)


def _refund_unissued(session: Session, now: datetime) -> list[str]:
    """Paid fees of a case ended without its result, where the item refunds them."""
    query = (
        select(PaymentOrder)
        .join(Case, Case.id == PaymentOrder.case_id)
        .where(
            PaymentOrder.state == OrderState.paid,
            PaymentOrder.refund_unissued.is_(True),
            Case.state.in_(UNISSUED),
        )
    )
    done = []
    for order in session.scalars(query).all():
        refunds.refund(
            session,
            order=order,
            amount_fen=order.paid_fen - order.refunded_fen,
            reason="办件未作出准予决定即已结束，依规定退还已缴费用。",
            actor=SYSTEM,
            now=now,
        )
        done.append(f"{order.number}:refunded")
    return done


@register(delivery.COURIER_JOB)
def deliver_courier_status(
    session: Session, *, payload: dict[str, Any], now: datetime
) -> datetime | None:
    """The sandbox courier calls back with one signed status of a posted result."""
    delivery.receive_status(
        session, body=str(payload["body"]).encode(), signature=str(payload["signature"]), now=now
    )
    return None
