"""A finished case's page on a phone (390 px wide) is short: what was submitted (answers,
materials) and the record of every event are folded under their titles, with how many
they hold, and open by a tap (issue 15: the page measured 8,814 px; what is folded is what
grows with a case, the rest is the summary, the results and the rating form). The summary
beyond the state and the next step, and the open rating form, fold on a phone only: its
first screen shows where the case is and what to do next; a desktop shows them open."""

from __future__ import annotations

import httpx
from playwright.sync_api import Browser, Page, expect

from tests.browser.phone import DESKTOP, PHONE, signed_in
from tests.conftest import token
from tests.factories import act, open_task, submitted

ITEM = "3501-RS-003"  # 失业登记: accept → review (which decides and issues), in 人社局


def _finished_case(server: str) -> str:
    """The number of a case of zhangsan's that rs accepted and approved (so it can be rated)."""
    with httpx.Client(base_url=server, timeout=30) as client:
        applicant, rs = token(client, "zhangsan"), token(client, "rs")
        number = str(submitted(client, applicant, ITEM)["number"])
        for stage in ("accept", "review"):
            task = open_task(client, rs, number, stage)
            act(client, rs, task, stage, outcome="approved", opinion="同意")
    return number


def _bottom(page: Page, selector: str) -> float:
    return float(page.locator(selector).evaluate("e => e.getBoundingClientRect().bottom"))


def test_on_a_phone_the_first_screen_is_the_state_and_the_next_step(
    browser: Browser, server: str
) -> None:
    number = _finished_case(server)
    page = signed_in(browser, server, PHONE)
    page.goto(f"/cases/{number}")
    expect(page.locator("#case-state")).to_have_text("已办结")
    expect(page.locator("#next-step")).to_contain_text("评价办结环节")
    assert page.evaluate("window.scrollY") == 0
    assert _bottom(page, "#next-step") <= PHONE["height"]  # both on the first screen
    details = page.locator("details.fold", has=page.locator("summary:has-text('办理详情')"))
    expect(details).not_to_have_attribute("open", "")
    expect(page.locator("text=牵头部门")).to_be_hidden()
    form = page.locator("#rating details.fold")
    expect(form).not_to_have_attribute("open", "")
    assert form.evaluate("e => e.getBoundingClientRect().height") < 120  # its title only
    page.locator("#next-step a", has_text="评价办结环节").click()  # opens the folded form
    expect(page.locator("#rating-score-5")).to_be_visible()
    details.locator("summary").click()
    expect(page.locator("text=牵头部门")).to_be_visible()
    page.context.close()


def test_on_a_desktop_the_summary_and_the_rating_form_stay_open(
    browser: Browser, server: str
) -> None:
    number = _finished_case(server)
    page = signed_in(browser, server, DESKTOP)
    page.goto(f"/cases/{number}")
    expect(page.locator("text=牵头部门")).to_be_visible()
    expect(page.locator("summary:has-text('办理详情')")).to_be_hidden()
    expect(page.locator("#rating-score-5")).to_be_visible()
    expect(page.locator("summary:has-text('填写评价')")).to_be_hidden()
    page.context.close()


def test_on_a_phone_the_case_page_folds_its_long_sections(browser: Browser, server: str) -> None:
    number = _finished_case(server)
    page = signed_in(browser, server, PHONE)
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
    page.context.close()
