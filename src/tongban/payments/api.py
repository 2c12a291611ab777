"""JSON API of payments and delivery: a case's orders, a new order for an expired one,
the notice or receipt PDF, the providers' and couriers' signed notifications, refunds,
the daily reconciliation (JSON or CSV), and the window's pickup-code check."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from tongban.accounts.deps import CurrentApplicant, CurrentStaff, CurrentUser
from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.cases import service as cases
from tongban.cases.http.bodies import read_case
from tongban.cases.models import Case
from tongban.errors import InvalidInput, NotAllowed, NotFound
from tongban.payments import receipt, service
from tongban.payments.fees import typed_fen, yuan
from tongban.payments.models import PaymentOrder, Reconciliation
from tongban.payments.provider import ForgedNotice
from tongban.payments.schemas import (
    CourierEventRead,
    DeliveryRead,
    NotifyAnswer,
    PaymentOrderRead,
    PickupCheck,
    ReconciliationLine,
    ReconciliationRead,
    RefundCreate,
    RefundRead,
)
from tongban.web import errors, storable
from tongban.web.deps import NowDep, SessionDep
from tongban.web.downloads import file_response
from tongban.web.validation import shaped

router = APIRouter(tags=["payments"])
SIGNATURE = "Tongban-Signature"
RAW_BODY: dict[str, Any] = {
    storable.RAW_BODY: True,
    "requestBody": {
        "content": {"application/json": {"schema": {"type": "object"}}},
        "description": "The provider's notification as sent; signed over the raw bytes "
        f"(HMAC-SHA256, hex, header {SIGNATURE})",
    },
}
REFUSED: dict[int | str, dict[str, Any]] = {
    400: {"model": NotifyAnswer, "description": "Signature invalid: refused and audited"}
}
Provider = Annotated[
    str,
    Path(
        pattern=shaped(
            r"^[a-z0-9_-]{1,20}$",
            "支付渠道代码：1–20 个小写字母、数字、“_”或“-”，如 sandbox",
            "a provider code: 1–20 lower-case letters, digits, '_' or '-', such as sandbox",
        )
    ),
]
Day = Annotated[date, Path(description="The day reconciled (local date)")]


def _order_read(order: PaymentOrder) -> PaymentOrderRead:
    return PaymentOrderRead.of(order)


def _order_case(session: Session, number: str, user: User) -> tuple[PaymentOrder, Case]:
    """An order the user may see: of a case they may see or took in at the window, or any
    for finance staff."""
    order = service.get_order(session, number=number)
    case = session.get(Case, order.case_id)
    assert case is not None
    if not service.may_see_finance(user):
        cases.get_case_fees(session, number=case.number, user=user)  # NotFound if not theirs
    return order, case


@router.get("/cases/{number}/payments")
def list_orders(number: str, session: SessionDep, user: CurrentUser) -> list[PaymentOrderRead]:
    """The payment orders of a case (缴费), newest last."""
    case = cases.get_case_fees(session, number=number, user=user)
    return [_order_read(order) for order in service.orders_of(session, case=case)]


@router.get("/cases/{number}/delivery")
def get_delivery(number: str, session: SessionDep, user: CurrentUser) -> DeliveryRead:
    """How the result is delivered: the pickup code (the applicant only), postal tracking."""
    case = cases.get_case_fees(session, number=number, user=user)
    pickup = service.get_pickup(session, case=case)
    return DeliveryRead(
        delivery=case.delivery,
        pickup_code=pickup.code if pickup and case.applicant_id == user.id else None,
        collected_at=pickup.collected_at if pickup else None,
        tracking_number=case.postal.tracking_number if case.postal else None,
        courier_events=[
            CourierEventRead.model_validate(e) for e in service.courier_events(session, case=case)
        ],
    )


@router.post("/cases/{number}/payments/renew", status_code=201)
def renew(
    number: str, session: SessionDep, user: CurrentApplicant, now: NowDep
) -> PaymentOrderRead:
    """A new order (and payment code) in place of one that expired unpaid."""
    case = cases.get_case(session, number=number, user=user)
    return _order_read(service.renew_order(session, case=case, user_id=user.id, now=now))


@router.get("/payments/{order_number}/document", response_class=Response)
def order_document(order_number: str, session: SessionDep, user: CurrentUser) -> Response:
    """The payment notice (缴款通知书) of an unpaid order, the receipt (电子票据) of a paid one."""
    order, case = _order_case(session, order_number, user)
    applicant = session.get(User, case.applicant_id)
    name = applicant.display_name if applicant else ""
    kind = "电子票据" if order.paid_at else "缴款通知书"
    return file_response(
        receipt.render(order, case, name),
        name=f"{case.number}-{kind}.pdf",
        media_type="application/pdf",
    )


@router.post("/payments/{order_number}/refunds", status_code=201)
def create_refund(
    order_number: str, body: RefundCreate, session: SessionDep, user: CurrentStaff, now: NowDep
) -> RefundRead:
    """Refund all or part of a paid order (finance staff), with the reason."""
    refund = service.refund_by_staff(
        session,
        number=order_number,
        amount_fen=typed_fen(body.amount),
        reason=body.reason,
        user=user,
        now=now,
    )
    return RefundRead(
        number=refund.number,
        amount=yuan(refund.amount_fen),
        reason=refund.reason,
        state=refund.state.value,
        settled_at=refund.settled_at,
    )


@router.post("/payments/notify/{provider}", responses=REFUSED, openapi_extra=RAW_BODY)
async def notify(provider: Provider, request: Request, session: SessionDep, now: NowDep) -> Any:
    """A provider's asynchronous notification (支付结果通知): verified, applied once.
    Answered SUCCESS (also for a duplicate, so the provider stops resending)."""
    if provider not in service.provider_names():
        raise NotFound("没有这个支付渠道。", "No such payment provider.")
    body = await request.body()
    received = service.receive(
        session,
        provider=provider,
        body=body,
        signature=request.headers.get(SIGNATURE, ""),
        now=now,
        source_address=request.client.host if request.client else None,
    )
    if received.outcome is None:
        answer = NotifyAnswer(code="FAIL", message=received.message)
        return JSONResponse(answer.model_dump(), status_code=400)
    return NotifyAnswer(code="SUCCESS", message=received.message)


@router.post("/delivery/notify/{provider}", responses=REFUSED, openapi_extra=RAW_BODY)
async def courier_notify(
    provider: Provider, request: Request, session: SessionDep, now: NowDep
) -> Any:
    """A courier's status callback for a posted result (物流状态), signed like payments."""
    body = await request.body()
    try:
        service.receive_status(
            session, body=body, signature=request.headers.get(SIGNATURE, ""), now=now
        )
    except ForgedNotice as forged:
        service.audit_forged_courier(session, provider=provider, body=body, now=now)
        answer = NotifyAnswer(code="FAIL", message=forged.message_en)
        return JSONResponse(answer.model_dump(), status_code=400)
    return NotifyAnswer(code="SUCCESS", message="ok")


def _reconciliation_read(row: Reconciliation) -> ReconciliationRead:
    return ReconciliationRead(
        provider=row.provider,
        day=row.day.isoformat(),
        made_at=row.made_at,
        counts=row.counts,
        lines=[
            ReconciliationLine(
                status=line["status"],
                kind=line["kind"],
                order=line["order"],
                reference=line["reference"],
                platform_amount=None
                if line["platform_fen"] is None
                else yuan(line["platform_fen"]),
                provider_amount=None
                if line["provider_fen"] is None
                else yuan(line["provider_fen"]),
                at=line["at"],
            )
            for line in row.lines
        ],
    )


def _check_finance(user: User) -> None:
    if not service.may_see_finance(user):
        raise NotAllowed(
            "只有财务人员或监察人员可以查看对账。", "Only finance staff or supervisors."
        )


@router.post("/payments/reconciliations/{day}", status_code=201)
def make_reconciliation(
    day: Day, session: SessionDep, user: CurrentStaff, now: NowDep
) -> ReconciliationRead:
    """Reconcile the day against the provider's statement (again, if made before)."""
    _check_finance(user)
    if day > now.date():
        raise InvalidInput(
            "不能对未来的日期对账。", "A day to come cannot be reconciled.", field="day"
        )
    row = service.reconcile(session, day=day, now=now, actor=actor_of(user))
    return _reconciliation_read(row)


@router.get("/payments/reconciliations/{day}", responses={200: {"content": {"text/csv": {}}}})
def get_reconciliation(
    day: Day,
    session: SessionDep,
    user: CurrentStaff,
    format: Literal["json", "csv"] = "json",
) -> Any:
    """A day's reconciliation as made (JSON, or CSV with ``format=csv``); 404 if not made."""
    _check_finance(user)
    row = service.get_reconciliation(session, day=day)
    if row is None:
        raise NotFound("这一天还没有对账。", "That day has not been reconciled yet.")
    if format == "csv":
        return file_response(
            service.to_csv(row).encode(),
            name=f"对账-{row.provider}-{day.isoformat()}.csv",
            media_type="text/csv",
        )
    return _reconciliation_read(row)


@router.post("/cases/{number}/pickup")
def pickup(
    number: str,
    body: PickupCheck,
    request: Request,
    session: SessionDep,
    user: CurrentStaff,
    now: NowDep,
) -> Any:
    """At the window: check the applicant's pickup code and hand the result over (送达).
    A wrong code is recorded (the attempt is kept) and answered 422."""
    check = service.collect_at_window(session, number=number, code=body.code, user=user, now=now)
    if not check.handed_over:
        return errors.respond(request, service.wrong_code(check))
    return read_case(session, check.case, now)
