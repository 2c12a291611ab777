"""The English case page (``?lang=en``) names the payee, the platform's own timeline texts
and its actor (系统) in English, and so does the API's timeline."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Clock
from tests.factories import draft, open_task
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


def _answers(page: str) -> str:
    """The answers (申请信息) of a case, review or task page."""
    start = page.index('<dl class="facts', page.index('id="form-title"'))
    return page[start : page.index("</dl>", start)]


def test_a_choice_reads_in_english_where_the_catalog_translates_it(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    """A value chosen from a form's list (就业状态: 自主创业) showed in Chinese on English
    pages; the review, case and task pages show the catalog's English (``enum_en``)."""
    headers = as_user("zhangsan")
    number = draft(client, headers, "3501-RS-004")["number"]
    case = client.get(f"/api/v1/cases/{number}", headers=headers).json()
    form = {**case["form_data"], "employment_status": "自主创业"}
    saved = client.patch(f"/api/v1/cases/{number}", json={"form_data": form}, headers=headers)
    assert saved.status_code == 200, saved.text
    applicant = signed_in("zhangsan")
    review = _answers(applicant.get(f"/cases/{number}/review?lang=en").text)
    assert "Self-employed" in review and "自主创业" not in review
    assert client.post(f"/api/v1/cases/{number}/submit", headers=headers).status_code == 200
    page = _answers(applicant.get(f"/cases/{number}?lang=en").text)
    assert "Self-employed" in page and "自主创业" not in page
    assert "自主创业" in _answers(applicant.get(f"/cases/{number}").text)
    task = open_task(client, as_user("rs"), number, "accept")
    staff = signed_in("rs")
    staff.cookies.set("tongban_lang", "en")
    assert "Self-employed" in _answers(staff.get(f"/staff/tasks/{task['id']}").text)
