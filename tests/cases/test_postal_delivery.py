"""Delivery by post (邮寄送达): the applicant gives a mailing address to choose it (checked
field by field when saved through the API, and at submission), and the clerk cannot complete the delivery without a
complete address and the waybill number, which the case then shows.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Clock
from tests.factories import API, act, draft, open_task
from tests.payments.helpers import pay, to_delivery
from tongban.web.runtime import Runtime

ID_CARD = "3501-GA-003"  # 居民身份证: by post or at the window; 受理, 审查, 制证, 送达
ADDRESS = {"recipient": "张三", "phone": "13800000001", "address": "福州市鼓楼区五四路158号"}


def _choose_post(client: TestClient, headers: dict[str, str], postal: dict[str, str] | None) -> Any:
    """The draft's number and the answer to saving it with delivery by post."""
    case = draft(client, headers, ID_CARD)
    assert case["delivery"] == "window"  # a new draft never starts with a choice that asks more
    body: dict[str, Any] = {"form_data": case["form_data"], "delivery": "mail"}
    if postal is not None:
        body["postal"] = postal
    return case["number"], client.patch(f"{API}/cases/{case['number']}", json=body, headers=headers)


def _by_post(client: TestClient, headers: dict[str, str], postal: dict[str, str] | None) -> Any:
    number, response = _choose_post(client, headers, postal)
    assert response.status_code == 200, response.text
    return client.post(f"{API}/cases/{number}/submit", headers=headers)


def test_choosing_post_without_an_address_is_refused_when_saved(
    client: TestClient, as_user: Any
) -> None:
    """The API says what to fix when post is chosen, not only at submission; nothing of
    the refused save is kept."""
    applicant = as_user("zhangsan")
    number, response = _choose_post(client, applicant, None)
    assert response.status_code == 422
    details = {d["field"]: d["message_zh"] for d in response.json()["error"]["details"]}
    assert set(details) >= {"postal.recipient", "postal.phone", "postal.address"}
    assert "收件人" in details["postal.recipient"]
    kept = client.get(f"{API}/cases/{number}", headers=applicant).json()
    assert kept["delivery"] == "window" and kept["postal"] is None


def test_a_wrong_phone_number_is_named_when_the_address_is_saved(
    client: TestClient, as_user: Any
) -> None:
    _number, response = _choose_post(client, as_user("zhangsan"), {**ADDRESS, "phone": "12345"})
    assert response.status_code == 422
    details = response.json()["error"]["details"]
    assert [d["field"] for d in details] == ["postal.phone"]
    assert "手机号码" in details[0]["message_zh"] and "mobile" in details[0]["message_en"]


def test_a_posted_result_needs_the_waybill_number_and_keeps_it(
    client: TestClient, as_user: Any, runtime: Runtime, clock: Clock
) -> None:
    applicant, ga = as_user("zhangsan"), as_user("ga")
    submitted = _by_post(client, applicant, ADDRESS)
    assert submitted.status_code == 200, submitted.text
    number = submitted.json()["number"]
    pay(client, runtime, applicant, number, clock.now)  # the 工本费 is paid before acceptance
    assert submitted.json()["postal"]["address"] == ADDRESS["address"]
    to_delivery(client, ga, number)

    deliver = open_task(client, ga, number, "deliver")
    refused = act(client, ga, deliver, "deliver", opinion="已寄出")
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "tracking_number"
    assert client.get(f"{API}/cases/{number}", headers=applicant).json()["state"] == "delivering"

    corrected = {**ADDRESS, "address": "福州市鼓楼区五四路160号"}  # confirmed by phone
    done = act(client, ga, deliver, "deliver", tracking_number="sf 1234567890123", postal=corrected)
    assert done.status_code == 200, done.text
    case = client.get(f"{API}/cases/{number}", headers=applicant).json()
    assert case["state"] == "delivering"  # posted; completed when the courier says signed for
    assert case["postal"]["tracking_number"] == "SF1234567890123"
    assert case["postal"]["address"] == "福州市鼓楼区五四路160号" and case["postal"]["posted_at"]
    events = client.get(f"{API}/cases/{number}/timeline", headers=applicant).json()["events"]
    assert any(e["action"] == "delivery.posted" for e in events)
