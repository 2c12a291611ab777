"""Pages on a phone's screen (390 × 844) and a desktop's, signed in through the form."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, ViewportSize

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}


def signed_in(browser: Browser, server: str, viewport: ViewportSize, who: str = "zhangsan") -> Page:
    """A page of a new browser context at ``viewport``, signed in as demo user ``who`` (the
    applicant unless told)."""
    context = browser.new_context(base_url=server, locale="zh-CN", viewport=viewport)
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto("/login", timeout=60_000)  # the server's first page waits for its start-up work
    page.fill("#username", who)
    page.fill("#password", "demo12345")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    return page
