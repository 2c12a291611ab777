"""How heavy the main pages are on the wire, and how long they take on a slow mobile link.

Loads the demo into a throw-away SQLite file, signs in as the demo users and fetches each
main page and static asset the way a browser does (``Accept-Encoding: gzip``). Prints, per
page, the HTML size before and after compression, the assets it pulls in and an estimate of
the first and the repeat visit on Chrome's "Slow 3G" and "Fast 3G" profiles.

    .venv/bin/python bench/page_weight.py
"""

from __future__ import annotations

import logging
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# (name, download bits per second, round trip seconds): DevTools' throttling profiles
LINKS = [("Slow 3G", 400_000, 2.0), ("Fast 3G", 1_474_560, 0.563)]
PAGES = [
    (None, "/", "portal home"),
    (None, "/items/3501-RS-003", "item guide"),
    ("zhangsan", "/apply/3501-BUNDLE-QYKB", "企业开办 form"),
    ("zhangsan", "/my/cases", "my cases"),
    ("rs", "/staff", "workbench queue"),
    ("supervisor", "/supervision", "dashboard"),
]
ASSET = re.compile(r'(?:src|href)="(/static/[^"]+)"')


@dataclass
class Fetched:
    raw: int  # bytes after decoding
    wire: int  # bytes on the wire


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["TONGBAN_DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
        os.environ["TONGBAN_FILE_STORE_PATH"] = f"{tmp}/files"
        os.environ["TONGBAN_EMBEDDED_WORKER"] = "false"
        os.chdir(ROOT)
        from fastapi.testclient import TestClient

        from tongban.app import create_app
        from tongban.cli.run import demo_load
        from tongban.config import get_settings
        from tongban.web.runtime import Runtime

        demo_load()
        logging.getLogger("httpx").setLevel(logging.WARNING)
        app = create_app(Runtime.from_settings(get_settings()), start_worker=False)
        with TestClient(app) as client:
            report(client)
    return 0


def fetch(client: object, url: str) -> tuple[Fetched, str]:
    response = client.get(url, headers={"Accept-Encoding": "gzip"})  # type: ignore[attr-defined]
    assert response.status_code == 200, (url, response.status_code)
    return Fetched(len(response.content), response.num_bytes_downloaded), response.text


def sign_in(client: object, username: str) -> None:
    client.cookies.clear()  # type: ignore[attr-defined]
    page = client.get("/login").text  # type: ignore[attr-defined]
    found = re.search(r'name="csrf_token" value="(\w+)"', page)
    assert found
    data = {"username": username, "password": "demo12345", "csrf_token": found.group(1)}
    assert client.post("/login", data=data).status_code == 200  # type: ignore[attr-defined]


def seconds(wire_bytes: int, round_trips: int, link: tuple[str, int, float]) -> float:
    _, bits, rtt = link
    return round_trips * rtt + wire_bytes * 8 / bits


def report(client: object) -> None:
    header = f"{'page':<18}{'HTML':>9}{'gzip':>8}{'assets gz':>11}"
    header += "".join(f"{name + ' 1st':>13}{name + ' again':>14}" for name, *_ in LINKS)
    print(header)
    assets: dict[str, Fetched] = {}
    for user, url, label in PAGES:
        if user:
            sign_in(client, user)
        page, html = fetch(client, url)
        needed = sorted(set(ASSET.findall(html)))
        for asset in needed:
            if asset not in assets:
                assets[asset] = fetch(client, asset)[0]
        asset_bytes = sum(assets[a].wire for a in needed)
        row = f"{label:<18}{page.raw:>9,}{page.wire:>8,}{asset_bytes:>11,}"
        for link in LINKS:
            # first visit: connection + page, then the assets in parallel; again: the page,
            # versioned assets straight from the cache, others revalidated (ETag → 304)
            first = seconds(page.wire, 2, link) + seconds(asset_bytes, 1, link)
            revalidated = [a for a in needed if "?v=" not in a]
            again = seconds(page.wire, 2, link) + (seconds(0, 1, link) if revalidated else 0)
            row += f"{first:>12.1f}s{again:>13.1f}s"
        print(row)
    print("\nassets (bytes decoded / on the wire):")
    for asset, size in sorted(assets.items()):
        print(f"  {asset:<52}{size.raw:>10,}{size.wire:>10,}")


if __name__ == "__main__":
    sys.exit(main())
