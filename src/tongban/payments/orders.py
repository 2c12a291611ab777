"""Payment orders of a case (缴费): made when the case reaches the point its item pays at
(``payment.when``: received, before acceptance; decided, before issue), with the fee
computed from the form, a 非税收入 payment notice (缴款通知书) and its 20-digit payment
code (缴款码), and a trade at the provider. While an order is unpaid the case waits, its
clocks standing still (the applicant's time is not the department's: a ``payment``
pause, docs/payments.md), and the acceptance or the issue is withheld.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tongban import timefmt, txcache
from tongban.audit.service import SYSTEM, Actor
from tongban.cases import service as cases
from tongban.cases.enums import FINAL_STATES, PauseReason
from tongban.cases.models import Case
from tongban.config import get_settings
from tongban.errors import Conflict, NotAllowed
from tongban.payments import fees
from tongban.payments.enums import OrderState, PaymentWhen
from tongban.payments.models import PaymentOrder
from tongban.payments.provider import get_provider

REGION = "350100"  # 福州市: the administrative division of the collecting units


def orders_of(session: Session, *, case: Case) -> Sequence[PaymentOrder]:
    """Every payment order of a case, oldest first (read once per transaction until an
    order is written: a submission asks at receipt and at the decision)."""

    def read() -> list[PaymentOrder]:
        query = select(PaymentOrder).where(PaymentOrder.case_id == case.id)
        return list(session.scalars(query.order_by(PaymentOrder.id)))

    return list(txcache.memo(session, f"payments.orders:{case.id}", read, on=(PaymentOrder,)))


def items_paying(session: Session, case: Case, when: PaymentWhen) -> list[dict[str, Any]]:
    """The case's items (catalog specs) that pay at ``when`` a fee above 0 from its form."""
    spec = cases.spec_of(session, case)
    return [
        item
        for item in spec["items"]
        if (item.get("payment") or {}).get("when") == when
        and fees.total_fen(fees.fee_lines(item, case.form_data)) > 0
    ]


def _check_digit(digits: str) -> str:
    """Luhn (ISO/IEC 7812) check digit, as collection systems put on payment codes."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def payment_code(session: Session, now: datetime) -> str:
    """A 20-digit 缴款码: region (6), date (6), serial (7), check digit (1)."""
    day = timefmt.local(now).strftime("%y%m%d")
    prefix = f"{REGION}{day}"
    count = session.scalar(
        select(func.count())
        .select_from(PaymentOrder)
        .where(PaymentOrder.payment_code.like(f"{prefix}%"))
    )
    body = f"{prefix}{(count or 0) + 1:07d}"
    return body + _check_digit(body)


def _create(
    session: Session, case: Case, item: dict[str, Any], when: PaymentWhen, now: datetime
) -> PaymentOrder:
    lines = fees.fee_lines(item, case.form_data)
    settings = get_settings()
    provider = get_provider()
    order = PaymentOrder(
        case_id=case.id,
        number=f"P{case.number[-12:]}{secrets.token_hex(3).upper()}",
        payment_code=payment_code(session, now),
        payee=item["payment"]["payee"],
        when=when,
        lines=[line.as_dict() for line in lines],
        amount_fen=fees.total_fen(lines),
        state=OrderState.pending,
        provider=provider.name,
        created_at=now,
        expires_at=now + timedelta(hours=settings.payment_order_hours),
        refund_unissued=bool(item["payment"].get("refund_unissued")),
    )
    session.add(order)
    session.flush()
    checkout = provider.create_trade(
        session,
        out_trade_no=order.number,
        subject=f"{item['name']}（{case.number}）",
        amount_fen=order.amount_fen,
        expires_at=order.expires_at,
        now=now,
    )
    order.provider_trade_no = checkout.trade_no
    expires = timefmt.moment(order.expires_at)
    amount, code = fees.yuan(order.amount_fen), order.payment_code
    notice = f"应缴 {amount} 元，缴款码 {code}，请于 {expires} 前缴费。"
    notice_en = f"{amount} yuan due, payment code {code}; pay by {expires}."
    _audit(session, order, case, "payment.ordered", SYSTEM, now, notice, opinion_en=notice_en)
    return order


def _audit(
    session: Session,
    order: PaymentOrder,
    case: Case,
    action: str,
    actor: Actor,
    now: datetime,
    opinion: str | None = None,
    **data: object,
) -> None:
    cases.record_case(
        session,
        now=now,
        action=action,
        actor=actor,
        object_type="payment_order",
        object_id=order.number,
        case=case,
        opinion=opinion,
        data={
            "amount": fees.yuan(order.amount_fen),
            "payment_code": order.payment_code,
            "state": order.state.value,
            **data,
        },
    )


def open_orders(session: Session, *, case: Case, when: PaymentWhen, now: datetime) -> None:
    """Make the orders the case pays at ``when`` (none if already made) and let the case
    wait: its clocks stand still until every one is paid."""
    made = {o.when for o in orders_of(session, case=case)}
    if when in made:
        if unpaid(session, case=case, when=when):
            _wait(session, case, now)
        return
    items = items_paying(session, case, when)
    for item in items:
        _create(session, case, item, when, now)
    if items:
        _wait(session, case, now)


def _wait(session: Session, case: Case, now: datetime) -> None:
    note = "等待申请人缴费，缴费期间不计入办理时限。"
    cases.wait_for_applicant(
        session, case=case, reason=PauseReason.payment, note=note, actor=SYSTEM, now=now
    )


def unpaid(session: Session, *, case: Case, when: PaymentWhen) -> list[PaymentOrder]:
    """The orders of ``when`` the case still waits for: per payee (one item's fees), the
    newest order, when none of that payee's is paid (refunded ones were paid too)."""
    newest: dict[str, PaymentOrder] = {}
    settled: set[str] = set()
    for order in orders_of(session, case=case):
        if order.when != when:
            continue
        newest[order.payee] = order
        if order.paid_at is not None:
            settled.add(order.payee)
    return [
        order
        for payee, order in newest.items()
        if payee not in settled and order.state in (OrderState.pending, OrderState.expired)
    ]


def _hold(session: Session, case: Case, when: PaymentWhen) -> tuple[str, str] | None:
    waiting = unpaid(session, case=case, when=when)
    if not waiting:
        return None
    amount = fees.yuan(waiting[0].amount_fen)
    return (
        f"申请人尚未缴纳费用（{amount} 元，缴款码 {waiting[0].payment_code}），缴费到账后方可继续办理。",
        f"The applicant has not paid the fee (CNY {amount}); the case continues once paid.",
    )


def hold_acceptance(session: Session, case: Case) -> tuple[str, str] | None:
    """Acceptance waits for fees paid before acceptance."""
    return _hold(session, case, PaymentWhen.before_acceptance)


def hold_issue(session: Session, case: Case) -> tuple[str, str] | None:
    """The results wait for fees paid before issue."""
    return _hold(session, case, PaymentWhen.before_issue)


def payees_en(session: Session, *, case: Case) -> dict[str, str]:
    """The case's payees (执收单位) → their English names, where its items give one
    (``payment.payee_en``)."""
    payments = [item.get("payment") or {} for item in cases.spec_of(session, case)["items"]]
    return {p["payee"]: p["payee_en"] for p in payments if p.get("payee_en")}


def renew_order(session: Session, *, case: Case, user_id: int, now: datetime) -> PaymentOrder:
    """A new order for the applicant whose order expired unpaid (a new payment code)."""
    if case.applicant_id != user_id:
        raise NotAllowed("只有申请人可以缴费。", "Only the applicant pays.")
    waiting = [o for o in orders_of(session, case=case) if o.state == OrderState.expired]
    if case.state in FINAL_STATES or not waiting:
        raise Conflict("没有需要重新生成的缴费单。", "No expired payment order to renew.")
    old = waiting[-1]
    if unpaid(session, case=case, when=old.when) != [old]:
        raise Conflict("没有需要重新生成的缴费单。", "No expired payment order to renew.")
    spec = cases.spec_of(session, case)
    item = next(i for i in spec["items"] if (i.get("payment") or {}).get("payee") == old.payee)
    return _create(session, case, item, old.when, now)


def audit_order(
    session: Session,
    order: PaymentOrder,
    action: str,
    actor: Actor,
    now: datetime,
    opinion: str | None = None,
    **data: object,
) -> None:
    """Audit an order's change (with the case and its applicant)."""
    case = session.get(Case, order.case_id)
    assert case is not None
    _audit(session, order, case, action, actor, now, opinion, **data)
