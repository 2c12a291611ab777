"""On a phone (390 × 844) a guide's materials table reads as a list: each material a block,
each fact led by its column's name (issue 16's trial, fault 13: the 8-column table wrapped
one character per line)."""

from __future__ import annotations

from playwright.sync_api import Browser

from tests.browser.phone import PHONE


def test_on_a_phone_the_guide_lists_each_material_as_a_block(browser: Browser, server: str) -> None:
    context = browser.new_context(base_url=server, locale="zh-CN", viewport=PHONE)
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto("/bundles/3501-BUNDLE-KCG", timeout=60_000)
    first = page.locator("#tab-materials tbody tr").first
    name = first.locator("td").first
    assert float(name.evaluate("e => e.getBoundingClientRect().width")) > PHONE["width"] / 2
    label = name.evaluate("e => getComputedStyle(e, '::before').content")
    assert "材料名称" in label
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()
