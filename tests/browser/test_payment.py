"""Paying a fee in Chromium through the sandbox gateway: the applicant's case page offers
网上缴费, the sandbox's checkout takes the payment, the page says it waits for the
provider's confirmation, and once the signed notification arrives (the worker's job) the
order is paid, the receipt offered and the case goes on to acceptance."""

from __future__ import annotations

from datetime import timedelta

import httpx
from playwright.sync_api import expect

from tests.browser.conftest import Browsers
from tests.factories import API, draft
from tongban.timeutil import utcnow
from tongban.web.runtime import Runtime
from tongban.worker import run_jobs

ID_CARD = "3501-GA-003"


def _submitted_id_card(server: str) -> str:
    with httpx.Client(base_url=server) as api:
        login = api.post(
            f"{API}/auth/login", json={"username": "zhangsan", "password": "demo12345"}
        )
        headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
        case = draft(api, headers, ID_CARD)  # type: ignore[arg-type]
        number = case["number"]
        submitted = api.post(f"{API}/cases/{number}/submit", headers=headers)
        assert submitted.status_code == 200, submitted.text
    return str(number)


def test_the_applicant_pays_in_the_sandbox_and_the_case_goes_on(
    people: Browsers, server: str, server_runtime: Runtime
) -> None:
    number = _submitted_id_card(server)
    page = people.sign_in("zhangsan")
    page.goto(f"/cases/{number}")
    expect(page.locator("#payment")).to_contain_text("待缴费")
    expect(page.locator("#payment-amount")).to_contain_text("20.00")
    page.click("#pay-button")
    expect(page.locator("h1")).to_have_text("沙箱收银台")
    expect(page.locator("#sandbox-amount")).to_contain_text("20.00")
    page.click("#sandbox-pay")
    page.wait_for_url(f"**/cases/{number}?paid=1#payment")
    expect(page.locator("#payment-confirming")).to_be_visible()

    run_jobs(server_runtime, now=utcnow() + timedelta(seconds=1), worker="browser-test")
    page.reload()
    expect(page.locator("#payment")).to_contain_text("已缴费")
    expect(page.locator("#payment")).to_contain_text("下载电子票据")
    expect(page.locator("#payment-confirming")).to_have_count(0)
    expect(page.locator("#pay-button")).to_have_count(0)
