"""长辈版 (large text) on a phone (390 px): the application forms (file inputs, selects,
the delivery section) and the licence verification page fit the screen, with no sideways
scrolling (a trial of issue 15 found forms 68 px and /licences/verify 47 px too wide)."""

from __future__ import annotations

from playwright.sync_api import Browser, Page

from tests.browser.phone import PHONE, signed_in

PAGES = [
    "/apply/3501-GA-003",  # 居民身份证换领: uploads and delivery by post
    "/apply/3501-RS-003",  # 失业登记
    "/apply/3501-SCJG-001",  # 企业设立登记: a long form of an enterprise item
    "/licences/verify",
]


def _too_wide(page: Page) -> list[str]:
    """The elements that reach past the right edge of the screen, for the failure message."""
    return list(
        page.evaluate(
            """() => [...document.querySelectorAll('main *')]
              .filter(e => e.getBoundingClientRect().right > innerWidth + 0.5)
              .slice(0, 8)
              .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' ' +
                   Math.round(e.getBoundingClientRect().right))"""
        )
    )


def test_large_text_forms_and_verification_fit_a_phone(browser: Browser, server: str) -> None:
    page = signed_in(browser, server, PHONE)
    page.goto("/care/on")
    assert page.evaluate("document.documentElement.classList.contains('care')")
    for path in PAGES:
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (path, width, _too_wide(page))
    page.context.close()
