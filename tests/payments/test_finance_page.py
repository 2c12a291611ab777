"""Refunds from the finance page (财务退费) as finance staff type them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Clock
from tests.payments.helpers import orders, pay, submit_id_card
from tests.web.conftest import signed_in
from tests.web.support import csrf
from tongban.web.runtime import Runtime

__all__ = ["signed_in"]


def test_a_refund_finer_than_a_fen_is_refused_and_a_refund_made_is_confirmed(
    client: TestClient,
    as_user: Any,
    runtime: Runtime,
    clock: Clock,
    signed_in: Callable[[str], TestClient],
) -> None:
    # Found in trial: 5.001 was silently refunded as 5.00, and a refund made said nothing.
    applicant = as_user("zhangsan")
    number = submit_id_card(client, applicant)
    pay(client, runtime, applicant, number, clock.now)
    order = orders(client, applicant, number)[0]["number"]
    finance = signed_in("caiwu")
    page = finance.get("/finance")
    url = f"/finance/orders/{order}/refund"
    fine = finance.post(
        url, data={"amount": "5.001", "reason": "多收", "csrf_token": csrf(page.text)}
    )
    assert fine.status_code == 422 and "最多两位小数" in fine.text
    assert orders(client, applicant, number)[0]["refunded"] == "0.00"
    made = finance.post(url, data={"amount": "5", "reason": "多收", "csrf_token": csrf(page.text)})
    assert made.status_code == 200, made.text
    assert f"已退费 5.00 元（退费单 {order}R1），原因：多收" in made.text
    assert orders(client, applicant, number)[0]["refunded"] == "5.00"
