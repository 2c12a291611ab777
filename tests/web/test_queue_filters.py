"""The staff queue narrowed by case number, applicant name, item title or stage."""

from __future__ import annotations

import re

from tests.factories import submitted
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
