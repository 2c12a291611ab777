"""The application form in Chromium asks for the mailing address only while 邮寄送达 is the
chosen delivery: choosing 窗口领取 hides the address inputs, choosing post again shows them
with what was typed."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import Browsers

ID_CARD = "3501-GA-003"  # 居民身份证: by post or at the window


def test_postal_inputs_only_while_post_is_chosen(people: Browsers) -> None:
    page = people.sign_in("zhangsan")
    page.goto(f"/apply/{ID_CARD}")
    recipient = page.locator("#f-postal_recipient")
    page.select_option("#delivery", "mail")
    expect(recipient).to_be_visible()
    recipient.fill("张三")
    page.select_option("#delivery", "window")
    expect(recipient).to_be_hidden()
    expect(page.locator("#f-postal_address")).to_be_hidden()
    page.select_option("#delivery", "mail")
    expect(recipient).to_be_visible()
    expect(recipient).to_have_value("张三")
