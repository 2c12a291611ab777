"""A booking shows the time booked and the item (trial15): on 我的预约 and in the API."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.web.support import csrf

HALL = "GL-ZWFW"
ITEM = "3501-RS-003"  # 失业登记
MONDAY = "2025-09-22"  # the test clock starts on it at 09:00 in Fuzhou


def test_my_tickets_show_the_booked_time_and_the_item(
    signed_in: Callable[[str], TestClient], as_user: Callable[[str], dict[str, str]]
) -> None:
    person = signed_in("lisi")
    page = person.get(f"/halls/{HALL}", params={"item": ITEM, "day": MONDAY})
    data = {"item": ITEM, "day": MONDAY, "starts": "11:00", "csrf_token": csrf(page.text)}
    listed = person.post(f"/halls/{HALL}/book", data=data)
    assert listed.status_code == 200, listed.text
    assert '<td data-label="预约时间">11:00</td>' in listed.text
    assert '<td data-label="事项">失业登记</td>' in listed.text
    english = person.get("/my/tickets", params={"lang": "en"}).text
    assert '<td data-label="Booked time">11:00</td>' in english
    assert '<td data-label="Service">Unemployment registration</td>' in english
    [ticket] = person.get("/api/v1/me/tickets", headers=as_user("lisi")).json()
    assert ticket["slot_starts"] == "11:00" and ticket["item_name"] == "失业登记"
    anyone = TestClient(person.app)
    taken = anyone.post(f"/api/v1/halls/{HALL}/tickets", json={"item_code": ITEM})
    assert taken.status_code == 201 and taken.json()["slot_starts"] is None
