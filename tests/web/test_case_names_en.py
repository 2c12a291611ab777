"""English pages name a case by its item's English name (``name_en``) in the lists that
showed the Chinese title: the assistant's answer about one's own cases, the department's
ratings, the workbench's threads waiting for an answer, and a 常用语 filled in English."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import submitted
from tests.ratings.conftest import Finish, finish
from tests.web.support import ITEM, SignedIn, csrf

__all__ = ["finish"]  # the ratings' fixture: a completed case of zhangsan's

ITEM_ZH, ITEM_EN = "失业登记", "Unemployment registration"  # 3501-RS-003


def _english(client: TestClient) -> TestClient:
    client.cookies.set("tongban_lang", "en")
    return client


def test_the_assistant_lists_ones_own_cases_by_their_english_names(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    number = submitted(client, as_user("zhangsan"), ITEM)["number"]
    person = _english(signed_in("zhangsan"))
    token = csrf(person.get("/").text)
    answer = person.post("/ask", data={"q": "我的失业登记办到哪了", "csrf_token": token})
    assert answer.status_code == 200, answer.text
    assert f'<a href="/cases/{number}">{ITEM_EN}</a>' in answer.text


def test_the_ratings_list_names_the_case_in_english(finish: Finish, signed_in: SignedIn) -> None:
    number = finish()
    person = signed_in("zhangsan")
    token = csrf(person.get(f"/cases/{number}").text)
    rated = person.post(
        f"/cases/{number}/rating", data={"csrf_token": token, "score": "1", "comment": "跑了三次"}
    )
    assert rated.status_code == 200, rated.text
    staff = _english(signed_in("rs"))
    listing = staff.get("/staff/ratings").text
    assert f'<a href="/cases/{number}">{number}</a> {ITEM_EN}' in listing
    assert ITEM_ZH not in listing


def test_threads_waiting_and_phrases_name_the_case_and_department_in_english(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    number = submitted(client, as_user("zhangsan"), ITEM)["number"]
    person = signed_in("zhangsan")
    url = f"/cases/{number}/messages/RS"
    sent = person.post(
        url, data={"csrf_token": csrf(person.get(url).text), "body": "请问还要什么？"}
    )
    assert sent.status_code == 200, sent.text
    staff = _english(signed_in("rs"))
    workbench = staff.get("/staff").text
    waiting = workbench[workbench.index('id="waiting-messages-title"') :]
    assert f"</a> {ITEM_EN}" in waiting and ITEM_ZH not in waiting
    filled = staff.get(url, params={"phrase": "received"}).text
    assert f"your case {number} ({ITEM_EN})" in filled and ITEM_ZH not in filled
