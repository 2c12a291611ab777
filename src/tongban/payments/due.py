"""The fees a case will ask for, told before they are asked (trial15): on the review page
before submitting, and on both receipts (online and the window's 收件回执), so that an
applicant knows the amount and when it is paid, and a walk-in applicant without a phone
takes the payment code home on paper (the notice PDF says the same: pay on the case page,
or with the code at a collecting bank).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from tongban.cases.models import Case
from tongban.payments import fees
from tongban.payments.enums import PaymentWhen
from tongban.payments.models import PaymentOrder
from tongban.payments.orders import items_paying, orders_of


@dataclass(frozen=True)
class FeeDue:
    """One payee's fees of the case (yuan in ``amount_fen`` fen), when they are paid, and
    the unpaid order once it is made (its payment code and the date to pay by)."""

    payee: str
    payee_en: str | None
    amount_fen: int
    when: PaymentWhen
    order: PaymentOrder | None


def fees_due(session: Session, *, case: Case) -> list[FeeDue]:
    """Per item with fees above 0 (``payment`` in the catalog): the amount computed from
    the form (for a draft) or the order's (once made), fees before acceptance first.
    Fees already paid are left out."""
    newest = {(order.when, order.payee): order for order in orders_of(session, case=case)}
    due: list[FeeDue] = []
    for when in (PaymentWhen.before_acceptance, PaymentWhen.before_issue):
        for item in items_paying(session, case, when):
            payment = item["payment"]
            order = newest.get((when, payment["payee"]))
            if order is not None and order.paid_at is not None:
                continue
            amount = fees.total_fen(fees.fee_lines(item, case.form_data))
            due.append(
                FeeDue(
                    payee=payment["payee"],
                    payee_en=payment.get("payee_en"),
                    amount_fen=order.amount_fen if order is not None else amount,
                    when=when,
                    order=order,
                )
            )
    return due
