"""The English cockpit on a wall display: long department names get a label column cut
with "…" and the bars keep most of the width; the headline is in English (issue 12)."""

from __future__ import annotations

import json
import re

from playwright.sync_api import Browser, Route, expect

from tests.browser.conftest import Browsers

LONG = "Fuzhou Municipal Bureau of Human Resources and Social Security, Employment Services"


def _figures(route: Route) -> None:
    """The API's answer with many long English names (the demo server has no cases)."""
    rates = {"on_time_rate": 0.9}
    entry = {"counts": {"received": 10, "decided": 8}, "rates": rates}
    route.fulfill(
        content_type="application/json",
        body=json.dumps(
            {
                "first": "2026-11-02",
                "last": "2026-12-01",
                "headline": "",
                "catalog": {"online_available_rate": 0.9},
                "total": entry,
                "series": [{"start": "2026-12-01", **entry}],
                "departments": {f"D{n}": {"name": f"{LONG} {n}", **entry} for n in range(12)},
            }
        ),
    )


def test_the_english_cockpit_keeps_its_bars_with_long_department_names(
    browser: Browser, server: str
) -> None:
    wall = Browsers(browser, server, locale="en-US", viewport={"width": 1920, "height": 1080})
    try:
        page = wall.sign_in("supervisor")
        page.route(re.compile(r".*/api/v1/supervision/reform\?.*"), _figures)
        page.goto("/supervision/cockpit?lang=en")
        expect(page.locator("body")).to_have_attribute("data-loaded", re.compile(r"\d+"))
        layout = page.evaluate(
            """() => {
                const el = document.getElementById("cockpit-departments");
                const chart = echarts.getInstanceByDom(el);
                const zero = chart.convertToPixel({xAxisIndex: 0}, 0);
                const full = chart.convertToPixel({xAxisIndex: 0}, 100);
                return {width: el.clientWidth, zero: zero, bars: full - zero};
            }"""
        )
        assert layout["bars"] >= 0.5 * layout["width"], layout
        assert layout["zero"] <= 0.45 * layout["width"], layout
        expect(page.locator("#cockpit-headline")).to_have_text("No case decided in this period yet")
        assert not wall.refused, wall.refused
    finally:
        for context in wall.contexts:
            context.close()
