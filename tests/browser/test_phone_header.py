"""On a phone (390 × 844) the header is one short row: the menu folded under one button,
长辈版 and the language beside it, and on a form page 问一问 is a link, not a box; so the
application form's first field is on the first screen (issue 15: the header and the
question box took ~420 px). A desktop shows the menu open, without the button."""

from __future__ import annotations

from fastapi.testclient import TestClient
from playwright.sync_api import Browser, Page, expect

from tests.browser.phone import DESKTOP, PHONE, signed_in
from tests.conftest import token
from tests.factories import submitted
from tongban.app import create_app
from tongban.web.runtime import Runtime

ITEM = "3501-RS-003"  # 失业登记


def _first_field(page: Page) -> float:
    field = page.locator("main form[method=post] .field").first
    return float(field.evaluate("e => e.getBoundingClientRect().bottom"))


def test_on_a_phone_the_form_starts_on_the_first_screen(browser: Browser, server: str) -> None:
    page = signed_in(browser, server, PHONE)
    page.goto(f"/apply/{ITEM}")
    menu = page.locator("header.site details.menu")
    expect(menu).not_to_have_attribute("open", "")
    expect(page.locator("header.site a[href='/my/cases']")).to_be_hidden()
    expect(page.locator("header.site a[href='/care/on']")).to_be_visible()  # one tap away
    assert page.locator("header.site #ask-q").count() == 0
    expect(page.locator("header.site a.ask-link")).to_be_visible()
    header = page.locator("header.site").evaluate("e => e.getBoundingClientRect().height")
    assert header < 160, header
    assert page.evaluate("window.scrollY") == 0
    assert _first_field(page) <= PHONE["height"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    menu.locator("summary").click()
    expect(page.locator("header.site a[href='/my/cases']")).to_be_visible()
    page.goto("/")  # not a form: the question box stays
    expect(page.locator("header.site #ask-q")).to_be_visible()
    page.context.close()


def test_on_a_desktop_the_menu_is_open_without_its_button(browser: Browser, server: str) -> None:
    page = signed_in(browser, server, DESKTOP)
    page.goto(f"/apply/{ITEM}")
    expect(page.locator("header.site a[href='/my/cases']")).to_be_visible()
    expect(page.locator("header.site details.menu > summary")).to_be_hidden()
    page.context.close()


def test_on_a_phone_the_unread_count_shows_on_the_folded_menu(
    browser: Browser, server: str, server_runtime: Runtime
) -> None:
    """The header's 消息 link carries the unread count; folded on a phone, the menu hides
    it, so the menu's button shows the same count."""
    client = TestClient(create_app(server_runtime))
    submitted(client, token(client, "zhangsan"), ITEM)  # 您的申请已收到: an unread message
    page = signed_in(browser, server, PHONE)
    page.goto("/my/cases")
    expect(page.locator("header.site details.menu")).not_to_have_attribute("open", "")
    link = page.locator("header.site a.messages-link .badge.count")
    expect(link).to_be_hidden()
    unread = link.text_content()
    assert unread and int(unread) > 0
    badge = page.locator("header.site details.menu > summary .badge.count")
    expect(badge).to_be_visible()
    expect(badge).to_have_text(unread)
    page.context.close()
