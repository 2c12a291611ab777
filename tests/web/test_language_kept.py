"""A page read with ``?lang=en`` stays English through its forms: a post answers in
English (a page, or the page it redirects to), and a search form keeps the language."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.web.support import csrf

HALL = "GL-ZWFW"
ITEM = "3501-RS-003"
ENGLISH = '<html lang="en"'


def test_a_post_from_an_english_page_answers_in_english(client: TestClient) -> None:
    url = f"/halls/{HALL}/kiosk?lang=en"
    form = client.get(url)
    assert ENGLISH in form.text
    taken = client.post(
        f"/halls/{HALL}/kiosk/take",
        data={"item": ITEM, "csrf_token": csrf(form.text)},
        headers={"referer": f"http://testserver{url}"},
    )
    assert taken.status_code == 200 and "A001" in taken.text
    assert ENGLISH in taken.text


def test_the_page_a_post_redirects_to_is_english_too(
    signed_in: Callable[[str], TestClient],
) -> None:
    clerk = signed_in("clerk")
    url = f"/staff/queue?at={HALL}/01&lang=en"
    calling = clerk.get(url)
    answer = clerk.post(
        "/staff/queue/call",
        data={"at": f"{HALL}/01", "csrf_token": csrf(calling.text)},
        headers={"referer": f"http://testserver{url}"},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and "lang=en" in answer.headers["location"]
    assert ENGLISH in clerk.get(answer.headers["location"]).text


def test_a_chinese_page_and_the_language_switch_are_left_alone(
    signed_in: Callable[[str], TestClient],
) -> None:
    clerk = signed_in("clerk")
    calling = clerk.get(f"/staff/queue?at={HALL}/01")
    answer = clerk.post(
        "/staff/queue/call",
        data={"at": f"{HALL}/01", "csrf_token": csrf(calling.text)},
        headers={"referer": f"http://testserver/staff/queue?at={HALL}/01"},
        follow_redirects=False,
    )
    assert "lang=" not in answer.headers["location"]
    switched = clerk.get(
        "/lang/zh_Hans",
        headers={"referer": "http://testserver/staff/queue?lang=en"},
        follow_redirects=False,
    )
    assert "lang=" not in switched.headers["location"]  # the cookie decides from here


def test_a_search_form_on_an_english_page_keeps_the_language(client: TestClient) -> None:
    page = client.get(f"/halls/{HALL}", params={"lang": "en"}).text
    form = page[page.index(f'action="/halls/{HALL}"') :]
    assert '<input type="hidden" name="lang" value="en">' in form[: form.index("</form>")]
    chinese = client.get(f"/halls/{HALL}").text
    assert 'name="lang"' not in chinese
