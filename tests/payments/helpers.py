"""Driving payments as the sandbox gateway and the worker would: the applicant pays on
the sandbox's page, the gateway's notifications and the courier's callbacks run as jobs."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.factories import API, act, draft, open_task
from tests.web.support import csrf
from tongban.db import unit_of_work
from tongban.demo.samples import SAMPLES
from tongban.identifiers import make_resident_id
from tongban.payments import sandbox
from tongban.payments.models import PaymentOrder
from tongban.web.runtime import Runtime
from tongban.worker import run_jobs

ID_CARD = "3501-GA-003"  # 工本费 20 元, paid before acceptance; window or post
ADDRESS = {"recipient": "张三", "phone": "13800000001", "address": "福州市鼓楼区五四路158号"}
WALK_IN = make_resident_id("350102", date(1941, 3, 8), 31)  # 周德福, no account


def walk_in_receipt(clerk: TestClient) -> httpx.Response:
    """The 收件回执 page of a walk-in applicant's 居民身份证换领 (工本费 20 元 before
    acceptance), taken in and submitted by ``clerk`` (signed in) at /staff/intake."""
    form = clerk.get(f"/staff/intake/{ID_CARD}")
    assert form.status_code == 200, form.text
    data = {
        "walkin_id_number": WALK_IN,
        "walkin_name": "周德福",
        "walkin_phone": "13700000008",
        "applicant_name": "周德福",
        "applicant_id_number": WALK_IN,
        "renewal_reason": "有效期满换领",
        "phone": "13700000008",
        "delivery": "window",
        "csrf_token": csrf(form.text),
    }
    files = {
        "m_ID_CARD": ("id.pdf", SAMPLES["pdf"], "application/pdf"),
        "m_HOUSEHOLD_REGISTER": ("hukou.pdf", SAMPLES["pdf"], "application/pdf"),
        "m_PHOTO": ("photo.jpg", SAMPLES["jpg"], "image/jpeg"),
    }
    receipt = clerk.post(f"/staff/intake/{ID_CARD}", data=data, files=files)
    assert receipt.status_code == 200, receipt.text
    return receipt


def submit_id_card(client: TestClient, headers: dict[str, str], *, delivery: str = "window") -> str:
    """A submitted 居民身份证换领 case; its number."""
    case = draft(client, headers, ID_CARD)
    body: dict[str, Any] = {"form_data": case["form_data"], "delivery": delivery}
    if delivery == "mail":
        body["postal"] = ADDRESS
    patched = client.patch(f"{API}/cases/{case['number']}", json=body, headers=headers)
    assert patched.status_code == 200, patched.text
    submitted = client.post(f"{API}/cases/{case['number']}/submit", headers=headers)
    assert submitted.status_code == 200, submitted.text
    return str(case["number"])


def orders(client: TestClient, headers: dict[str, str], number: str) -> list[dict[str, Any]]:
    response = client.get(f"{API}/cases/{number}/payments", headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json())


def pay_in_sandbox(runtime: Runtime, order_number: str, now: datetime) -> None:
    """The applicant presses 确认支付 on the sandbox's page (the gateway's books only)."""
    with unit_of_work(runtime.sessions) as session:
        order = session.scalar(select(PaymentOrder).where(PaymentOrder.number == order_number))
        assert order is not None and order.provider_trade_no
        sandbox.pay(session, trade_no=order.provider_trade_no, now=now)


def deliver_notices(runtime: Runtime, now: datetime) -> list[str]:
    """Run the gateway's (and courier's) due deliveries, as the worker does."""
    return run_jobs(runtime, now=now, worker="test")


def pay(
    client: TestClient, runtime: Runtime, headers: dict[str, str], number: str, now: datetime
) -> None:
    """Pay the case's newest order and let the notification arrive."""
    order = orders(client, headers, number)[-1]
    pay_in_sandbox(runtime, order["number"], now)
    deliver_notices(runtime, now + timedelta(seconds=1))


def to_delivery(client: TestClient, ga: dict[str, str], number: str) -> None:
    """The 公安 staff ``ga`` accept, approve and issue paid case ``number``: it waits for
    its delivery (送达)."""
    for stage, action, body in [
        ("accept", "accept", {}),
        ("review", "review", {"outcome": "approved", "opinion": "符合条件"}),
        ("issue", "issue", {}),
    ]:
        response = act(client, ga, open_task(client, ga, number, stage), action, **body)
        assert response.status_code == 200, response.text
    assert response.json()["state"] == "delivering"
