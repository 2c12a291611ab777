"""Pages of payments and delivery: the panel on both case pages (fees, order status, pay
button, notice and receipt, refunds; the pickup code for the applicant; the courier's
statuses), the fees still due on the review page and the receipts, the sandbox gateway's
pay page, the window's pickup-code check and the
finance page (daily reconciliation, CSV, flagged orders, refunds)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tongban import timefmt
from tongban.accounts.deps import CurrentStaff, CurrentUser
from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.cases import service as cases
from tongban.cases.http.panels import case_panel, receipt_panel
from tongban.cases.models import Case
from tongban.errors import DomainError, NotAllowed
from tongban.payments import due, sandbox, service
from tongban.payments.enums import COURIER_NAMES_ZH, ORDER_NAMES_ZH
from tongban.payments.fees import typed_fen, yuan
from tongban.payments.models import PaymentOrder, Refund
from tongban.web.deps import CheckedForm, NowDep, SessionDep, see_other
from tongban.web.i18n import locale_of
from tongban.web.templating import render

router = APIRouter()


@case_panel
def case_payments(
    request: Request, session: Session, case: Case, user: User, now: datetime
) -> dict[str, Any]:
    """The case's orders and delivery steps; the pickup code only to the applicant."""
    pickup = service.get_pickup(session, case=case)
    return {
        "payment_orders": service.orders_of(session, case=case),
        "order_names": ORDER_NAMES_ZH,
        "payees_en": service.payees_en(session, case=case),
        "courier_names": COURIER_NAMES_ZH,
        "courier_events": service.courier_events(session, case=case),
        "pickup": pickup,
        "pickup_code": pickup.code if pickup and case.applicant_id == user.id else None,
        "yuan": yuan,
    }


@receipt_panel
def receipt_fees(
    request: Request, session: Session, case: Case, user: User, now: datetime
) -> dict[str, Any]:
    """The fees still to pay, with their payment codes once made (``due``), and those paid
    with their e-receipts (电子票据: the window prints it for a walk-in applicant)."""
    paid = [order for order in service.orders_of(session, case=case) if order.paid_at]
    return {
        "fees_due": due.fees_due(session, case=case),
        "fees_paid": paid,
        "payees_en": service.payees_en(session, case=case) if paid else {},
        "yuan": yuan,
    }


@router.post("/cases/{number}/payments/renew")
def renew(
    number: str, session: SessionDep, user: CurrentUser, now: NowDep, _: CheckedForm
) -> Response:
    """A new payment notice in place of an expired one."""
    case = cases.get_case(session, number=number, user=user)
    service.renew_order(session, case=case, user_id=user.id, now=now)
    return see_other(f"/cases/{number}#payment")


def _trade_page(
    request: Request, session: Session, trade_no: str, user: User
) -> tuple[Any, PaymentOrder, Case]:
    trade = sandbox.get_trade(session, trade_no=trade_no)
    order = service.get_order(session, number=trade.out_trade_no)
    case = cases.get_case(session, number=_case_number(session, order), user=user)
    return trade, order, case


def _case_number(session: Session, order: PaymentOrder) -> str:
    case = session.get(Case, order.case_id)
    assert case is not None
    return case.number


@router.get("/sandbox/pay/{trade_no}")
def sandbox_page(
    trade_no: str, request: Request, session: SessionDep, user: CurrentUser
) -> Response:
    """The sandbox gateway's pay page (沙箱收银台): what is paid, to whom, and the button."""
    trade, order, case = _trade_page(request, session, trade_no, user)
    return render(
        request,
        "payments/sandbox_pay.html",
        {"trade": trade, "order": order, "case": case, "yuan": yuan}
        | {"payees_en": service.payees_en(session, case=case)},
    )


@router.post("/sandbox/pay/{trade_no}")
def sandbox_pay(
    trade_no: str,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    now: NowDep,
    _: CheckedForm,
) -> Response:
    """The applicant pays in the sandbox; the platform hears of it asynchronously."""
    _trade, _order, case = _trade_page(request, session, trade_no, user)
    if case.applicant_id != user.id:
        raise NotAllowed("只有申请人可以缴费。", "Only the applicant pays.")
    sandbox.pay(session, trade_no=trade_no, now=now)
    return see_other(f"/cases/{case.number}?paid=1#payment")


def _check_window(user: User) -> None:
    if not user.department_code:
        raise NotAllowed("只有部门窗口人员可以办理领取。", "Only window staff of a department.")


@router.get("/window/pickup")
def pickup_page(request: Request, user: CurrentStaff, number: str = "") -> Response:
    """The window's pickup-code check (凭取件码领取)."""
    _check_window(user)
    return render(request, "payments/pickup.html", {"number": number})


@router.post("/window/pickup")
def pickup(
    request: Request, session: SessionDep, user: CurrentStaff, now: NowDep, form: CheckedForm
) -> Response:
    """Check the code; right: the hand-over is recorded; wrong: recorded and said."""
    _check_window(user)
    number, code = str(form.get("number") or "").strip(), str(form.get("code") or "")
    locale = locale_of(request, request.app.state.runtime.settings.default_locale)
    try:  # nothing written yet: a wrong number or a case not waiting is said on the form
        service.pickup_task(session, number=number, user=user)
    except DomainError as failed:
        context = {"number": number, "error": failed.message(locale)}
        return render(request, "payments/pickup.html", context, status_code=failed.status)
    check = service.collect_at_window(session, number=number, code=code, user=user, now=now)
    if not check.handed_over:
        wrong = service.wrong_code(check).message(locale)
        context = {"number": number, "error": wrong}
        return render(request, "payments/pickup.html", context, status_code=422)
    return render(request, "payments/pickup.html", {"number": "", "done": check.case})


def _check_finance(user: User) -> None:
    if not service.may_see_finance(user):
        raise NotAllowed(
            "只有财务人员或监察人员可以查看对账。", "Only finance staff or supervisors."
        )


def _finance_context(session: Session, day: date, now: datetime) -> dict[str, Any]:
    flagged = select(PaymentOrder).where(
        or_(
            PaymentOrder.flag.is_not(None),
            PaymentOrder.refunded_fen > 0,
            PaymentOrder.paid_at >= now - timedelta(days=7),
        )
    )
    return {
        "day": day,
        "report": service.get_reconciliation(session, day=day),
        "orders": session.scalars(flagged.order_by(PaymentOrder.id.desc()).limit(50)).all(),
        "order_names": ORDER_NAMES_ZH,
        "yuan": yuan,
    }


@router.get("/finance")
def finance_page(
    request: Request,
    session: SessionDep,
    user: CurrentStaff,
    now: NowDep,
    day: date | None = Query(None),
    refunded: str | None = Query(None),
) -> Response:
    """Daily reconciliation and the orders finance looks at; after a refund, which one
    was made (``refunded``: the refund's number)."""
    _check_finance(user)
    chosen = day or timefmt.local(now).date() - timedelta(days=1)
    context = _finance_context(session, chosen, now)
    context["may_refund"] = service.may_refund(user)
    context["refund"] = refunded and session.scalar(select(Refund).where(Refund.number == refunded))
    return render(request, "payments/finance.html", context)


@router.post("/finance/reconcile")
def finance_reconcile(
    session: SessionDep, user: CurrentStaff, now: NowDep, form: CheckedForm
) -> Response:
    """Reconcile a day (again) from the page."""
    _check_finance(user)
    try:
        day = date.fromisoformat(str(form.get("day") or ""))
    except ValueError:
        day = timefmt.local(now).date() - timedelta(days=1)
    day = min(day, timefmt.local(now).date())
    service.reconcile(session, day=day, now=now, actor=actor_of(user))
    return see_other(f"/finance?day={day.isoformat()}")


@router.post("/finance/orders/{number}/refund")
def finance_refund(
    number: str,
    request: Request,
    session: SessionDep,
    user: CurrentStaff,
    now: NowDep,
    form: CheckedForm,
) -> Response:
    """Refund all or part of an order (finance staff)."""
    made = service.refund_by_staff(
        session,
        number=number,
        amount_fen=typed_fen(str(form.get("amount") or "")),
        reason=str(form.get("reason") or ""),
        user=user,
        now=now,
    )
    return see_other(f"/finance?refunded={made.number}")
