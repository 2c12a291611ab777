"""The payments domain promises: an item's fees (catalog data: fixed, per unit of a form
field, exemptions) become a payment order with a 非税收入 payment notice and its code;
a case waits, its clocks standing still, until paid where its item says (before
acceptance or before issue); providers are reached through one interface
(``provider.py``) whose notifications are verified (a forged one is refused and
audited), counted once, and handled when late; missing notifications are replaced by
queries, orders expire, refunds are recorded, and each day is reconciled against the
provider's statement. Results leave by the window with a pickup code, by post with the
courier's statuses on the timeline, or online. Amounts are fen inside, yuan outside.

This module is what pages, the API, the CLI and the worker import.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.audit import service as audit
from tongban.audit.service import SYSTEM
from tongban.cases import service as cases
from tongban.cases.enums import CaseState, Stage, TaskState
from tongban.cases.models import Case, Task
from tongban.errors import Conflict, InvalidInput, NotAllowed
from tongban.payments import delivery, sandbox
from tongban.payments.delivery import courier_events, get_pickup, receive_status
from tongban.payments.fees import fee_lines, total_fen, yuan
from tongban.payments.models import PaymentOrder, Refund
from tongban.payments.notices import Received, receive
from tongban.payments.orders import orders_of, payees_en, renew_order, unpaid
from tongban.payments.provider import PROVIDERS
from tongban.payments.reconcile import (
    compare,
    get_reconciliation,
    reconcile,
    run_due_reconciliation,
    to_csv,
)
from tongban.payments.refunds import get_order, refund
from tongban.payments.tasks import query_order, run_due_payments

__all__ = [
    "Received",
    "collect_at_window",
    "compare",
    "courier_events",
    "fee_lines",
    "get_order",
    "get_pickup",
    "get_reconciliation",
    "orders_of",
    "payees_en",
    "receive",
    "receive_status",
    "reconcile",
    "refund_by_staff",
    "renew_order",
    "run_due_payments",
    "run_due_reconciliation",
    "sandbox",
    "to_csv",
    "total_fen",
    "unpaid",
    "yuan",
]


def may_see_finance(user: User) -> bool:
    """Finance staff and the platform's supervisors (of no department) see every order,
    refund and the reconciliation; a region's supervisors see the payments of their
    region's cases on those cases (``cases.core.access.oversight``)."""
    if user.has_role(Role.finance):
        return True
    return user.has_role(Role.supervisor) and user.department_code is None


def may_refund(user: User) -> bool:
    """Only finance staff refund (supervisors watch)."""
    return user.has_role(Role.finance)


def refund_by_staff(
    session: Session, *, number: str, amount_fen: int, reason: str, user: User, now: datetime
) -> Refund:
    """Finance staff refund all or part of a paid order, with the reason."""
    if not may_refund(user):
        raise NotAllowed("只有财务人员可以退费。", "Only finance staff may refund.")
    order = get_order(session, number=number)
    return refund(
        session, order=order, amount_fen=amount_fen, reason=reason, actor=actor_of(user), now=now
    )


@dataclass(frozen=True)
class PickupCheck:
    """What the window's code check found: the case handed over, or how often it failed."""

    case: Case
    handed_over: bool
    failed_attempts: int


def pickup_task(session: Session, *, number: str, user: User) -> tuple[Case, Task]:
    """The case and its open hand-over task, when its result waits at the window; else
    NotFound (not the user's to see) or Conflict. Reads only."""
    case = cases.get_case(session, number=number, user=user)
    pickup = get_pickup(session, case=case)
    task = next(
        (t for t in case.tasks if t.stage == Stage.deliver and t.state == TaskState.open), None
    )
    if pickup is None or task is None or case.state != CaseState.delivering:
        raise Conflict("该办件没有待窗口领取的结果。", "This case has no result to collect.")
    return case, task


def collect_at_window(
    session: Session, *, number: str, code: str, user: User, now: datetime
) -> PickupCheck:
    """The clerk checks the applicant's pickup code and hands the result over (送达 is
    recorded); a wrong code is recorded (not raised: the attempt must be kept)."""
    case, task = pickup_task(session, number=number, user=user)
    pickup = get_pickup(session, case=case)
    assert pickup is not None
    if not delivery.code_matches(pickup, code):
        attempts = delivery.refuse_code(session, case=case, actor=actor_of(user), now=now)
        return PickupCheck(case, False, attempts)
    cases.deliver_result(
        session, task_id=task.id, user=user, opinion=delivery.COLLECTED, now=now, pickup_code=code
    )
    return PickupCheck(case, True, pickup.failed_attempts)


def wrong_code(check: PickupCheck) -> InvalidInput:
    """The error a wrong pickup code is answered with (after it was recorded)."""
    return InvalidInput(
        f"取件码不正确（已连续输错 {check.failed_attempts} 次），请核对申请人出示的取件码。",
        f"The pickup code is wrong ({check.failed_attempts} wrong so far); check the code "
        "the applicant shows.",
        field="code",
    )


def provider_names() -> set[str]:
    """The providers registered (``TONGBAN_PAYMENT_PROVIDER`` names one of them)."""
    return set(PROVIDERS)


def audit_forged_courier(session: Session, *, provider: str, body: bytes, now: datetime) -> None:
    """Record a courier callback refused for its signature."""
    audit.record(
        session,
        at=now,
        action="delivery.notify_forged",
        actor=SYSTEM,
        object_type="courier_notification",
        object_id=provider,
        data={"provider": provider, "body": body[:500].decode(errors="replace")},
    )


def settle_now(session: Session, *, case: Case, now: datetime) -> None:
    """The applicant pays every open sandbox order of the case at once, and the platform
    learns of it by asking the provider (demo data: no worker runs between the steps)."""
    for order in orders_of(session, case=case):
        if order.state == "pending" and order.provider == sandbox.NAME and order.provider_trade_no:
            sandbox.pay(session, trade_no=order.provider_trade_no, now=now)
            query_order(session, order, now)


def pickup_code_of(session: Session, *, case: Case) -> str | None:
    """The case's pickup code (for the applicant's own pages and the demo's hand-over)."""
    pickup = get_pickup(session, case=case)
    return pickup.code if pickup else None


def order_for(session: Session, *, case: Case) -> PaymentOrder | None:
    """The order the case page shows: the newest."""
    found = orders_of(session, case=case)
    return found[-1] if found else None
