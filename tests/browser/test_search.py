"""Search as you type in the service hall, and the staff queue's filters, in Chromium:
htmx swaps the results in place, the address follows, and the page is not reloaded.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import Browsers


def _mark_page(page: Page) -> None:
    """A flag on this window: a page load would lose it."""
    page.evaluate("window.stillTheSamePage = true")


def _not_reloaded(page: Page) -> bool:
    return bool(page.evaluate("window.stillTheSamePage === true"))


def test_typing_pinyin_initials_shows_unemployment_registration_without_a_page_load(
    people: Browsers,
) -> None:
    page = people.page("visitor")
    page.goto("/")
    _mark_page(page)

    page.locator("#q").press_sequentially("sydj", delay=60)

    results = page.locator("#search-results")
    expect(results.locator("a[href='/items/3501-RS-003']")).to_have_text("失业登记")
    expect(page).to_have_url(re.compile(r"/\?q=sydj$"))
    assert _not_reloaded(page)
    expect(page.locator("#bundles-title")).to_have_count(1)  # the rest of the page stays

    page.locator("#q").fill("")
    expect(results.locator("#results-title")).to_have_count(0)
    assert _not_reloaded(page)


def test_choosing_a_queue_filter_swaps_only_the_table(people: Browsers) -> None:
    page = people.sign_in("wjw")
    page.goto("/staff")
    _mark_page(page)

    page.select_option("#queue-urgency", "red")

    expect(page.locator("#queue-results")).to_contain_text("清除筛选")
    expect(page).to_have_url(re.compile(r"/staff\?.*urgency=red"))
    assert _not_reloaded(page)
    expect(page.locator("#queue-urgency")).to_have_value("red")
