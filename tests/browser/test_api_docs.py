"""The API documentation opens in a browser under the Content-Security-Policy, with
Swagger UI served from this site (an offline government network has no CDN)."""

from __future__ import annotations

from tests.browser.conftest import Browsers


def test_the_api_docs_list_the_operations(people: Browsers) -> None:
    page = people.page("developer")
    page.goto("/api/v1/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=30_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/cases" in path for path in paths)
