"""The staff queue narrowed by case number, applicant name, item title, stage, urgency
or item; with htmx a filter change swaps only the table.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from tests.conftest import Clock
from tests.factories import API, act, open_task, submitted
from tests.web.support import SignedIn, check_structure

CODE = "3501-WJW-002"


def numbers(html: str) -> set[str]:
    return set(re.findall(r'href="/staff/tasks/\d+">(\d+)</a>', html))


def test_filters_narrow_the_rows(signed_in: SignedIn, as_user) -> None:  # type: ignore[no-untyped-def]
    client = signed_in("wjw")
    mine = submitted(client, as_user("zhangsan"), CODE)["number"]
    theirs = submitted(client, as_user("lisi"), CODE)["number"]
    everything = client.get("/staff").text
    check_structure(everything)
    assert {mine, theirs} <= numbers(everything)
    assert '<label for="queue-q">' in everything and '<label for="queue-stage">' in everything

    by_number = client.get("/staff", params={"q": mine}).text
    assert numbers(by_number) == {mine} and 'value="' + mine + '"' in by_number
    by_name = client.get("/staff", params={"q": "李四"}).text
    assert numbers(by_name) == {theirs}
    by_title = numbers(client.get("/staff", params={"q": "放射工作人员"}).text)
    assert {mine, theirs} <= by_title

    accepting = client.get("/staff", params={"stage": "accept"}).text
    assert {mine, theirs} <= numbers(accepting)
    assert '<option value="accept" selected>' in accepting
    reviewing = client.get("/staff", params={"stage": "review", "q": mine}).text
    assert numbers(reviewing) == set() and "没有符合筛选条件的任务" in reviewing
    assert numbers(client.get("/staff", params={"stage": "nonsense"}).text) >= {mine, theirs}


def test_text_with_wildcards_is_taken_literally(signed_in: SignedIn, as_user) -> None:  # type: ignore[no-untyped-def]
    client = signed_in("wjw")
    submitted(client, as_user("zhangsan"), CODE)
    assert numbers(client.get("/staff", params={"q": "%"}).text) == set()
    assert numbers(client.get("/staff", params={"q": "_"}).text) == set()


def _two_cases(signed_in: SignedIn, as_user, clock: Clock) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """An overdue 放射工作人员证 case, and a 医师执业注册 case received two days later."""
    client = signed_in("wjw")
    late = submitted(client, as_user("zhangsan"), CODE)["number"]
    clock.advance(days=2)
    fresh = submitted(client, as_user("lisi"), "3501-WJW-004")["number"]
    return late, fresh


def test_urgency_and_item_narrow_the_rows(signed_in: SignedIn, as_user, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    late, fresh = _two_cases(signed_in, as_user, clock)
    client = signed_in("wjw")
    page = client.get("/staff").text
    assert '<label for="queue-urgency">' in page and '<label for="queue-item">' in page
    assert '<option value="3501-WJW-004">医师执业注册</option>' in page

    overdue = client.get("/staff", params={"urgency": "red"}).text
    assert late in numbers(overdue) and fresh not in numbers(overdue)
    assert '<option value="red" selected>' in overdue and "清除筛选" in overdue
    assert fresh in numbers(client.get("/staff", params={"urgency": "yellow"}).text)
    on_time = client.get("/staff", params={"urgency": "green"}).text
    assert numbers(on_time) == set() and "没有符合筛选条件的任务" in on_time

    doctors = client.get("/staff", params={"item": "3501-WJW-004"}).text
    assert fresh in numbers(doctors) and late not in numbers(doctors)
    assert '<option value="3501-WJW-004" selected>' in doctors
    both = client.get("/staff", params={"item": "3501-WJW-004", "urgency": "red"}).text
    assert numbers(both) == set()
    assert numbers(client.get("/staff", params={"urgency": "purple"}).text) >= {late, fresh}


def test_htmx_gets_only_the_table(signed_in: SignedIn, as_user, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    late, fresh = _two_cases(signed_in, as_user, clock)
    client = signed_in("wjw")
    params = {"item": CODE}

    fragment = client.get("/staff", params=params, headers={"HX-Request": "true"})
    page = client.get("/staff", params=params)

    assert "<html" not in fragment.text and "<form" not in fragment.text
    assert late in numbers(fragment.text) and fresh not in numbers(fragment.text)
    assert "筛选出 1 项任务" in fragment.text and 'href="/staff">' in fragment.text
    check_structure(fragment.text)
    assert "<html" in page.text and '<form method="get" action="/staff"' in page.text
    assert numbers(page.text) == numbers(fragment.text)
    assert "HX-Request" in fragment.headers["vary"] and "HX-Request" in page.headers["vary"]


def test_the_filter_form_works_without_javascript_and_swaps_the_table_with_it(
    signed_in: SignedIn,
) -> None:
    html = signed_in("wjw").get("/staff").text
    start = html.index('<form method="get" action="/staff"')
    form = html[start : html.index("</form>", start)]

    assert 'hx-get="/staff"' in form and 'hx-target="#queue-results"' in form
    assert 'hx-push-url="true"' in form and '<button type="submit">' in form
    assert '<div id="queue-results" aria-live="polite">' in html


def test_text_and_item_typed_full_width_or_in_lower_case_filter_alike(
    signed_in: SignedIn,
    as_user,  # type: ignore[no-untyped-def]
    clock: Clock,
) -> None:
    late, fresh = _two_cases(signed_in, as_user, clock)
    client = signed_in("wjw")
    wide = str.maketrans("0123456789", "０１２３４５６７８９")

    assert numbers(client.get("/staff", params={"q": f" {late.translate(wide)} "}).text) == {late}
    doctors = client.get("/staff", params={"item": "３５０１-wjw-００４"}).text
    assert numbers(doctors) == {fresh}


def test_a_paused_case_keeps_its_colour_and_place(
    signed_in: SignedIn, as_user, clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    """Three weeks into an expert review (art. 45), the paused case is not red: it still has
    the working days it had when the pause began, and is listed after a case with fewer."""
    clock.now = datetime(2025, 11, 3, 1, 0, tzinfo=UTC)  # Monday 09:00 in Fuzhou
    client = signed_in("wjw")
    paused = submitted(client, as_user("zhangsan"), CODE)["number"]
    accept = open_task(client, as_user("wjw"), paused, "accept")
    assert act(client, as_user("wjw"), accept, "accept", opinion="受理").status_code == 200
    body = {"reason": "expert_review", "note": "组织专家评审", "until": "2030-12-31"}
    assert client.post(f"{API}/cases/{paused}/pause", json=body, headers=as_user("wjw")).is_success
    clock.advance(days=21)
    running = submitted(client, as_user("lisi"), CODE)["number"]  # to accept by tonight
    red = numbers(client.get("/staff", params={"urgency": "red"}).text)
    assert paused not in red
    page = client.get("/staff").text
    assert paused in numbers(page)
    assert page.index(f">{running}</a>") < page.index(f">{paused}</a>")
    task = page.split(f">{paused}</a>")[0].rsplit("<tr>", 1)[1]
    assert 'class="badge red"' not in task
    row = page.split(f">{paused}</a>")[1].split("</tr>")[0]
    due = re.findall(r"\d{4}-\d{2}-\d{2}", row)[-1]  # as if the clock resumed today
    assert due >= clock.now.date().isoformat()
    # the case page's progress table says the same of the open review task
    case_page = client.get(f"/cases/{paused}").text
    assert due in case_page.split('id="timeline-title"')[1] and "暂停计时" in case_page
