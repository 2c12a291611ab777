"""Automated accessibility check (axe-core, WCAG 2 A/AA rules) on the main pages: no
serious or critical violations, for signed-out visitors, applicants and staff.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page

from tests.browser.conftest import ROOT, Browsers
from tests.conftest import token
from tests.factories import act, draft, open_task, submitted

ITEM = "3501-RS-003"  # 失业登记: accept → review (which decides and issues), in 人社局

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def _violations(page: Page) -> list[dict[str, Any]]:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make install-dev` (npm ci)")
    # evaluated through the DevTools protocol: a <script> tag would meet the page's CSP
    page.evaluate(AXE.read_text(encoding="utf-8"))
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
        (
            None,
            "/bundles/3501-BUNDLE-KCG?s_licence=held&s_operator=company&s_premises=leased&s_agent=self",
        ),
        (None, "/finder?who=enterprise&event=开餐馆"),
        (None, "/login"),
        (None, "/register"),
        (None, "/progress"),
        ("zhangsan", "/apply/3501-WJW-002"),
        ("zhangsan", "/my/cases"),
        ("clerk", "/staff"),
        ("rs", "/staff/ratings"),
        ("ga", "/staff"),
        ("supervisor", "/supervision"),
        ("supervisor", "/supervision/cases"),
        ("supervisor", "/staff/ratings"),
        ("admin", "/ops/messages"),
        ("secadmin", "/security"),
        ("auditor", "/audit"),
        ("auditor", "/audit?action=account.&verify=true"),
    ],
)
def test_main_pages_have_no_serious_accessibility_violations(
    people: Browsers, who: str | None, path: str
) -> None:
    page = people.sign_in(who) if who else people.page("visitor")
    page.goto(path)
    found = _violations(page)
    assert not found, _report(found)


@pytest.fixture(scope="module")
def made(server: str) -> Iterator[dict[str, str]]:
    """Cases in the states the deeper pages need, made through the API of the test server."""
    with httpx.Client(base_url=server, timeout=30) as client:
        applicant, rs = token(client, "zhangsan"), token(client, "rs")
        to_review = draft(client, applicant, ITEM)["number"]
        waiting = submitted(client, applicant, ITEM)["number"]
        asked = submitted(client, applicant, ITEM)["number"]
        act(client, rs, open_task(client, rs, asked, "accept"), "accept")
        review = open_task(client, rs, asked, "review")
        question = {"to_department": "GA", "question": "户籍信息是否一致？"}
        response = client.post(
            f"/api/v1/tasks/{review['id']}/verifications", json=question, headers=rs
        )
        assert response.status_code == 201, response.text
        finished = submitted(client, applicant, ITEM)["number"]
        for stage, action in [("accept", "accept"), ("review", "review")]:
            act(
                client,
                rs,
                open_task(client, rs, finished, stage),
                action,
                outcome="approved",
                opinion="同意",
            )
        rated = submitted(client, applicant, ITEM)["number"]
        for stage, action in [("accept", "accept"), ("review", "review")]:
            act(
                client,
                rs,
                open_task(client, rs, rated, stage),
                action,
                outcome="approved",
                opinion="同意",
            )
        bad = {"score": 1, "comment": "等待时间太长"}
        response = client.post(f"/api/v1/cases/{rated}/rating", json=bad, headers=applicant)
        assert response.status_code == 201, response.text
        yield {
            "review": f"/cases/{to_review}/review",
            "receipt": f"/cases/{waiting}/receipt",
            "waiting": f"/cases/{waiting}",
            "task": f"/staff/tasks/{open_task(client, rs, waiting, 'accept')['id']}",
            "verification": f"/staff/verifications/{open_verification_id(client, token(client, 'ga'))}",
            "finished": f"/cases/{finished}",
            "rated": f"/cases/{rated}",
        }


def open_verification_id(client: httpx.Client, headers: dict[str, str]) -> int:
    """The open verification request addressed to the signed-in department."""
    found = client.get("/api/v1/verifications", params={"open": "true"}, headers=headers).json()
    return int(found[0]["id"])


@pytest.mark.parametrize(
    ("who", "page_of"),
    [
        ("zhangsan", "review"),
        ("zhangsan", "receipt"),
        ("zhangsan", "waiting"),
        ("zhangsan", "finished"),
        ("zhangsan", "rated"),
        ("rs", "task"),
        ("ga", "verification"),
    ],
)
def test_case_pages_have_no_serious_accessibility_violations(
    people: Browsers, made: dict[str, str], who: str, page_of: str
) -> None:
    page = people.sign_in(who)
    page.goto(made[page_of])
    found = _violations(page)
    assert not found, _report(found)


def test_on_a_phone_the_case_page_reads_as_a_list_without_sideways_scrolling(
    people: Browsers, made: dict[str, str]
) -> None:
    page = people.sign_in("zhangsan")
    page.goto(made["finished"])
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.click("details.fold summary:has-text('办理记录')")  # the history is folded
    rows = page.locator("section[aria-labelledby=timeline-title] tbody tr")
    assert rows.count() > 3
    display = rows.first.evaluate("row => getComputedStyle(row).display")
    assert display == ("block" if width < 768 else "table-row")
    if width < 768:  # each cell says which column it is
        label = page.locator("#timeline-title ~ .table-wrap tbody td").first
        assert label.evaluate("td => getComputedStyle(td, '::before').content") == '"部门"'


@pytest.mark.parametrize("path", ["/", "/items/3501-WJW-002", "/progress", "/halls"])
def test_the_elderly_friendly_mode_is_larger_and_still_accessible(
    people: Browsers, path: str
) -> None:
    page = people.page("visitor")
    page.goto(path)
    standard = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    page.click("text=长辈版")
    page.wait_for_load_state()
    assert page.url.endswith(path)
    larger = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert larger >= standard * 1.2
    found = _violations(page)
    assert not found, _report(found)
    page.click("text=标准版")
    page.wait_for_load_state()
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == standard


def test_the_check_catches_an_unlabelled_input(people: Browsers) -> None:
    """The check itself can fail: an input without a label is a critical violation."""
    page = people.page("visitor")
    page.set_content(
        '<html lang="zh"><head><title>t</title></head><body><main><input type="text"></main></body></html>'
    )
    assert "label" in {violation["id"] for violation in _violations(page)}
