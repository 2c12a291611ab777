"""Automated accessibility check (axe-core, WCAG 2 A/AA rules) on the main pages: no
serious or critical violations, for signed-out visitors, applicants and staff.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import ROOT, Browsers

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def _violations(page: Page) -> list[dict[str, Any]]:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make install-dev` (npm ci)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'best-practice']})")
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def _report(found: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} → {[n['target'] for n in v['nodes'][:3]]}"
        for v in found
    )


@pytest.mark.parametrize(
    ("who", "path"),
    [
        (None, "/"),
        (None, "/?q=开餐馆"),
        (None, "/items/3501-WJW-002"),
        (None, "/bundles/3501-BUNDLE-QYKB"),
        (None, "/login"),
        (None, "/register"),
        ("zhangsan", "/apply/3501-WJW-002"),
        ("zhangsan", "/my/cases"),
        ("clerk", "/staff"),
        ("supervisor", "/supervision"),
    ],
)
def test_main_pages_have_no_serious_accessibility_violations(
    people: Browsers, who: str | None, path: str
) -> None:
    page = people.sign_in(who) if who else people.page("visitor")
    page.goto(path)
    found = _violations(page)
    assert not found, _report(found)


def test_the_check_catches_an_unlabelled_input(people: Browsers) -> None:
    """The check itself can fail: an input without a label is a critical violation."""
    page = people.page("visitor")
    page.set_content(
        '<html lang="zh"><head><title>t</title></head><body><main><input type="text"></main></body></html>'
    )
    assert "label" in {violation["id"] for violation in _violations(page)}
