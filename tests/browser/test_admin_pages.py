"""The pages of the three administrators (三员分立) in a real browser: reached from the
header, used as an administrator would, and free of serious accessibility violations
(axe-core, as the other pages)."""

from __future__ import annotations

import httpx
from playwright.sync_api import Page

from tests.browser.conftest import Browsers
from tests.browser.test_accessibility import _report, _violations


def _open_from_header(page: Page, path: str) -> None:
    link = page.locator(f'nav a[href="{path}"]')
    assert link.count() == 1, path
    page.goto(path)
    page.wait_for_load_state()
    found = _violations(page)
    assert not found, _report(found)


def test_the_security_administrator_unlocks_an_account(people: Browsers, server: str) -> None:
    with httpx.Client(base_url=server, timeout=30) as client:
        for _ in range(5):
            client.post("/api/v1/auth/login", json={"username": "caiwu", "password": "wrong-1"})
    page = people.sign_in("secadmin")
    _open_from_header(page, "/security")
    row = page.locator("tr", has=page.locator("td", has_text="caiwu"))
    assert row.count() == 1
    row.locator("button", has_text="解锁").click()
    page.wait_for_load_state()
    assert page.get_by_text("账号已解锁").count() >= 1
    assert page.locator("td", has_text="caiwu").count() == 0


def test_the_audit_administrator_searches_and_verifies_the_chain(people: Browsers) -> None:
    page = people.sign_in("auditor")
    _open_from_header(page, "/audit")
    page.fill("#f-action", "account.")
    page.click("button[name=verify]")
    page.wait_for_load_state()
    assert "审计链完好" in page.locator("[role=status]").inner_text()
    actions = page.locator("tbody tr td:nth-child(3)").all_inner_texts()
    assert actions and all(action.startswith("account.") for action in actions)
    found = _violations(page)
    assert not found, _report(found)


def test_the_system_administrator_reaches_the_failed_messages_not_the_cases(
    people: Browsers,
) -> None:
    page = people.sign_in("admin")
    _open_from_header(page, "/ops/messages")
    assert page.locator('nav a[href="/supervision"]').count() == 0
