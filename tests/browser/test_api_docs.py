"""The API documentation opens in a browser under the Content-Security-Policy, with
Swagger UI served from this site (an offline government network has no CDN)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import Browsers


@pytest.mark.xfail(
    strict=True,
    reason="known fault (session 11 closing note): Swagger UI draws the accounts, assistant "
    "and catalog tags and then no operation of the cases tag or after it; the OpenAPI "
    "document itself is whole (the fuzz test walks every operation)",
)
def test_the_api_docs_list_the_operations(people: Browsers) -> None:
    page = people.page("developer")
    page.goto("/api/v1/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=30_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/cases" in path for path in paths)
