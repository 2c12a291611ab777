"""A real server on loopback and Debian's Chromium driven by Playwright.

The server runs in a thread on its own SQLite file with the demo loaded, exactly as
``make run`` serves it. A failing test leaves a screenshot in ``test-artifacts/``.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
import yaml
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright
from sqlalchemy.orm import Session

from tongban.app import create_app
from tongban.catalog import service as catalog
from tongban.config import Settings
from tongban.demo import users as demo
from tongban.migrate import upgrade
from tongban.web.runtime import Runtime
from tongban.workdays import service as workdays

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder, so ``-m "not browser"`` leaves them out."""
    for item in items:
        if Path(str(item.path)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def server(served: tuple[str, Runtime]) -> str:
    """The base URL of a server with the demo catalog and accounts."""
    return served[0]


@pytest.fixture(scope="session")
def server_runtime(served: tuple[str, Runtime]) -> Runtime:
    """The server's runtime, for tests that change its data behind the pages' back."""
    return served[1]


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Runtime]]:
    folder = tmp_path_factory.mktemp("server")
    url = f"sqlite:///{folder / 'tongban.sqlite3'}"
    upgrade(url)
    settings = Settings(
        environment="test",
        database_url=url,
        file_store_path=folder / "files",
        embedded_worker=False,
        kiosk_idle_seconds=3,  # tests/browser/test_kiosk.py waits for it
        assistant_wait_seconds=60,  # a loaded test machine builds the index slowly
    )
    runtime = Runtime.from_settings(settings)
    with Session(runtime.engine) as session:
        workdays.seed_from_chinesecalendar(session=session)
        catalog.load_catalog(session, root=ROOT / "catalog")
        for entry in yaml.safe_load((ROOT / "demo" / "users.yaml").read_text(encoding="utf-8")):
            demo.ensure_user(session, entry)
        session.commit()
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(runtime), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the test server did not start"
    yield f"http://127.0.0.1:{port}", runtime
    server.should_exit = True
    thread.join(timeout=10)
    runtime.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(
            "Debian's Chromium is missing: apt-get install chromium (make test does this as root)"
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    report = yield
    if report.when == "call":
        item.stash[FAILED] = report.failed
    return report


FAILED = pytest.StashKey[bool]()


class Browsers:
    """One browser context (its own cookies) per person taking part in a test."""

    def __init__(
        self,
        browser: Browser,
        base_url: str,
        *,
        locale: str,
        viewport: dict[str, int],
        timezone_id: str | None = None,
    ) -> None:
        self.browser, self.base_url, self.locale, self.viewport = (
            browser,
            base_url,
            locale,
            viewport,
        )
        self.timezone_id = timezone_id  # the machine's zone, as a screen set elsewhere has
        self.contexts: list[BrowserContext] = []
        self.pages: dict[str, Page] = {}
        self.refused: list[str] = []  # what the Content-Security-Policy blocked

    def page(self, who: str) -> Page:
        if who not in self.pages:
            context = self.browser.new_context(
                base_url=self.base_url,
                locale=self.locale,
                viewport=self.viewport,
                timezone_id=self.timezone_id,
            )
            context.set_default_timeout(15_000)
            self.contexts.append(context)
            page = context.new_page()
            page.on("console", self._note_refusal)
            self.pages[who] = page
        return self.pages[who]

    def _note_refusal(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.refused.append(message.text)

    def sign_in(self, who: str, password: str = "demo12345") -> Page:
        page = self.page(who)
        page.goto("/login")
        page.fill("#username", who)
        page.fill("#password", password)
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
        return page


@pytest.fixture(
    params=[{"width": 1280, "height": 900}, {"width": 390, "height": 844}], ids=["desktop", "phone"]
)
def people(request: pytest.FixtureRequest, browser: Browser, server: str) -> Iterator[Browsers]:
    """Chinese-speaking people at a desktop or on a phone."""
    crowd = Browsers(browser, server, locale="zh-CN", viewport=request.param)
    yield crowd
    if request.node.stash.get(FAILED, False):
        ARTIFACTS.mkdir(exist_ok=True)
        for who, page in crowd.pages.items():
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{who}.png"), full_page=True)
    for context in crowd.contexts:
        context.close()
    assert not crowd.refused, f"the Content-Security-Policy blocked: {crowd.refused}"
