"""English pages name halls, their addresses and items as the catalog does in English
(``name_en``, ``address_en``), not in Chinese: the hall list, a hall's booking page, the
kiosk, the call display, the bookings list and the item of a progress lookup; windows
by their English names (with their codes) on the display and the bookings list; a case by its item's English name wherever cases are listed."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.factories import submitted
from tests.web.support import ITEM, csrf

HALL = "GL-ZWFW"
HALL_EN = "Gulou District Government Service Center"
ITEM_EN = "Unemployment registration"  # 3501-RS-003's name_en


def _english(client: TestClient) -> TestClient:
    reader = TestClient(client.app)
    reader.cookies.set("tongban_lang", "en")
    return reader


def test_hall_pages_in_english_name_the_hall_its_address_and_items_in_english(
    client: TestClient,
) -> None:
    reader = _english(client)
    halls = reader.get("/halls").text
    assert HALL_EN in halls and "1 Yangqiao Middle Road" in halls
    assert "鼓楼区政务服务中心" not in halls and "杨桥中路" not in halls
    for path in (f"/halls/{HALL}", f"/halls/{HALL}/kiosk", f"/halls/{HALL}/display"):
        page = reader.get(path)
        assert page.status_code == 200, path
        assert HALL_EN in page.text and "鼓楼区政务服务中心" not in page.text, path
    booking = reader.get(f"/halls/{HALL}").text
    assert re.search(f'value="{ITEM}"[^>]*>{ITEM_EN}</option>', booking)
    kiosk = reader.get(f"/halls/{HALL}/kiosk", params={"department": "RS"}).text
    assert f'value="{ITEM}">{ITEM_EN}</button>' in kiosk


def test_a_progress_lookup_in_english_names_the_item_in_english(
    client: TestClient, as_user: Callable[[str], dict[str, str]]
) -> None:
    case = submitted(client, as_user("zhangsan"), ITEM)
    reader = _english(client)
    form = reader.get("/progress")
    shown = reader.post(
        "/progress",
        data={"number": case["number"], "factor": "180310", "csrf_token": csrf(form.text)},
    )
    assert shown.status_code == 200
    assert f"<dd>{ITEM_EN}</dd>" in shown.text and "失业登记" not in shown.text


def test_english_pages_name_windows_in_english(
    signed_in: Callable[[str], TestClient],
) -> None:
    clerk = signed_in("clerk")
    clerk.cookies.set("tongban_lang", "en")
    calling = clerk.get("/staff/queue", params={"at": f"{HALL}/01"})
    assert f"{HALL_EN} · 01 · General Intake Window 1</option>" in calling.text
    assert "综合受理窗口" not in calling.text
    kiosk = TestClient(clerk.app)
    form = kiosk.get(f"/halls/{HALL}/kiosk")
    kiosk.post(f"/halls/{HALL}/kiosk/take", data={"item": ITEM, "csrf_token": csrf(form.text)})
    clerk.post("/staff/queue/call", data={"at": f"{HALL}/01", "csrf_token": csrf(calling.text)})
    display = _english(clerk).get(f"/halls/{HALL}/display").text
    assert "A001</strong> → General Intake Window 1 (no. 01)" in display
    assert "综合受理窗口" not in display


def test_my_tickets_in_english_send_the_person_to_the_windows_english_name(
    signed_in: Callable[[str], TestClient], as_user: Callable[[str], dict[str, str]]
) -> None:
    """Not "go to window 01": the window by the name on its sign, with its code."""
    person = signed_in("zhangsan")
    taken = person.post(
        f"/api/v1/halls/{HALL}/tickets", json={"item_code": ITEM}, headers=as_user("zhangsan")
    )
    assert taken.status_code == 201, taken.text
    called = person.post(f"/api/v1/halls/{HALL}/windows/02/call-next", headers=as_user("clerk"))
    assert called.json()["window_name_en"] == "General Intake Window 2"
    person.cookies.set("tongban_lang", "en")
    mine = person.get("/my/tickets").text
    assert "go to General Intake Window 2 (no. 02)" in mine and "综合受理窗口" not in mine


def test_english_pages_list_a_case_by_its_items_english_name(
    client: TestClient,
    as_user: Callable[[str], dict[str, str]],
    signed_in: Callable[[str], TestClient],
) -> None:
    case = submitted(client, as_user("zhangsan"), ITEM)
    person = signed_in("zhangsan")
    person.cookies.set("tongban_lang", "en")
    for page in (person.get("/my/cases").text, person.get(f"/cases/{case['number']}").text):
        assert ITEM_EN in page and "失业登记" not in page
    person.cookies.set("tongban_lang", "zh_Hans")
    assert "失业登记" in person.get("/my/cases").text  # Chinese pages keep the title
    clerk = signed_in("rs")  # 人社's clerk: the item's acceptance is in their queue
    clerk.cookies.set("tongban_lang", "en")
    queue = clerk.get("/staff").text
    assert case["number"] in queue and f"<td>{ITEM_EN}" in queue and "失业登记" not in queue
