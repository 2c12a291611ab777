"""English pages name halls, their addresses and items as the catalog does in English
(``name_en``, ``address_en``), not in Chinese: the hall list, a hall's booking page, the
kiosk, the call display, the bookings list and the item of a progress lookup."""

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
    for path in (f"/halls/{HALL}", f"/halls/{HALL}/kiosk"):
        assert re.search(f'value="{ITEM}"[^>]*>{ITEM_EN}</option>', reader.get(path).text), path


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
