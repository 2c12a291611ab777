"""Check-in codes cannot be walked (trial15): a network address gets a few codes that
match no booking a minute, through the API and the kiosk page alike; a hall's registered
terminal is counted on its own."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tests.web.support import csrf, found
from tongban.audit.service import Actor
from tongban.queueing import service

HALL = "GL-ZWFW"
ITEM = "3501-RS-003"
MONDAY = "2025-09-22"  # the test clock starts on it at 09:00 in Fuzhou
CHECK_IN = f"/api/v1/halls/{HALL}/check-in"


def _book(signed_in: Callable[[str], TestClient]) -> str:
    """lisi's 10:00 booking on Monday; its check-in code."""
    person = signed_in("lisi")
    page = person.get(f"/halls/{HALL}", params={"item": ITEM, "day": MONDAY})
    data = {"item": ITEM, "day": MONDAY, "starts": "10:00", "csrf_token": csrf(page.text)}
    booked = person.post(f"/halls/{HALL}/book", data=data)
    return found(r"<td data-label=\"签到码\">(\d{6})</td>", booked.text)


def test_guessing_check_in_codes_is_slowed_down_per_address(
    client: TestClient, signed_in: Callable[[str], TestClient], clock: Clock
) -> None:
    code = _book(signed_in)
    client.cookies.clear()
    clock.advance(minutes=30)  # 09:30: check-in of the 10:00 slot is open
    for guess in ("100000", "100001", "100002"):  # check_in_misses_per_source_per_minute: 3
        assert client.post(CHECK_IN, json={"code": guess}).status_code == 404
    slowed = client.post(CHECK_IN, json={"code": code})
    assert slowed.status_code == 429 and int(slowed.headers["Retry-After"]) >= 1
    assert "1 分钟后再试" in slowed.json()["error"]["message"]
    form = client.get(f"/halls/{HALL}/kiosk")  # the kiosk page counts the same misses
    page = client.post(
        f"/halls/{HALL}/kiosk/check-in", data={"code": code, "csrf_token": csrf(form.text)}
    )
    assert page.status_code == 429 and "签到码输错次数过多" in page.text
    clock.advance(minutes=1)
    checked = client.post(CHECK_IN, json={"code": code})
    assert checked.status_code == 200 and checked.json()["state"] == "waiting"


def test_a_registered_terminal_is_not_slowed_by_misses_from_its_address(
    client: TestClient, signed_in: Callable[[str], TestClient], clock: Clock, db: Session
) -> None:
    code = _book(signed_in)
    client.cookies.clear()
    clock.advance(minutes=30)
    for guess in ("100000", "100001", "100002"):  # a phone on the hall's network
        assert client.post(CHECK_IN, json={"code": guess}).status_code == 404
    _, token = service.register_terminal(
        db, hall_code=HALL, name="一楼东侧", now=clock.now, actor=Actor(id=None, name="运维命令")
    )
    db.commit()
    client.cookies.set("tongban_kiosk_terminal", token)
    form = client.get(f"/halls/{HALL}/kiosk")
    checked = client.post(
        f"/halls/{HALL}/kiosk/check-in", data={"code": code, "csrf_token": csrf(form.text)}
    )
    assert checked.status_code == 200 and "Y001" in checked.text
