"""A finished case's page on a phone (390 px wide) is short: what was submitted (answers,
materials) and the record of every event are folded under their titles, with how many
they hold, and open by a tap (issue 15: the page measured 8,814 px; what is folded is what
grows with a case, the rest is the summary, the results and the rating form)."""

from __future__ import annotations

import httpx
from playwright.sync_api import Browser, expect

from tests.conftest import token
from tests.factories import act, open_task, submitted

ITEM = "3501-RS-003"  # 失业登记: accept → review (which decides and issues), in 人社局
PHONE = {"width": 390, "height": 844}


def test_on_a_phone_the_case_page_folds_its_long_sections(browser: Browser, server: str) -> None:
    with httpx.Client(base_url=server, timeout=30) as client:
        applicant, rs = token(client, "zhangsan"), token(client, "rs")
        number = submitted(client, applicant, ITEM)["number"]
        for stage in ("accept", "review"):
            task = open_task(client, rs, number, stage)
            act(client, rs, task, stage, outcome="approved", opinion="同意")
    context = browser.new_context(base_url=server, locale="zh-CN", viewport=PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/login")
    page.fill("#username", "zhangsan")
    page.fill("#password", "demo12345")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"/cases/{number}")
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 4_500  # 6,028 px unfolded; the rest is the summary, results and rating
    for title in ("申请信息", "申请材料", "办理记录"):
        folded = page.locator("details.fold", has=page.locator(f"summary:has-text('{title}')"))
        expect(folded).not_to_have_attribute("open", "")
        assert folded.evaluate("e => e.getBoundingClientRect().height") < 120  # its title only
    history = page.locator("details.fold", has=page.locator("summary:has-text('办理记录')"))
    history.locator("summary").click()
    expect(history.locator("tbody tr").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollHeight") > height
    context.close()
