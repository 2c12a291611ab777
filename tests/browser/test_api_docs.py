"""The API documentation opens in a browser under the Content-Security-Policy, with
Swagger UI served from this site (an offline government network has no CDN)."""

from __future__ import annotations

from tests.browser.conftest import Browsers

# Each operation's method and path as Swagger UI draws them (word-break hints removed).
DRAWN = """() => Array.from(document.querySelectorAll(".opblock-summary")).map((row) => [
  row.querySelector(".opblock-summary-method")?.innerText ?? "",
  (row.querySelector(".opblock-summary-path")?.innerText ?? "").replaceAll("\\u200b", ""),
])"""
AT_END = "() => window.scrollY + window.innerHeight >= document.body.scrollHeight - 2"


def test_every_operation_of_the_openapi_document_is_reached_by_scrolling(
    people: Browsers,
) -> None:
    """Swagger UI draws a long list of operations as the reader scrolls (only the rows in
    view exist): scrolled from top to bottom, the page shows every operation."""
    page = people.page("developer")
    page.goto("/api/v1/docs", timeout=60_000)  # Swagger UI is a large script
    page.wait_for_selector(".opblock-summary-path", timeout=60_000)
    document = page.evaluate("() => fetch('/api/v1/openapi.json').then((r) => r.json())")
    expected = {(method.upper(), path) for path, ops in document["paths"].items() for method in ops}
    drawn: set[tuple[str, str]] = set()
    for _ in range(500):
        drawn.update((method, path) for method, path in page.evaluate(DRAWN))
        if page.evaluate(AT_END):
            break
        page.mouse.wheel(0, 400)
        page.wait_for_timeout(100)
    assert expected - drawn == set()
    assert any(path.startswith("/api/v1/cases") for _, path in drawn)
