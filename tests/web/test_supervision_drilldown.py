"""Supervision figures on a known set of cases, and the drill-down behind each figure:
a figure counts exactly the cases its list shows."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tests.factories import act, open_task, submitted
from tests.web.support import SignedIn, check_structure
from tongban.supervision import daily, drilldown

RADIATION = "3501-WJW-002"  # WJW; promised 3 working days: accept 0, review 2, decide 1, issue 0
UNEMPLOYMENT = "3501-RS-003"  # RS
MONDAY = datetime(2025, 9, 29, 2, 0, tzinfo=UTC)  # 10:00 in Fuzhou, a week after the start
TZ = ZoneInfo("Asia/Shanghai")


@dataclass
class Known:
    """Received Monday 2025-09-22 unless said otherwise; the dashboard is read a week later."""

    on_time: str  # decided the same day
    late: str  # accepted at once, decided a week later: past its promised 3 working days
    overdue: str  # never accepted: the acceptance stage (same day) is long past
    correcting: str  # sent back for correction at once: paused, so not overdue
    due_soon: str  # received Monday 2025-09-29: to be accepted by the end of the day
    other_item: str  # another item and department, received 2025-09-29


def _finish(
    client: TestClient, wjw: tuple[dict[str, str], dict[str, str]], number: str, *stages: str
) -> None:
    """Acts as WJW's staff (``wjw``: its reviewer, and its approver for the decision)."""
    actions = {"accept": {}, "review": {"outcome": "approved"}, "decide": {}, "issue": {}}
    names = {"decide": "approve"}
    for stage in stages:
        staff = wjw[1] if stage == "decide" else wjw[0]
        task = open_task(client, staff, number, stage)
        body = {"opinion": "同意", **actions[stage]}
        response = act(client, staff, task, names.get(stage, stage), **body)
        assert response.status_code == 200, response.text


@pytest.fixture
def known(client: TestClient, as_user: Any, clock: Clock, db: Session) -> Known:
    wjw = as_user("wjw")
    numbers = [submitted(client, as_user("zhangsan"), RADIATION)["number"] for _ in range(4)]
    on_time, late, overdue, correcting = numbers
    clock.advance(hours=1)
    both = (wjw, as_user("wjw-hz"))
    _finish(client, both, on_time, "accept", "review", "decide", "issue")
    _finish(client, both, late, "accept")
    task = open_task(client, wjw, correcting, "accept")
    problems = [{"target": "phone", "problem": "号码有误"}]
    assert act(client, wjw, task, "correction", problems=problems).status_code == 201
    clock.now = MONDAY
    _finish(client, both, late, "review", "decide", "issue")
    due_soon = submitted(client, as_user("lisi"), RADIATION)["number"]
    other = submitted(client, as_user("lisi"), UNEMPLOYMENT)["number"]
    # the worker's refresh wrote the daily rows of the days before (supervision.tasks)
    daily.compute_days(db, first=date(2025, 9, 22), last=date(2025, 9, 27), tz=TZ, now=MONDAY)
    db.commit()
    return Known(on_time, late, overdue, correcting, due_soon, other)


def listed(page: str) -> list[str]:
    """Case numbers in the drill-down's table, in order."""
    return re.findall(r'<td><a href="/cases/(\d+)">', page)


def total(page: str) -> int:
    found = re.search(r"共 (\d+) 件", page)
    assert found, "no total on the page"
    return int(found.group(1))


def section(page: str, title_id: str) -> str:
    return page.split(f'id="{title_id}"')[1].split("</section>")[0]


def figure_links(part: str) -> list[tuple[str, int]]:
    """(drill-down address, number shown) of every figure in a part of the dashboard."""
    found = re.findall(
        r'<a href="(/supervision/cases[^"]*)"(?: class="badge \w+")?>(\d+)</a>', part
    )
    return [(html.unescape(url), int(n)) for url, n in found]


def row(part: str, label: str) -> list[tuple[str, int]]:
    """The linked figures of the table row whose header contains ``label``."""
    for line in part.split("<tr>"):
        if label in line:
            return figure_links(line)
    raise AssertionError(f"no row for {label}")


def test_figures_count_the_known_cases(known: Known, signed_in: SignedIn) -> None:
    page = signed_in("supervisor").get("/supervision").text
    check_structure(page)
    assert "2025-08-31 至 2025-09-29" in page  # the last 30 days, today included
    overall = [n for _url, n in figure_links(section(page, "total-title"))]
    # received 6, finished 2, late 1, open 4, due soon 2 (acceptances due tonight), overdue 1
    assert overall == [6, 2, 1, 4, 2, 1] and "50.0%" in section(page, "total-title")

    departments = section(page, "dept-title")
    # WJW: open 3 (correction included), due soon 1, overdue 1, finished 2, late 1 (the review)
    assert [n for _u, n in row(departments, "福州市卫生健康委员会")] == [3, 1, 1, 2, 1]
    assert "50.0%" in departments

    items = section(page, "items-title")
    radiation = row(items, RADIATION)
    assert [n for _u, n in radiation] == [5, 2, 1, 3, 1]  # received, finished, late, open, overdue
    assert "3 个工作日" in items  # acceptance to decision: 0 and 6 working days
    assert [n for _u, n in row(items, UNEMPLOYMENT)] == [1, 1]  # received, open

    stages = section(page, "stages-title")
    # Two review tasks: the on-time one within the hour (0), the late one 9/23–9/26 and
    # 9/28 (a make-up Sunday), 9/29: 6 working days of 8 office hours; mean 24, p90 48.
    assert re.search(r"审查</a></th>\s*<td>2</td><td>24.0</td><td>48</td>", stages)


def test_each_figure_lists_exactly_the_cases_it_counts(known: Known, signed_in: SignedIn) -> None:
    client = signed_in("supervisor")
    page = client.get("/supervision").text
    links = figure_links(page)
    assert len(links) > 20
    for url, shown in links:
        drilled = client.get(url)
        assert drilled.status_code == 200, url
        assert total(drilled.text) == shown == len(listed(drilled.text)), url

    def numbers(**params: str) -> set[str]:
        return set(listed(client.get("/supervision/cases", params=params).text))

    assert numbers(status="overdue") == {known.overdue}
    assert numbers(status="due_soon") == {known.due_soon, known.other_item}
    assert numbers(status="late", done_from="2025-09-01") == {known.late}
    assert numbers(status="finished") == {known.on_time, known.late}
    assert numbers(status="open", department="RS") == {known.other_item}
    assert numbers(item=RADIATION, status="open") == {
        known.overdue,
        known.correcting,
        known.due_soon,
    }
    assert numbers(state="correction_requested") == {known.correcting}
    assert numbers(received_from="2025-09-29") == {known.due_soon, known.other_item}
    assert numbers(received_to="2025-09-28", status="open") == {known.overdue, known.correcting}
    assert numbers(status="late", done_to="2025-09-28") == set()  # decided on the 29th
    assert numbers(stage="review", done_from="2025-09-29") == {known.late}
    assert numbers(done_from="2025-09-22") == {known.on_time, known.late}  # decided then


def test_the_list_is_ordered_by_time_left_and_shows_whose_it_is(
    known: Known, signed_in: SignedIn
) -> None:
    page = signed_in("supervisor").get("/supervision/cases").text
    check_structure(page)
    order = listed(page)
    assert set(order[:2]) == {known.overdue, known.correcting}  # both due on 9/22
    assert set(order[-2:]) == {known.on_time, known.late}  # finished: no time left
    overdue_row = page.split(f'href="/cases/{known.overdue}"')[1].split("</tr>")[0]
    assert "福州市卫生健康委员会 · 受理" in overdue_row and "张三" in overdue_row
    assert 'class="badge red"' in overdue_row and "已超期" in overdue_row
    correcting_row = page.split(f'href="/cases/{known.correcting}"')[1].split("</tr>")[0]
    assert "申请人补正中" in correcting_row and "暂停计时" in correcting_row


def test_pages_of_the_list(
    known: Known, signed_in: SignedIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(drilldown, "PAGE_SIZE", 2)
    client = signed_in("supervisor")
    first = client.get("/supervision/cases", params={"item": RADIATION}).text
    assert total(first) == 5 and "第 1 / 3 页" in first
    assert 'rel="next"' in first and 'rel="prev"' not in first
    seen = listed(first)
    following = re.search(r'href="([^"]+)" rel="next"', first)
    while following:
        page = client.get(html.unescape(following.group(1))).text
        seen += listed(page)
        following = re.search(r'href="([^"]+)" rel="next"', page)
    assert 'rel="prev"' in page and "第 3 / 3 页" in page
    assert len(seen) == len(set(seen)) == 5
    past_the_end = client.get("/supervision/cases", params={"item": RADIATION, "page": "99"})
    assert "第 3 / 3 页" in past_the_end.text


def test_filtering_with_htmx_swaps_only_the_table(known: Known, signed_in: SignedIn) -> None:
    client = signed_in("supervisor")
    page = client.get("/supervision/cases", params={"status": "overdue"}).text
    form = page.split('<form class="card"')[1].split("</form>")[0]
    assert 'hx-get="/supervision/cases"' in form and 'hx-target="#drill-results"' in form
    assert 'hx-push-url="true"' in form and 'method="get"' in form
    assert '<option value="overdue" selected>' in form
    fragment = client.get(
        "/supervision/cases", params={"status": "overdue"}, headers={"HX-Request": "true"}
    )
    assert "<html" not in fragment.text and "<form" not in fragment.text
    assert listed(fragment.text) == [known.overdue]
    assert fragment.headers["vary"] == "HX-Request"
    nonsense = client.get("/supervision/cases", params={"status": "x", "received_from": "1.1."})
    assert total(nonsense.text) == 6  # malformed values are ignored


def test_a_supervisor_opens_any_case_from_the_list(known: Known, signed_in: SignedIn) -> None:
    client = signed_in("supervisor")
    for number in (known.overdue, known.other_item):
        page = client.get(f"/cases/{number}")
        assert page.status_code == 200 and number in page.text


def test_codes_in_the_filter_are_read_however_they_are_typed() -> None:
    from zoneinfo import ZoneInfo

    from tongban.supervision.links import Query

    query = Query.parse({"item": " ３５０１-wjw-００２ ", "department": "ｗｊｗ"}, ZoneInfo("UTC"))

    assert (query.where.item, query.where.department) == ("3501-WJW-002", "WJW")
