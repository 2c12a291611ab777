"""Every channel makes the same case (同源, 无差别受理), recorded with its channel and
counted per channel on the dashboard, with a drill-down per channel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from tests.factories import submitted
from tests.web.support import ITEM, PDF, VALID, apply, sign_in

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile/15E148 Safari/604.1"


def _read(client: TestClient, headers: dict[str, str], number: str) -> dict[str, Any]:
    return client.get(f"/api/v1/cases/{number}", headers=headers).json()


def test_each_channel_is_recorded_on_an_equal_case(
    client: TestClient, as_user: Callable[[str], dict[str, str]]
) -> None:
    headers = as_user("zhangsan")
    by_api = submitted(client, headers, ITEM)
    assert by_api["channel"] == "api"

    sign_in(client, "zhangsan")
    files = {"m_ID_CARD": ("id.pdf", PDF, "application/pdf")}
    client.headers["User-Agent"] = PHONE
    on_phone = apply(client, ITEM, VALID, files)
    number = on_phone.url.path.rsplit("/", 1)[-1]
    phone_case = _read(client, headers, number)
    assert phone_case["channel"] == "mobile"
    assert "移动端" in on_phone.text
    same = ("catalog_code", "state", "lead_department", "joint", "title")
    assert {k: phone_case[k] for k in same} == {k: by_api[k] for k in same}


def test_the_dashboard_counts_and_drills_down_by_channel(
    client: TestClient, as_user: Callable[[str], dict[str, str]]
) -> None:
    number = submitted(client, as_user("zhangsan"), ITEM)["number"]
    sign_in(client, "supervisor")
    page = client.get("/supervision")
    assert "各办事渠道情况" in page.text and "接口" in page.text
    drilled = client.get("/supervision/cases", params={"channel": "api"})
    assert drilled.status_code == 200 and number in drilled.text
    none = client.get("/supervision/cases", params={"channel": "kiosk"})
    assert number not in none.text


def test_a_case_started_on_a_halls_terminal_is_a_kiosk_case(
    client: TestClient, as_user: Callable[[str], dict[str, str]]
) -> None:
    sign_in(client, "zhangsan")
    client.cookies.set("tongban_kiosk", "GL-ZWFW")
    files = {"m_ID_CARD": ("id.pdf", PDF, "application/pdf")}
    page = apply(client, ITEM, VALID, files)
    number = page.url.path.rsplit("/", 1)[-1]
    assert _read(client, as_user("zhangsan"), number)["channel"] == "kiosk"
