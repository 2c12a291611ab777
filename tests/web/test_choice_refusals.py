"""A refused choice names the choices there are, in both languages: the delivery methods
the item offers, the reasons a clock may be paused for."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import draft
from tests.web.support import ITEM, SignedIn
from tests.web.test_staff_pages import _act, _submitted, _task_of


def test_an_unoffered_delivery_method_is_refused_with_the_offered_ones(
    client: TestClient, as_user: Any
) -> None:
    headers = as_user("zhangsan")
    case = draft(client, headers, ITEM)
    body = {"form_data": case["form_data"], "delivery": "drone"}
    response = client.patch(f"/api/v1/cases/{case['number']}", json=body, headers=headers)

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == "delivery"
    assert error["message"].startswith("不支持该送达方式“drone”，可选：")
    assert "网上送达（在线下载）（online）" in error["message"]
    english = client.patch(
        f"/api/v1/cases/{case['number']}", json=body, headers={**headers, "Accept-Language": "en"}
    )
    assert "choose one of: online (download) (online)" in english.json()["error"]["message"]


def test_an_unknown_pause_reason_is_refused_with_the_reasons_there_are(
    signed_in: SignedIn,
) -> None:
    number = _submitted(signed_in)
    client = signed_in("rs")
    _act(client, _task_of(client, number), "accept", opinion="材料齐全，予以受理。")
    review = _task_of(client, number)
    response = _act(client, review, "pause", reason="lunch", note="午休")

    assert response.status_code == 422
    assert (
        "不支持该暂停原因“lunch”，可选：听证（hearing）、现场核查、检验（inspection）"
        in response.text
    )
    assert "已暂停计时" not in client.get(f"/staff/tasks/{review}").text
