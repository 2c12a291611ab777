"""The supervision dashboard in Chromium: ECharts draws the figures, a click on a bar
opens the cases it counts, and the drill-down's filters swap only the table."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import expect

from tests.browser.conftest import Browsers
from tests.conftest import token
from tests.factories import submitted


def test_a_click_on_a_bar_opens_its_cases_and_filters_swap_the_table(
    people: Browsers, server: str
) -> None:
    with httpx.Client(base_url=server) as api:
        number = submitted(api, token(api, "zhangsan"), "3501-WJW-002")["number"]  # type: ignore[arg-type]
    page = people.sign_in("supervisor")
    page.emulate_media(reduced_motion="reduce")  # bars drawn at once, not grown
    page.goto("/supervision")
    chart = page.locator("#chart-states")
    expect(chart.locator("canvas")).to_have_count(1)

    # The first bar (submitted cases), where ECharts drew it.
    x, y = page.evaluate(
        """() => {
          const chart = echarts.getInstanceByDom(document.getElementById("chart-states"));
          const option = chart.getOption();
          const index = option.xAxis[0].data.indexOf("待受理");
          const value = option.series[0].data[index];
          return chart.convertToPixel({seriesIndex: 0}, [index, value / 2]);
        }"""
    )
    chart.click(position={"x": x, "y": y})
    expect(page).to_have_url(re.compile(r"/supervision/cases\?state=submitted$"))
    expect(page.locator("#drill-results")).to_contain_text(number)

    page.evaluate("window.stillTheSamePage = true")
    page.select_option("#f-status", "overdue")
    expect(page).to_have_url(re.compile(r"status=overdue"))
    expect(page.locator("#drill-results")).to_contain_text("没有符合条件的办件")
    assert page.evaluate("window.stillTheSamePage === true")
