"""The English case page (``?lang=en``) names the payee, the platform's own timeline texts
and its actor (系统) in English, and so does the API's timeline."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Clock
from tests.payments.helpers import pay, submit_id_card
from tests.web.support import SignedIn
from tongban.web.runtime import Runtime

HAN = re.compile(r"[\u4e00-\u9fff]")


def _events(page: str) -> str:
    """The 办理记录 table of a case page."""
    start = page.index('data-label="Time"')
    return page[start : page.index("</table>", start)]


def test_the_english_case_page_has_no_chinese_platform_texts(
    client: TestClient, as_user: Any, signed_in: SignedIn, runtime: Runtime, clock: Clock
) -> None:
    headers = as_user("zhangsan")
    number = submit_id_card(client, headers)
    pay(client, runtime, headers, number, clock.now)
    page = signed_in("zhangsan").get(f"/cases/{number}", params={"lang": "en"}).text
    assert "Fuzhou Municipal Public Security Bureau · " in page  # the payee
    events = _events(page).replace("张三", "")  # the applicant, by name
    assert "20.00 yuan due, payment code" in events and "System" in events
    assert not HAN.findall(events), HAN.findall(events)
    api = client.get(f"/api/v1/cases/{number}/timeline", headers=headers).json()
    ordered = next(e for e in api["events"] if e["action"] == "payment.ordered")
    assert ordered["opinion"].startswith("应缴 20.00 元")
    assert ordered["opinion_en"].startswith("20.00 yuan due, payment code")
