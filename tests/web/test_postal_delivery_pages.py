"""Delivery by post on the pages: the form asks for the mailing address and says next to
each input what is missing; the clerk's delivery form asks for the waybill number and
refuses to complete without it.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Clock
from tests.factories import API, act, draft, open_task
from tests.payments.helpers import pay
from tests.web.support import SignedIn, csrf
from tongban.web.runtime import Runtime

ID_CARD = "3501-GA-003"  # 居民身份证: by post or at the window
ADDRESS = {"recipient": "张三", "phone": "13800000001", "address": "福州市鼓楼区五四路158号"}


def test_choosing_post_on_the_form_without_an_address_names_each_missing_input(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    case = draft(client, as_user("zhangsan"), ID_CARD)
    browser = signed_in("zhangsan")
    page = browser.get(f"/cases/{case['number']}/edit")
    assert 'name="postal_recipient"' in page.text and 'name="postal_address"' in page.text
    form = {**case["form_data"], "delivery": "mail", "postal_recipient": "张三"}
    form.update(postal_phone="", postal_address="", intent="submit", csrf_token=csrf(page.text))
    answer = browser.post(f"/cases/{case['number']}/edit", data=form)
    assert answer.status_code == 422
    assert "请填写详细的邮寄地址" in answer.text and "手机号码" in answer.text
    assert 'value="张三"' in answer.text  # what was typed is kept


def test_the_new_application_form_asks_for_the_address_when_post_is_offered(
    signed_in: SignedIn,
) -> None:
    page = signed_in("zhangsan").get(f"/apply/{ID_CARD}").text
    assert page.index('value="mail"') < page.index('value="window"')  # post comes first
    for name in ("postal_recipient", "postal_phone", "postal_address"):
        assert f'name="{name}"' in page  # asked before any failed submit
    assert "领证方式" not in page and "结果邮寄地址" not in page  # asked once, not twice


def test_a_refused_form_sums_up_its_problems_at_the_top_with_links_to_the_inputs(
    signed_in: SignedIn,
) -> None:
    browser = signed_in("zhangsan")
    page = browser.get(f"/apply/{ID_CARD}")
    form = {"delivery": "mail", "postal_recipient": "张三", "postal_phone": "123"}
    form.update(intent="submit", csrf_token=csrf(page.text))
    answer = browser.post(f"/apply/{ID_CARD}", data=form)
    assert answer.status_code == 422
    top = answer.text[: answer.text.index("申请表</legend>")]
    assert "请按以下提示修改后再提交" in top
    for anchor in ("#f-renewal_reason", "#f-postal_phone", "#f-postal_address"):
        assert f'href="{anchor}"' in top  # each problem links to its input


def test_the_clerk_cannot_complete_a_postal_delivery_without_the_waybill(
    client: TestClient, as_user: Any, signed_in: SignedIn, runtime: Runtime, clock: Clock
) -> None:
    applicant, ga = as_user("zhangsan"), as_user("ga")
    case = draft(client, applicant, ID_CARD)
    number = case["number"]
    body = {"form_data": case["form_data"], "delivery": "mail", "postal": ADDRESS}
    assert client.patch(f"{API}/cases/{number}", json=body, headers=applicant).status_code == 200
    assert client.post(f"{API}/cases/{number}/submit", headers=applicant).status_code == 200
    pay(client, runtime, applicant, number, clock.now)  # the 工本费 is paid before acceptance
    for stage, action, extra in [
        ("accept", "accept", {}),
        ("review", "review", {"outcome": "approved", "opinion": "符合条件"}),
        ("issue", "issue", {}),
    ]:
        assert act(client, ga, open_task(client, ga, number, stage), action, **extra).is_success
    task = open_task(client, ga, number, "deliver")["id"]

    staff = signed_in("ga")
    page = staff.get(f"/staff/tasks/{task}")
    assert 'name="tracking_number"' in page.text and "福州市鼓楼区五四路158号" in page.text
    form = {
        "csrf_token": csrf(page.text),
        "postal_recipient": "张三",
        "postal_phone": "13800000001",
        "postal_address": "福州市鼓楼区五四路158号",
        "tracking_number": "",
    }
    refused = staff.post(f"/staff/tasks/{task}/deliver", data=form)
    assert refused.status_code == 422 and "快递运单号" in refused.text
    form["tracking_number"] = "EA123456789CN"
    assert staff.post(f"/staff/tasks/{task}/deliver", data=form).status_code == 200
    case_page = signed_in("zhangsan").get(f"/cases/{number}").text
    assert "已寄出，收件人签收后办结" in case_page and "EA123456789CN" in case_page
    assert "已办结" not in case_page  # posted is not delivered
