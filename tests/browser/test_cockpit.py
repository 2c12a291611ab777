"""The 数据驾驶舱 on a 1920×1080 wall display: one screen without scrolling, figures and
charts drawn from the API, refreshed in place (no page reload), nothing blocked by the CSP."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Browser, expect

from tests.browser.conftest import Browsers


def test_the_cockpit_fits_one_screen_and_refreshes_without_reloading(
    browser: Browser, server: str
) -> None:
    wall = Browsers(
        browser,
        server,
        locale="zh-CN",
        viewport={"width": 1920, "height": 1080},
        timezone_id="Europe/London",  # a wall screen whose own clock is set to another zone
    )
    try:
        page = wall.sign_in("supervisor")
        page.goto("/supervision/cockpit?refresh=5")
        expect(page.locator("body")).to_have_attribute("data-loaded", re.compile(r"\d+"))
        first = page.get_attribute("body", "data-loaded")
        here = datetime.now(ZoneInfo("Asia/Shanghai"))  # the platform's zone (found in trial)
        hours = {(here + timedelta(minutes=m)).strftime("%H") for m in (-1, 0, 1)}
        assert page.locator("#cockpit-updated").inner_text()[:2] in hours
        expect(page.locator("#cockpit-trend canvas")).to_have_count(1)
        expect(page.locator("#cockpit-departments canvas")).to_have_count(1)
        expect(page.locator("[data-count='received']")).to_have_text(re.compile(r"^\d"))
        expect(page.locator("[data-catalog='online_available_rate']")).to_have_text(
            re.compile(r"%$")
        )
        sizes = page.evaluate(
            """() => ({sw: document.documentElement.scrollWidth, sh: document.documentElement.scrollHeight,
                       w: window.innerWidth, h: window.innerHeight,
                       bw: document.body.scrollWidth, bh: document.body.scrollHeight})"""
        )
        assert sizes["sw"] <= sizes["w"] and sizes["sh"] <= sizes["h"], sizes
        assert sizes["bw"] <= sizes["w"] and sizes["bh"] <= sizes["h"], sizes
        page.evaluate("window.stillTheSamePage = true")
        expect(page.locator("body")).not_to_have_attribute(
            "data-loaded", first or "", timeout=15_000
        )
        assert page.evaluate("window.stillTheSamePage === true")
        assert not wall.refused, wall.refused
    finally:
        for context in wall.contexts:
            context.close()
