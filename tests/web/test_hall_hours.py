"""A hall's opening hours (halls.yaml ``hours``) where an applicant chooses a hall: the
list of halls and a hall's booking page say when it is open, in Chinese and in English;
its kiosk gives a ticket only then, so not in the lunch break. Before: no page said when
a hall opens, and the kiosk gave tickets from the first slot to the end of the last, the
lunch break included."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.conftest import Clock
from tests.web.support import csrf

FUZHOU = "FZ-XZFW"  # 09:00–12:00 and 14:00–17:00 on working days
GULOU = "GL-ZWFW"  # 08:30–12:00 and 14:30–17:30
ITEM = "3501-RS-003"  # 失业登记, taken by a 综合窗口 of both halls


def test_the_halls_and_the_booking_page_say_when_each_hall_is_open(client: TestClient) -> None:
    halls = client.get("/halls").text
    assert "开放时间：工作日 09:00–12:00、14:00–17:00" in halls
    assert "开放时间：工作日 08:30–12:00、14:30–17:30" in halls
    assert "周末和法定节假日休息，调休上班日照常开放" in halls
    booking = client.get(f"/halls/{GULOU}").text
    assert "开放时间：工作日 08:30–12:00、14:30–17:30" in booking


def test_the_opening_hours_in_english(client: TestClient) -> None:
    halls = client.get("/halls?lang=en").text
    assert "Opening hours: working days 09:00–12:00, 14:00–17:00" in halls
    assert "closed at weekends and on public holidays" in halls
    booking = client.get(f"/halls/{FUZHOU}?lang=en").text
    assert "Opening hours: working days 09:00–12:00, 14:00–17:00" in booking


def test_the_kiosk_gives_no_ticket_in_the_lunch_break(
    signed_in: Callable[[str], TestClient], clock: Clock
) -> None:
    kiosk = signed_in("zhangsan")
    clock.advance(hours=3, minutes=30)  # Monday 12:30 in Fuzhou
    form = kiosk.get(f"/halls/{FUZHOU}/kiosk")
    taken = kiosk.post(
        f"/halls/{FUZHOU}/kiosk/take", data={"item": ITEM, "csrf_token": csrf(form.text)}
    )
    assert taken.status_code == 422
    assert "大厅取号时间为工作日 09:00–12:00、14:00–17:00" in taken.text
    clock.advance(hours=1, minutes=30)  # 14:00: the hall opens again
    taken = kiosk.post(
        f"/halls/{FUZHOU}/kiosk/take", data={"item": ITEM, "csrf_token": csrf(form.text)}
    )
    assert taken.status_code == 200 and "A001" in taken.text
