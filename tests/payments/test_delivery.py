"""Result delivery (物流配套): the window hands over on the applicant's pickup code; a
posted result's courier statuses (signed callbacks) reach the timeline."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tests.factories import API, act, open_task
from tests.payments.helpers import deliver_notices, pay, submit_id_card, to_delivery
from tongban.cases.models import Case
from tongban.payments.delivery import courier_key
from tongban.payments.models import Pickup
from tongban.payments.provider import sign
from tongban.web.runtime import Runtime


def _paid_and_issued(
    client: TestClient, as_user: Any, runtime: Runtime, clock: Clock, delivery: str
) -> str:
    applicant, ga = as_user("zhangsan"), as_user("ga")
    number = submit_id_card(client, applicant, delivery=delivery)
    pay(client, runtime, applicant, number, clock.now)
    to_delivery(client, ga, number)
    return number


def test_a_window_result_is_handed_over_only_on_the_right_pickup_code(
    client: TestClient, as_user: Any, runtime: Runtime, clock: Clock, db: Session
) -> None:
    number = _paid_and_issued(client, as_user, runtime, clock, "window")
    ga, applicant = as_user("ga"), as_user("zhangsan")
    code = db.scalar(
        select(Pickup.code).join(Case, Case.id == Pickup.case_id).where(Case.number == number)
    )
    assert code is not None and len(code) == 6
    page = client.get(f"/cases/{number}", headers=applicant)
    assert code in page.text
    assert code not in client.get(f"/cases/{number}", headers=ga).text  # staff never see it

    wrong = "000000" if code != "000000" else "111111"
    refused = client.post(f"{API}/cases/{number}/pickup", json={"code": wrong}, headers=ga)
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "code"
    assert db.scalar(select(Pickup.failed_attempts).where(Pickup.code == code)) == 1  # kept
    without = act(client, ga, open_task(client, ga, number, "deliver"), "deliver")
    assert without.status_code == 422 and without.json()["error"]["field"] == "pickup_code"

    done = client.post(f"{API}/cases/{number}/pickup", json={"code": code}, headers=ga)
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "completed"
    events = client.get(f"{API}/cases/{number}/timeline", headers=applicant).json()["events"]
    actions = [e["action"] for e in events]
    assert "delivery.pickup_refused" in actions and "delivery.picked_up" in actions


def test_post_delivery_statuses_reach_the_timeline(
    client: TestClient, as_user: Any, runtime: Runtime, clock: Clock
) -> None:
    number = _paid_and_issued(client, as_user, runtime, clock, "mail")
    ga, applicant = as_user("ga"), as_user("zhangsan")
    deliver = open_task(client, ga, number, "deliver")
    posted = act(client, ga, deliver, "deliver", tracking_number="SF1234567890123")
    assert posted.status_code == 200, posted.text
    assert posted.json()["state"] == "delivering"  # posted is not delivered
    deliver_notices(runtime, clock.now + timedelta(hours=2))  # collected
    assert _state(client, applicant, number) == ("delivering", None)
    deliver_notices(runtime, clock.now + timedelta(days=3))  # the rest of the route
    state, closed_at = _state(client, applicant, number)
    assert state == "completed" and closed_at is not None  # 办结 when the applicant signed
    events = client.get(f"{API}/cases/{number}/timeline", headers=applicant).json()["events"]
    statuses = [e["opinion"] for e in events if e["action"] == "delivery.status"]
    assert [status[:4] for status in statuses] == ["已揽收（", "运输中（", "派送中（", "已签收（"]
    # each at the courier's own time, though the last three arrived together (trial)
    times = [re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", status) for status in statuses]
    assert len({found.group() for found in times if found}) == 4
    # the case.deliver entry carries the courier's text in English too (issue 15)
    [delivered] = [e for e in events if e["action"] == "case.deliver"]
    assert delivered["opinion_en"] and delivered["opinion_en"].endswith(
        ", waybill SF1234567890123)"
    )
    page = client.get(f"/cases/{number}", headers=applicant).text
    assert "已签收" in page and "SF1234567890123" in page


def test_a_forged_courier_callback_is_refused(client: TestClient) -> None:
    body = json.dumps(
        {
            "notify_id": "X",
            "tracking_number": "SF1",
            "case": "x",
            "status": "delivered",
            "at": "2025-09-22T01:00:00+00:00",
        }
    )
    answer = client.post(
        f"{API}/delivery/notify/sandbox", content=body, headers={"Tongban-Signature": "ab" * 32}
    )
    assert answer.status_code == 400 and answer.json()["code"] == "FAIL"


def _state(client: TestClient, headers: dict[str, str], number: str) -> tuple[str, Any]:
    case = client.get(f"{API}/cases/{number}", headers=headers).json()
    return case["state"], case.get("closed_at")


def _courier_says(client: TestClient, number: str, status: str, notify_id: str) -> Any:
    fields = {
        "notify_id": notify_id,
        "tracking_number": "SF1234567890123",
        "case": number,
        "status": status,
        "detail": "收件人拒收",
        "at": "2025-09-25T01:00:00+00:00",
    }
    body = json.dumps(fields, ensure_ascii=False, sort_keys=True).encode()
    signature = sign(courier_key(), body)
    return client.post(
        f"{API}/delivery/notify/sandbox", content=body, headers={"Tongban-Signature": signature}
    )


def test_a_failed_post_delivery_leaves_the_case_open_with_a_new_delivery_task(
    client: TestClient, as_user: Any, runtime: Runtime, clock: Clock
) -> None:
    number = _paid_and_issued(client, as_user, runtime, clock, "mail")
    ga, applicant = as_user("ga"), as_user("zhangsan")
    posted = act(
        client,
        ga,
        open_task(client, ga, number, "deliver"),
        "deliver",
        tracking_number="SF1234567890123",
    )
    assert posted.status_code == 200, posted.text
    failed = _courier_says(client, number, "failed", "F1")
    assert failed.status_code == 200, failed.text
    assert _state(client, applicant, number) == ("delivering", None)
    again = act(
        client,
        ga,
        open_task(client, ga, number, "deliver"),
        "deliver",
        tracking_number="YT9876543210",
    )
    assert again.status_code == 200, again.text
    assert again.json()["state"] == "delivering"
