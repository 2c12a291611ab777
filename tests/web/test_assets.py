"""Pages stay quick on slow mobile links: compressed, and scripts/styles cached for good."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def _asset_urls(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="(/static/[^"]+)"', html)


def test_pages_link_versioned_assets_that_browsers_keep(client: TestClient) -> None:
    urls = _asset_urls(client.get("/").text)
    assert urls and all(re.search(r"\?v=[0-9a-f]{12}$", url) for url in urls)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"


def test_an_unversioned_asset_is_revalidated_not_kept(client: TestClient) -> None:
    response = client.get("/static/style.css")
    assert response.status_code == 200 and "cache-control" not in response.headers
    again = client.get("/static/style.css", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


def test_pages_and_scripts_travel_compressed(client: TestClient) -> None:
    page = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert page.headers["content-encoding"] == "gzip"
    assert page.num_bytes_downloaded * 2 < len(page.content)
    script = next(u for u in _asset_urls(page.text) if "htmx" in u)
    response = client.get(script, headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.num_bytes_downloaded * 2 < len(response.content)


def test_the_site_has_an_icon_and_answers_favicon_ico(client: TestClient) -> None:
    page = client.get("/").text
    icon = re.search(r'<link rel="icon" href="(/static/favicon\.svg\?v=[0-9a-f]{12})"', page)
    assert icon, "base.html links no icon"
    assert client.get(icon.group(1)).headers["content-type"].startswith("image/svg+xml")
    response = client.get("/favicon.ico")  # asked for by every browser on a first visit
    assert response.status_code == 200 and response.content.startswith(b"<svg")
    assert response.headers["content-type"].startswith("image/svg+xml")
