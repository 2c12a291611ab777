"""A long form in Chromium outlives the end of the sign-in: typing alone makes a draft by
autosave; pressing 「保存草稿」 after the session ended keeps the page as it is and offers
to sign in again in another tab; saving from the old tab then works; and what this
browser could not send is offered back when the draft is opened again.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tests.browser.conftest import Browsers
from tongban.accounts.models import SignInSession, User
from tongban.web.runtime import Runtime

ITEM = "3501-RS-003"  # 失业登记


def _expire(runtime: Runtime, username: str) -> None:
    """The sign-in ends on the server, as when its hours run out."""
    with Session(runtime.engine) as session:
        user_id = session.scalar(select(User.id).where(User.username == username))
        session.execute(delete(SignInSession).where(SignInSession.user_id == user_id))
        session.commit()


def _draft_by_typing(page: Page) -> str:
    """Type into a new application and leave the field: autosave makes the draft."""
    page.goto(f"/apply/{ITEM}")
    page.fill("#f-applicant_name", "张三")
    page.fill("#f-residence_address", "福州市鼓楼区五四路1号")
    page.press("#f-residence_address", "Tab")
    expect(page.locator(".autosave-status")).to_contain_text(re.compile(r"已自动保存 \d\d:\d\d"))
    page.wait_for_url(re.compile(r"/cases/\d+/edit$"))
    return page.url.rsplit("/", 2)[-2]


def _sign_in_here(page: Page) -> None:
    page.fill("#username", "zhangsan")
    page.fill("#password", "demo12345")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def test_saving_after_the_sign_in_ended_keeps_everything(
    people: Browsers, server_runtime: Runtime
) -> None:
    page = people.sign_in("zhangsan")
    number = _draft_by_typing(page)
    page.select_option("#f-education", "大学本科")
    page.fill("#f-employer_name", "福州示例有限公司")
    page.fill("#f-phone", "13800000001")  # still in the field: not autosaved yet
    _expire(server_runtime, "zhangsan")

    page.click("button:text-is('保存草稿')")
    notice = page.locator(".signed-out[role=alert]")
    expect(notice).to_contain_text("登录已过期")
    assert page.url.endswith(f"/cases/{number}/edit")  # the page and what was typed stay
    expect(page.locator("#f-phone")).to_have_value("13800000001")

    with page.context.expect_page() as opened:
        notice.get_by_role("link", name="重新登录").click()
    other = opened.value
    other.wait_for_load_state()
    _sign_in_here(other)

    page.bring_to_front()
    page.click("button:text-is('保存草稿')")
    page.wait_for_url(re.compile(rf"/cases/{number}/edit\?done=saved$"))
    page.reload()
    expect(page.locator("#f-applicant_name")).to_have_value("张三")
    expect(page.locator("#f-residence_address")).to_have_value("福州市鼓楼区五四路1号")
    expect(page.locator("#f-education")).to_have_value("大学本科")
    expect(page.locator("#f-employer_name")).to_have_value("福州示例有限公司")
    expect(page.locator("#f-phone")).to_have_value("13800000001")
    expect(page.locator(".restore")).to_have_count(0)  # nothing is left unsaved


def test_what_could_not_be_sent_is_offered_back(people: Browsers, server_runtime: Runtime) -> None:
    page = people.sign_in("zhangsan")
    number = _draft_by_typing(page)
    _expire(server_runtime, "zhangsan")
    page.fill("#f-employer_name", "福州示例有限公司")
    page.press("#f-employer_name", "Tab")  # autosave finds the sign-in ended
    expect(page.locator(".signed-out")).to_contain_text("登录已过期")

    page.goto(f"/cases/{number}/edit")  # the tab is reused: the sign-in page comes first
    _sign_in_here(page)
    page.wait_for_url(re.compile(rf"/cases/{number}/edit$"))
    expect(page.locator("#f-employer_name")).to_have_value("")
    offer = page.locator(".restore")
    expect(offer).to_contain_text("尚未保存")
    offer.get_by_role("button", name="恢复未保存的内容").click()
    expect(page.locator("#f-employer_name")).to_have_value("福州示例有限公司")
    expect(page.locator(".autosave-status")).to_contain_text("已自动保存")
    page.reload()
    expect(page.locator("#f-employer_name")).to_have_value("福州示例有限公司")
    expect(page.locator(".restore")).to_have_count(0)


def test_signing_out_forgets_what_this_browser_kept(
    people: Browsers, server_runtime: Runtime
) -> None:
    """On a shared computer, the next person finds none of the unsent answers."""
    page = people.sign_in("zhangsan")
    _draft_by_typing(page)
    _expire(server_runtime, "zhangsan")
    page.fill("#f-employer_name", "福州示例有限公司")
    page.press("#f-employer_name", "Tab")  # autosave finds the sign-in ended: kept locally
    expect(page.locator(".signed-out")).to_contain_text("登录已过期")
    page.goto("/login")
    _sign_in_here(page)
    page.goto("/")
    assert "福州示例有限公司" in page.evaluate("JSON.stringify(window.localStorage)")

    menu = page.locator("header.site details.menu")
    if menu.get_attribute("open") is None:  # a phone: 退出 is under the folded menu
        menu.locator("summary").click()
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.evaluate("window.localStorage.length") == 0
