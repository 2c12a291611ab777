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


def test_the_kiosk_says_todays_hours_and_whether_the_hall_is_open_now(
    client: TestClient, clock: Clock
) -> None:
    """Before: the kiosk said nothing of when its hall is open, and a ticket refused in the
    lunch break was the first a person heard of it."""
    morning = client.get(f"/halls/{FUZHOU}/kiosk").text  # Monday 09:00 in Fuzhou
    assert "今天开放时间：09:00–12:00、14:00–17:00" in morning
    assert "现在正在开放" in morning
    clock.advance(hours=3, minutes=30)  # 12:30: the lunch break
    lunch = client.get(f"/halls/{FUZHOU}/kiosk").text
    assert "今天开放时间：09:00–12:00、14:00–17:00" in lunch
    assert "现在不在开放时间" in lunch and "现在正在开放" not in lunch
    english = client.get(f"/halls/{GULOU}/kiosk?lang=en").text
    assert "Open today: 08:30–12:00, 14:30–17:30" in english and "closed now" in english


def test_the_kiosk_says_the_hall_is_closed_on_a_rest_day(client: TestClient, clock: Clock) -> None:
    clock.advance(days=5)  # Saturday
    saturday = client.get(f"/halls/{FUZHOU}/kiosk").text
    assert "今天休息（周末和法定节假日休息，调休上班日照常开放）" in saturday
    assert "今天开放时间" not in saturday and "现在正在开放" not in saturday
    english = client.get(f"/halls/{FUZHOU}/kiosk?lang=en").text
    assert "Closed today" in english
