"""The hall's self-service terminal (kiosk mode) at a kiosk's portrait screen: large type,
an on-screen keypad instead of a keyboard (digits for a check-in code, letters and digits
for the progress lookup and the sign-in, by touch or click), and after the idle time (3 s on the test
server) any sign-in ended and the screen back at the start, emptied."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Browser, Page

from tongban.web.runtime import Runtime

HALL = "GL-ZWFW"
OPEN_HOURS = datetime(2025, 11, 3, 2, 0, tzinfo=UTC)  # a Monday, 10:00 in Fuzhou
KIOSK_SCREEN = {"width": 1080, "height": 1920}


@pytest.fixture
def kiosk(browser: Browser, server: str) -> Iterator[Page]:
    context = browser.new_context(base_url=server, locale="zh-CN", viewport=KIOSK_SCREEN)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"/kiosk/{HALL}")
    yield page
    context.close()


def test_the_keypad_types_the_code_without_a_keyboard(kiosk: Page) -> None:
    assert kiosk.url.endswith(f"/halls/{HALL}/kiosk")
    assert "kiosk" in (kiosk.get_attribute("html", "class") or "")
    for key in "12345":
        kiosk.click(f"[data-keypad=code] [data-key='{key}']")
    kiosk.click("[data-keypad=code] [data-key=back]")
    kiosk.click("[data-keypad=code] [data-key='9']")
    assert kiosk.input_value("#code") == "12349"
    size = kiosk.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 19  # 125 % of 16 px


def test_the_kiosk_header_asks_for_no_typing(kiosk: Page) -> None:
    """No free-text box (问一问) nor portal menu above a terminal's screen: the terminal's
    own functions, sign-in and the language, all by touch."""
    header = kiosk.locator("header.site")
    assert header.locator("input:not([type=hidden]), textarea").count() == 0
    assert header.locator("a[href='/my/licences'], a[href='/register']").count() == 0
    assert header.locator("a[href='/lang/en']").is_visible()
    kiosk.goto("/progress")  # every page of the terminal keeps it
    assert kiosk.locator("header.site input:not([type=hidden])").count() == 0
    assert kiosk.locator("header.site a.brand").get_attribute("href") == f"/halls/{HALL}/kiosk"


def test_an_idle_screen_is_emptied(kiosk: Page) -> None:
    """Emptied, and in the terminal's own language again: the next person did not choose
    the last one's English."""
    kiosk.click("header.site a[href='/lang/en']")
    assert kiosk.get_attribute("html", "lang") == "en"
    kiosk.fill("#code", "123")
    kiosk.wait_for_timeout(4_500)
    assert kiosk.url.endswith(f"/halls/{HALL}/kiosk")
    assert kiosk.input_value("#code") == ""
    assert kiosk.get_attribute("html", "lang") == "zh-CN"


def test_an_idle_sign_in_is_ended(kiosk: Page) -> None:
    kiosk.goto("/login")
    kiosk.fill("#username", "zhangsan")
    kiosk.fill("#password", "demo12345")
    kiosk.click("main form button[type=submit]")
    kiosk.wait_for_url("**/my/cases")
    kiosk.wait_for_url(f"**/halls/{HALL}/kiosk", timeout=10_000)
    kiosk.goto("/my/cases")
    assert "/login" in kiosk.url  # the session ended with the idle time


def test_leaving_kiosk_mode_restores_an_ordinary_browser(kiosk: Page) -> None:
    kiosk.goto("/kiosk-exit")
    assert "kiosk" not in (kiosk.get_attribute("html", "class") or "")


def _type(page: Page, text: str, *, touch: bool = False) -> None:
    """Type ``text`` on the on-screen keyboard of the page's main form, key by key."""
    for char in text:
        if char.isupper():
            page.click("main form [data-key=shift]")
        key = f"main form .keyboard [data-key='{char.lower()}']"
        page.tap(key) if touch else page.click(key)
        if char.isupper():
            page.click("main form [data-key=shift]")


def test_the_progress_lookup_is_typed_by_touch_on_the_screen(browser: Browser, server: str) -> None:
    context = browser.new_context(
        base_url=server, locale="zh-CN", viewport=KIOSK_SCREEN, has_touch=True
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"/kiosk/{HALL}")
    page.goto("/progress")
    _type(page, "35010020250922000001", touch=True)  # the first field, untouched yet
    page.tap("#factor")
    _type(page, "12345", touch=True)
    _type(page, "X", touch=True)
    page.tap("main form .keyboard [data-key=back]")
    _type(page, "x", touch=True)
    assert page.input_value("#number") == "35010020250922000001"
    assert page.input_value("#factor") == "12345x"
    page.tap("main form button[type=submit]")
    page.wait_for_selector("text=办件编号或证件号码后 6 位不正确")  # the lookup got what was typed
    assert page.input_value("#number") == "35010020250922000001"
    context.close()


def test_the_sign_in_is_typed_on_the_screen(kiosk: Page) -> None:
    kiosk.goto("/login")
    _type(kiosk, "zhangsan")
    kiosk.click("#password")
    _type(kiosk, "demo12345")
    kiosk.click("main form button[type=submit]")
    kiosk.wait_for_url("**/my/cases")


def test_a_ticket_is_taken_by_two_touches_on_large_buttons(
    kiosk: Page, server_runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The department, then its item, each a large button: no dropdown to scroll."""
    # tickets are taken in the hall's hours (09:00–16:30 on working days), not whenever the
    # suite runs
    monkeypatch.setattr(server_runtime, "clock", lambda: OPEN_HOURS)
    kiosk.reload()
    assert kiosk.locator("#take select").count() == 0
    department = kiosk.locator("#take a.button", has_text="人力资源和社会保障局")
    assert (department.bounding_box() or {"height": 0})["height"] >= 60
    department.click()
    item = kiosk.locator("#take button[name=item]", has_text="失业登记")
    assert (item.bounding_box() or {"height": 0})["height"] >= 60
    assert kiosk.locator("#take button[name=item]", has_text="印章刻制备案").count() == 0  # 公安
    item.click()
    assert kiosk.locator(".receipt .case-number strong").inner_text().startswith("A")


SMALL_TARGETS = """() => [...document.querySelectorAll('a, button, summary, select, input:not([type=hidden])')]
  .filter((el) => el.offsetParent !== null)
  .map((el) => [el.textContent.trim().slice(0, 20) || el.name || el.id, el.getBoundingClientRect()])
  .filter(([, box]) => box.height < 44 || box.width < 44)
  .map(([name, box]) => `${name} ${Math.round(box.width)}x${Math.round(box.height)}`)"""


@pytest.mark.parametrize("path", [f"/halls/{HALL}/kiosk", "/progress", "/login"])
def test_every_touch_target_of_the_terminal_is_a_fingers_size(kiosk: Page, path: str) -> None:
    """44×44 CSS px at least (WCAG 2.2, 2.5.5 target size): the header's links were 24 px
    tall on the terminal (办件进度查询, 登录, 中文 / English)."""
    kiosk.goto(path)
    small = kiosk.evaluate(SMALL_TARGETS)
    assert small == [], "; ".join(small)
