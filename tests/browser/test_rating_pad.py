"""The window's rating pad (评价器) in Chromium: a clerk of the department handling a case
opens the pad on the second screen, offers the case from its page; the pad, waiting, shows
it by itself; the applicant taps a level and the rating is recorded through the window."""

from __future__ import annotations

import httpx
from playwright.sync_api import Browser, expect

from tests.browser.phone import DESKTOP, signed_in
from tests.browser.test_phone_case_page import _finished_case
from tests.conftest import token
from tests.factories import API


def test_the_applicant_rates_on_the_pad_the_clerk_offered_from_the_case_page(
    browser: Browser, server: str
) -> None:
    number = _finished_case(server)
    desk = signed_in(browser, server, DESKTOP, "rs")  # 人社局's window clerk, not the filer
    context = desk.context
    pad = context.new_page()  # the second screen, in the clerk's session
    pad.goto("/staff/pad")
    expect(pad.locator("h1")).to_have_text("欢迎您对窗口服务作出评价")

    desk.goto(f"/cases/{number}")
    desk.get_by_role("button", name="请申请人在评价器上评价").click()
    expect(desk.locator("#rating .notice")).to_contain_text("评价器已显示本办件")

    # the waiting pad looks again by itself and shows the case, never the applicant's name
    expect(pad.locator(".pad dl.facts")).to_contain_text(number, timeout=20_000)
    expect(pad.locator(".pad")).not_to_contain_text("张三")
    pad.get_by_label("满意", exact=True).check()
    pad.get_by_role("button", name="提交评价").click()
    expect(pad.locator("h1")).to_have_text("感谢您的评价。")

    with httpx.Client(base_url=server, timeout=30) as client:
        headers = token(client, "zhangsan")
        ratings = client.get(f"{API}/cases/{number}/ratings", headers=headers).json()
    assert [(r["stage"], r["channel"], r["score"]) for r in ratings] == [
        ("completion", "window", 4)
    ]
    context.close()
