"""Fees, payment orders and the provider's notifications (网上缴费): the fee computed from
the form, a case waiting for payment before acceptance with its clocks standing still,
forged, duplicate and late notifications, the query sweep and refunds."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tests.factories import API, act, open_task
from tests.payments.helpers import (
    ID_CARD,
    deliver_notices,
    orders,
    pay,
    pay_in_sandbox,
    submit_id_card,
)
from tongban.audit.models import AuditEntry
from tongban.cases.models import Case
from tongban.catalog import service as catalog
from tongban.jobs.models import Job
from tongban.payments import fees, sandbox
from tongban.payments.models import PaymentNotification, SandboxEntry
from tongban.payments.service import run_due_payments
from tongban.web.runtime import Runtime
from tongban.worker import run_sweeps


def _count(db: Session, action: str, number: str | None = None) -> int:
    query = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
    if number is not None:
        query = query.where(AuditEntry.object_id == number)
    return int(db.scalar(query) or 0)


def test_the_fee_is_computed_from_the_form_with_units_and_exemptions(db: Session) -> None:
    """不动产登记: 80 元 for a home, 550 for other uses, 10 元 per extra certificate."""
    item = catalog.get_entry(db, code="3501-ZRZY-001").current_version.definition["items"][0]  # type: ignore[union-attr]
    home = fees.fee_lines(item, {"property_use": "住宅", "extra_certificates": 2})
    assert fees.total_fen(home) == 8000 + 2 * 1000
    shop = fees.fee_lines(item, {"property_use": "商业"})
    assert fees.total_fen(shop) == 55000
    assert shop[0].exempt_reason and shop[0].amount_fen == 0


def test_a_fee_rule_naming_a_field_the_form_lacks_is_refused(db: Session) -> None:
    text = catalog.entry_text(db, code="3501-ZRZY-001")
    broken = text.replace("per: extra_certificates", "per: property_location")
    data, problems = catalog.check_entry_text(db, code="3501-ZRZY-001", text=broken)
    assert data is None
    assert any("整数字段" in problem.message for problem in problems)


def test_a_case_waits_for_payment_before_acceptance_and_resumes_when_paid(
    client: TestClient, as_user: Any, runtime: Runtime, clock: Clock, db: Session
) -> None:
    applicant, ga = as_user("zhangsan"), as_user("ga")
    number = submit_id_card(client, applicant)
    [order] = orders(client, applicant, number)
    assert order["state"] == "pending" and order["amount"] == "20.00"
    assert len(order["payment_code"]) == 20 and order["pay_url"]

    refused = act(client, ga, open_task(client, ga, number, "accept"), "accept")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "acceptance_withheld"
    assert order["payment_code"] in refused.json()["error"]["message"]

    # ten days unpaid: the applicant's time, so art. 32 never deems the case accepted
    later = clock.advance(days=10)
    run_sweeps(runtime, now=later)
    assert client.get(f"{API}/cases/{number}", headers=applicant).json()["state"] == "submitted"

    pay(client, runtime, applicant, number, later)
    assert orders(client, applicant, number)[0]["state"] == "paid"
    case = db.scalar(select(Case).where(Case.number == number))
    assert case is not None and all(p.ended_at for p in case.pauses)
    accepted = act(client, ga, open_task(client, ga, number, "accept"), "accept")
    assert accepted.status_code == 200, accepted.text
    events = client.get(f"{API}/cases/{number}/timeline", headers=applicant).json()["events"]
    assert {"payment.ordered", "payment.paid", "case.resume"} <= {e["action"] for e in events}


def _signed_body(order: dict[str, Any], notify_id: str = "N-TEST-1") -> bytes:
    fields = {
        "notify_id": notify_id,
        "kind": "payment",
        "out_trade_no": order["number"],
        "trade_no": "SBXFORGED",
        "amount_fen": 2000,
        "at": "2025-09-22T01:30:00+00:00",
    }
    return json.dumps(fields).encode()


def test_a_forged_notification_is_refused_and_audited(
    client: TestClient, as_user: Any, db: Session
) -> None:
    applicant = as_user("zhangsan")
    number = submit_id_card(client, applicant)
    [order] = orders(client, applicant, number)
    body = _signed_body(order)
    wrong = "0" * 64
    answer = client.post(
        f"{API}/payments/notify/sandbox", content=body, headers={"Tongban-Signature": wrong}
    )
    assert answer.status_code == 400 and answer.json()["code"] == "FAIL"
    assert orders(client, applicant, number)[0]["state"] == "pending"
    assert _count(db, "payment.notify_forged") == 1
    # signed with the right key the same body would have been taken: the key is what counts
    right = sandbox.signed(json.loads(body))
    taken = client.post(
        f"{API}/payments/notify/sandbox", content=right[0], headers={"Tongban-Signature": right[1]}
    )
    assert taken.status_code == 200 and taken.json()["code"] == "SUCCESS"
    assert orders(client, applicant, number)[0]["state"] == "paid"


def test_a_duplicate_notification_is_counted_once(
    client: TestClient, as_user: Any, runtime: Runtime, clock: Clock, db: Session
) -> None:
    applicant = as_user("zhangsan")
    number = submit_id_card(client, applicant)
    [order] = orders(client, applicant, number)
    pay_in_sandbox(runtime, order["number"], clock.now)
    # the gateway sends the same notification twice (now, and a minute later)
    deliver_notices(runtime, clock.now + timedelta(seconds=1))
    deliver_notices(runtime, clock.now + timedelta(minutes=2))
    notification = db.scalar(
        select(PaymentNotification).where(PaymentNotification.order_number == order["number"])
    )
    assert notification is not None and notification.times == 2
    assert _count(db, "payment.paid", order["number"]) == 1
    assert _count(db, "case.resume") == 1


def test_a_missing_notification_is_replaced_by_a_query(
    client: TestClient, as_user: Any, runtime: Runtime, clock: Clock, db: Session
) -> None:
    applicant = as_user("zhangsan")
    number = submit_id_card(client, applicant)
    [order] = orders(client, applicant, number)
    pay_in_sandbox(runtime, order["number"], clock.now)
    for job in db.scalars(select(Job).where(Job.kind == sandbox.NOTIFY_JOB)):
        db.delete(job)  # the notifications are lost on the way
    db.commit()
    assert run_due_payments(db, now=clock.now + timedelta(minutes=5)) == []
    done = run_due_payments(db, now=clock.now + timedelta(minutes=11))
    db.commit()
    assert done == [f"{order['number']}:queried"]
    assert orders(client, applicant, number)[0]["state"] == "paid"


def test_a_late_payment_for_an_ended_case_is_refunded_and_flagged(
    client: TestClient, as_user: Any, runtime: Runtime, clock: Clock, db: Session
) -> None:
    applicant = as_user("zhangsan")
    number = submit_id_card(client, applicant)
    [order] = orders(client, applicant, number)
    assert client.post(f"{API}/cases/{number}/withdraw", headers=applicant).status_code == 200
    run_sweeps(runtime, now=clock.advance(minutes=1))
    assert orders(client, applicant, number)[0]["state"] == "cancelled"
    # the pay page was still open: the gateway takes the money and tells the platform
    pay_in_sandbox(runtime, order["number"], clock.now)
    deliver_notices(runtime, clock.now + timedelta(seconds=1))
    [late] = orders(client, applicant, number)
    assert late["state"] == "refunded" and late["refunded"] == "20.00"
    assert late["flag"] == "late_payment"
    assert _count(db, "payment.late_refunded", order["number"]) == 1
    refunds = db.scalars(select(SandboxEntry).where(SandboxEntry.kind == "refund")).all()
    assert [entry.amount_fen for entry in refunds] == [2000]


def test_a_late_payment_the_case_still_waits_for_is_taken(
    client: TestClient, as_user: Any, runtime: Runtime, clock: Clock
) -> None:
    applicant = as_user("zhangsan")
    number = submit_id_card(client, applicant)
    [order] = orders(client, applicant, number)
    run_sweeps(runtime, now=clock.advance(hours=73))
    assert orders(client, applicant, number)[0]["state"] == "expired"
    pay_in_sandbox(runtime, order["number"], clock.now)
    deliver_notices(runtime, clock.now + timedelta(seconds=1))
    [taken] = orders(client, applicant, number)
    assert taken["state"] == "paid" and taken["flag"] == "late_payment"


def test_refunds_full_and_partial_are_recorded(
    client: TestClient, as_user: Any, runtime: Runtime, clock: Clock
) -> None:
    applicant, finance = as_user("zhangsan"), as_user("caiwu")
    number = submit_id_card(client, applicant)
    pay(client, runtime, applicant, number, clock.now)
    order = orders(client, applicant, number)[0]["number"]
    url = f"{API}/payments/{order}/refunds"
    assert (
        client.post(url, json={"amount": "5", "reason": "多收"}, headers=applicant).status_code
        == 403
    )
    typed = client.post(url, json={"amount": "5.5元", "reason": "多收"}, headers=finance)
    said = typed.json()["error"]["message"]  # what to type, in words, not the expression
    assert typed.status_code == 422 and "如 20 或 12.50" in said and "\\d" not in said
    part = client.post(url, json={"amount": "5.50", "reason": "多收"}, headers=finance)
    assert part.status_code == 201, part.text
    assert part.json()["amount"] == "5.50" and part.json()["state"] == "succeeded"
    too_much = client.post(url, json={"amount": "15", "reason": "退余款"}, headers=finance)
    assert too_much.status_code == 422 and "14.50" in too_much.json()["error"]["message"]
    rest = client.post(url, json={"amount": "14.50", "reason": "退余款"}, headers=finance)
    assert rest.status_code == 201
    [refunded] = orders(client, applicant, number)
    assert refunded["state"] == "refunded" and refunded["refunded"] == "20.00"


def test_a_case_rejected_after_payment_is_refunded_where_the_item_says(
    client: TestClient, as_user: Any, runtime: Runtime, clock: Clock
) -> None:
    """The ID card's fee is refunded when the card is not made (``refund_unissued``)."""
    applicant, ga = as_user("zhangsan"), as_user("ga")
    number = submit_id_card(client, applicant)
    pay(client, runtime, applicant, number, clock.now)
    rejected = act(
        client, ga, open_task(client, ga, number, "accept"), "reject", opinion="非本市户籍"
    )
    assert rejected.status_code == 200, rejected.text
    run_sweeps(runtime, now=clock.advance(minutes=1))
    [order] = orders(client, applicant, number)
    assert order["state"] == "refunded" and order["refunded"] == "20.00"


def test_the_notice_and_the_receipt_are_pdfs(
    client: TestClient, as_user: Any, runtime: Runtime, clock: Clock
) -> None:
    applicant = as_user("zhangsan")
    number = submit_id_card(client, applicant)
    order = orders(client, applicant, number)[0]["number"]
    notice = client.get(f"{API}/payments/{order}/document", headers=applicant)
    assert notice.status_code == 200 and notice.content.startswith(b"%PDF-")
    assert (
        "缴款通知书" in notice.headers["content-disposition"]
        or "%E7%BC%B4" in notice.headers["content-disposition"]
    )
    pay(client, runtime, applicant, number, clock.now)
    paid = client.get(f"{API}/payments/{order}/document", headers=applicant)
    assert paid.content != notice.content and paid.content.startswith(b"%PDF-")
    assert (
        client.get(f"{API}/payments/{order}/document", headers=as_user("lisi")).status_code == 404
    )
    # the payer's name is on it: a supervisor of another region reads it no more than lisi
    siming = as_user("sm-jc")
    assert client.get(f"{API}/payments/{order}/document", headers=siming).status_code == 404
    assert (
        client.get(f"{API}/payments/reconciliations/{clock.now.date()}", headers=siming).status_code
        == 403
    )
    assert (
        client.get(f"{API}/payments/{order}/document", headers=as_user("supervisor")).status_code
        == 200
    )


def test_the_id_card_item_says_when_it_is_paid(db: Session) -> None:
    item = catalog.get_entry(db, code=ID_CARD).current_version.definition["items"][0]  # type: ignore[union-attr]
    assert item["payment"]["when"] == "before_acceptance"


@pytest.mark.parametrize("path", ["payments/notify/sandbox", "delivery/notify/sandbox"])
@pytest.mark.parametrize(
    "kind",
    ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x"],
)
def test_a_notification_sent_as_a_form_is_refused_not_a_server_error(
    client: TestClient, db: Session, path: str, kind: str
) -> None:
    """Many gateways post their notifications as forms: an unsigned one is refused (400
    FAIL, audited) like a JSON one, never a server error."""
    body = (
        b"notify_id=1&out_trade_no=X"
        if kind.startswith("application")
        else b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n'
    )
    answer = client.post(
        f"{API}/{path}", content=body, headers={"Tongban-Signature": "0" * 64, "Content-Type": kind}
    )
    assert answer.status_code == 400 and answer.json()["code"] == "FAIL"
