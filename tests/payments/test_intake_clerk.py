"""Found in trial: the window clerk who took a walk-in applicant's case in got 404 for its
payment order, so they could not tell the person the amount and payment code nor print
the notice. They read the orders, the notice or receipt PDF and the delivery of the case
they took in; other clerks and departments with no task on it stay refused."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tests.factories import API
from tests.payments.helpers import (
    deliver_notices,
    pay_in_sandbox,
    to_delivery,
    walk_in_receipt,
)
from tests.web.conftest import signed_in
from tests.web.support import SignedIn, found
from tongban.cases.models import Case
from tongban.payments.models import Pickup
from tongban.web.runtime import Runtime

__all__ = ["signed_in"]


def _take_in(signed_in: SignedIn) -> str:
    """A walk-in applicant's 居民身份证换领 (工本费 20 元 before acceptance), taken in
    and submitted by ``clerk`` at /staff/intake; its number."""
    receipt = walk_in_receipt(signed_in("clerk"))
    return found(r'id="receipt-number">办件编号 <strong>(\d+)</strong>', receipt.text)


def test_the_intake_clerk_reads_the_order_its_notice_and_the_delivery(
    signed_in: SignedIn, as_user: Any
) -> None:
    number = _take_in(signed_in)
    client, clerk = signed_in("clerk"), as_user("clerk")
    listed = client.get(f"{API}/cases/{number}/payments", headers=clerk)
    assert listed.status_code == 200, listed.text
    [order] = listed.json()
    assert order["amount"] == "20.00" and len(order["payment_code"]) == 20
    notice = client.get(f"{API}/payments/{order['number']}/document", headers=clerk)
    assert notice.status_code == 200, notice.text
    assert notice.headers["content-type"] == "application/pdf"
    delivery = client.get(f"{API}/cases/{number}/delivery", headers=clerk)
    assert delivery.status_code == 200, delivery.text
    assert delivery.json()["delivery"] == "window" and delivery.json()["pickup_code"] is None
    # The case itself stays with the departments handling it.
    assert client.get(f"{API}/cases/{number}", headers=clerk).status_code == 404
    # On the pages: the clerk's list leads to the 收件回执, which offers the notice PDF.
    taken_in = client.get("/staff/taken-in").text
    assert f'<a href="/staff/intake/receipt/{number}">{number}</a>' in taken_in
    receipt = client.get(f"/staff/intake/receipt/{number}").text
    assert order["payment_code"] in receipt
    assert f'href="/api/v1/payments/{order["number"]}/document" download>下载缴款通知书' in receipt


def test_other_clerks_and_departments_stay_refused(signed_in: SignedIn, as_user: Any) -> None:
    number = _take_in(signed_in)
    client = signed_in("clerk")
    [order] = client.get(f"{API}/cases/{number}/payments", headers=as_user("clerk")).json()
    for other in ("sm-clerk", "scjg"):
        headers = as_user(other)
        for path in (f"cases/{number}/payments", f"cases/{number}/delivery"):
            assert client.get(f"{API}/{path}", headers=headers).status_code == 404, other
        document = client.get(f"{API}/payments/{order['number']}/document", headers=headers)
        assert document.status_code == 404, other


def test_once_paid_the_intake_clerk_prints_the_e_receipt(
    signed_in: SignedIn, as_user: Any, runtime: Runtime, clock: Clock
) -> None:
    number = _take_in(signed_in)
    client, clerk = signed_in("clerk"), as_user("clerk")
    [order] = client.get(f"{API}/cases/{number}/payments", headers=clerk).json()
    pay_in_sandbox(runtime, order["number"], clock.now)
    deliver_notices(runtime, clock.now + timedelta(seconds=1))
    [paid] = client.get(f"{API}/cases/{number}/payments", headers=clerk).json()
    assert paid["state"] == "paid"
    receipt = client.get(f"/staff/intake/receipt/{number}").text
    assert f'href="/api/v1/payments/{order["number"]}/document" download>下载电子票据' in receipt
    assert "缴款码" not in receipt  # nothing left to pay
    pdf = client.get(f"{API}/payments/{order['number']}/document", headers=clerk)
    assert (
        pdf.status_code == 200
        and "%E7%94%B5%E5%AD%90%E7%A5%A8%E6%8D%AE" in pdf.headers["content-disposition"]
    )  # 电子票据


def test_the_hall_that_took_a_walk_in_case_in_hands_its_result_over(
    signed_in: SignedIn, as_user: Any, runtime: Runtime, clock: Clock, db: Session
) -> None:
    """Found in trial: the general window's clerk who took the case in was told 没有找到办件
    at /window/pickup, so the person collecting at that hall (综合窗口出件) could not be
    served; only the handling department's staff could hand it over."""
    number = _take_in(signed_in)
    client, clerk, ga = signed_in("clerk"), as_user("clerk"), as_user("ga")
    [order] = client.get(f"{API}/cases/{number}/payments", headers=clerk).json()
    pay_in_sandbox(runtime, order["number"], clock.now)
    deliver_notices(runtime, clock.now + timedelta(seconds=1))
    to_delivery(client, ga, number)
    code = db.scalar(
        select(Pickup.code).join(Case, Case.id == Pickup.case_id).where(Case.number == number)
    )
    other = client.post(
        f"{API}/cases/{number}/pickup", json={"code": code}, headers=as_user("sm-clerk")
    )
    assert other.status_code == 404  # another region's hall took nothing in

    done = client.post(f"{API}/cases/{number}/pickup", json={"code": code}, headers=clerk)
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "completed"
