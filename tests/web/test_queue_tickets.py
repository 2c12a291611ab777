"""Queue tickets from the pages and the API: book, see the code, check in at the kiosk,
take a ticket there, be called from the window, see the call on the hall display."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tests.web.support import csrf, found
from tongban.audit.models import AuditEntry
from tongban.audit.service import Actor
from tongban.errors import TooManyAttempts
from tongban.queueing import service
from tongban.web.runtime import Runtime

HALL = "GL-ZWFW"
ITEM = "3501-RS-003"
MONDAY = "2025-09-22"  # the test clock starts on it at 09:00 in Fuzhou
OPERATOR = Actor(id=None, name="运维命令")


def test_book_then_check_in_at_the_kiosk_then_be_called(
    signed_in: Callable[[str], TestClient], clock: Clock
) -> None:
    person = signed_in("zhangsan")
    page = person.get(f"/halls/{HALL}", params={"item": ITEM, "day": MONDAY})
    assert page.status_code == 200 and "10:00" in page.text and "已过" in page.text  # 09:00
    assert ">预约</button>" in page.text and "登录后预约" not in page.text  # signed in
    booked = person.post(
        f"/halls/{HALL}/book",
        data={"item": ITEM, "day": MONDAY, "starts": "10:00", "csrf_token": csrf(page.text)},
    )
    assert booked.status_code == 200 and "Y001" in booked.text
    code = found(r"<td data-label=\"签到码\">(\d{6})</td>", booked.text)

    clock.advance(minutes=30)  # 09:30: check-in opens an hour before the slot
    kiosk = TestClient(person.app)
    form = kiosk.get(f"/halls/{HALL}/kiosk")
    checked = kiosk.post(
        f"/halls/{HALL}/kiosk/check-in", data={"code": code, "csrf_token": csrf(form.text)}
    )
    assert checked.status_code == 200 and "Y001" in checked.text
    assert "预约时段 10:00 起叫号" in checked.text  # held until its slot

    clock.advance(minutes=31)  # 10:01: the slot began, its ticket is in the queue
    clerk = signed_in("clerk")  # the same client, now signed in as the clerk
    calling = clerk.get("/staff/queue", params={"at": f"{HALL}/01"})
    called = clerk.post(
        "/staff/queue/call", data={"at": f"{HALL}/01", "csrf_token": csrf(calling.text)}
    )
    assert "正在办理" in called.text and "Y001" in called.text
    assert "失业登记" in called.text  # the item served, by name (it showed its code)
    assert "鼓楼区政务服务中心 · 01 · 综合受理窗口 1</option>" in called.text  # which hall's 01
    display = TestClient(person.app).get(f"/halls/{HALL}/display")
    assert "Y001</strong> → 综合受理窗口 1（01 号）" in display.text  # its name and code
    assert 'http-equiv="refresh"' in display.text
    mine = signed_in("zhangsan").get("/my/tickets")
    assert "已叫号" in mine.text and "请到综合受理窗口 1（01 号）办理" in mine.text
    calls = TestClient(person.app).get(f"/api/v1/halls/{HALL}/calls").json()
    assert calls[0]["number"] == "Y001" and calls[0]["window_code"] == "01"
    assert calls[0]["window_name"] == "综合受理窗口 1"
    assert calls[0]["window_name_en"] == "General Intake Window 1"


def test_a_number_marked_missed_is_not_shown_as_called_on_the_hall_screen(
    signed_in: Callable[[str], TestClient], client: TestClient
) -> None:
    form = client.get(f"/halls/{HALL}/kiosk")
    client.post(f"/halls/{HALL}/kiosk/take", data={"item": ITEM, "csrf_token": csrf(form.text)})
    clerk = signed_in("clerk")
    calling = clerk.get("/staff/queue", params={"at": f"{HALL}/01"})
    called = clerk.post(
        "/staff/queue/call", data={"at": f"{HALL}/01", "csrf_token": csrf(calling.text)}
    )
    ticket = found(r'action="/staff/queue/(\d+)/close"', called.text)
    clerk.post(
        f"/staff/queue/{ticket}/close",
        data={"outcome": "no_show", "csrf_token": csrf(called.text)},
    )
    display = TestClient(clerk.app).get(f"/halls/{HALL}/display").text
    assert "A001</strong> → " not in display  # not sent to the window any more
    assert "A001</strong> · 过号" in display
    calls = TestClient(clerk.app).get(f"/api/v1/halls/{HALL}/calls").json()
    assert calls[0]["number"] == "A001" and calls[0]["missed"] is True


def test_the_booking_page_does_not_offer_today_once_its_slots_are_gone(
    client: TestClient, clock: Clock
) -> None:
    clock.advance(hours=7, minutes=1)  # Monday 16:01: the last slot (16:00) has begun
    page = client.get(f"/halls/{HALL}", params={"item": ITEM}).text
    assert f'<option value="{MONDAY}"' not in page
    assert '<option value="2025-09-23"' in page  # Tuesday is the first day offered
    assert "今日已无可预约的时段，请选择其他日期。" in page


def test_a_booking_checked_in_early_says_when_it_is_called_and_the_clerk_why_nobody_is(
    signed_in: Callable[[str], TestClient], clock: Clock
) -> None:
    person = signed_in("zhangsan")
    page = person.get(f"/halls/{HALL}", params={"item": ITEM, "day": MONDAY})
    booked = person.post(
        f"/halls/{HALL}/book",
        data={"item": ITEM, "day": MONDAY, "starts": "11:00", "csrf_token": csrf(page.text)},
    )
    code = found(r"<td data-label=\"签到码\">(\d{6})</td>", booked.text)
    clock.advance(minutes=60)  # 10:00: an hour early, the ticket is held until 11:00
    kiosk = TestClient(person.app)
    form = kiosk.get(f"/halls/{HALL}/kiosk")
    checked = kiosk.post(
        f"/halls/{HALL}/kiosk/check-in", data={"code": code, "csrf_token": csrf(form.text)}
    )
    # when it is called and how it stands (found in trial: only the slot was said)
    assert "预约时段 11:00 起叫号" in checked.text
    assert "前面还有 0 人，预计等候约 1 小时" in checked.text
    mine = signed_in("zhangsan").get("/my/tickets").text
    assert "预约时段 11:00 起叫号" in mine and "前面还有 0 人，约 1 小时" in mine
    ticket = signed_in("zhangsan").get("/api/v1/me/tickets").json()[0]
    assert ticket["called_from"] == "11:00" and ticket["wait_minutes"] >= 60

    clerk = signed_in("clerk")
    calling = clerk.get("/staff/queue", params={"at": f"{HALL}/01"})
    nobody = clerk.post(
        "/staff/queue/call", data={"at": f"{HALL}/01", "csrf_token": csrf(calling.text)}
    )
    assert "当前无可叫号码" in nobody.text and "正在办理" not in nobody.text
    assert "现在候叫 0 人，稍后时段已预约 1 人" in nobody.text


def test_a_ticket_taken_at_the_kiosk_is_queued_at_once(client: TestClient) -> None:
    form = client.get(f"/halls/{HALL}/kiosk")
    taken = client.post(
        f"/halls/{HALL}/kiosk/take", data={"item": ITEM, "csrf_token": csrf(form.text)}
    )
    assert taken.status_code == 200 and "A001" in taken.text
    assert "预计等候约 5 分钟" in taken.text  # 10 minutes a ticket, two windows


def test_the_kiosk_offers_departments_then_their_items_as_buttons(client: TestClient) -> None:
    """No 49-option dropdown on a terminal without a keyboard: one touch for the department
    (with how many items it has), one for the item, which takes the ticket."""
    start = client.get(f"/halls/{HALL}/kiosk").text
    assert '<select id="item"' not in start and 'name="item"' not in start
    assert f'href="/halls/{HALL}/kiosk?department=RS#take">福州市人力资源和社会保障局' in start
    chosen = client.get(f"/halls/{HALL}/kiosk", params={"department": "RS"}).text
    assert f'<button type="submit" name="item" value="{ITEM}">失业登记</button>' in chosen
    assert 'value="3501-GA-' not in chosen  # only that department's items
    unknown = client.get(f"/halls/{HALL}/kiosk", params={"department": "NOPE"}).text
    assert 'name="item"' not in unknown and "?department=RS#take" in unknown
    refused = client.post(
        f"/halls/{HALL}/kiosk/take",
        data={"item": "3501-XX-999", "department": "RS", "csrf_token": csrf(chosen)},
    )
    assert refused.status_code == 404 and 'role="alert"' in refused.text
    assert f'value="{ITEM}">失业登记</button>' in refused.text  # the same choice again


def test_the_api_books_refuses_a_full_slot_and_calls(
    client: TestClient, as_user: Callable[[str], dict[str, str]]
) -> None:
    body = {"hall_code": HALL, "item_code": ITEM, "day": MONDAY, "starts": "11:00"}
    first = client.post("/api/v1/tickets", json=body, headers=as_user("zhangsan"))
    assert first.status_code == 201, first.text
    assert client.post("/api/v1/tickets", json=body, headers=as_user("lisi")).status_code == 201
    full = client.post("/api/v1/tickets", json=body, headers=as_user("minfeng"))
    assert full.status_code == 409 and full.json()["error"]["code"] == "slot_full"
    slots = client.get(f"/api/v1/halls/{HALL}/slots", params={"item": ITEM, "day": MONDAY})
    eleven: dict[str, Any] = next(s for s in slots.json() if s["starts"] == "11:00")
    assert eleven["left"] == 0
    nobody = client.post(f"/api/v1/halls/{HALL}/windows/01/call-next", headers=as_user("clerk"))
    assert nobody.status_code == 409 and nobody.json()["error"]["code"] == "nothing_to_call"
    assert "稍后时段已预约 2 人" in nobody.json()["error"]["message"]  # the two 11:00 bookings
    refused = client.post(f"/api/v1/halls/{HALL}/windows/01/call-next", headers=as_user("zhangsan"))
    assert refused.status_code == 403
    mine = client.get("/api/v1/me/tickets", headers=as_user("zhangsan")).json()
    assert mine[0]["code"] == first.json()["code"]


def test_a_wrong_check_in_code_says_what_to_do(client: TestClient) -> None:
    response = client.post(f"/api/v1/halls/{HALL}/check-in", json={"code": "000000"})
    assert response.status_code == 404
    assert "签到码" in response.json()["error"]["message"]
    malformed = client.post(f"/api/v1/halls/{HALL}/check-in", json={"code": "12ab"})
    assert malformed.status_code == 422


def test_a_refused_kiosk_action_shows_the_kiosk_again_with_the_reason(
    client: TestClient, clock: Clock
) -> None:
    form = client.get(f"/halls/{HALL}/kiosk")
    wrong = client.post(
        f"/halls/{HALL}/kiosk/check-in", data={"code": "000000", "csrf_token": csrf(form.text)}
    )
    assert wrong.status_code == 404
    assert "签到码" in wrong.text and "已预约：签到" in wrong.text  # the kiosk, not the error page
    clock.advance(hours=10)  # 19:00: the hall is closed
    late = client.post(
        f"/halls/{HALL}/kiosk/take", data={"item": ITEM, "csrf_token": csrf(wrong.text)}
    )
    assert late.status_code == 422 and "未预约：现场取号" in late.text
    assert 'role="alert"' in late.text


def test_a_refused_booking_shows_the_slots_again_with_the_reason(
    signed_in: Callable[[str], TestClient],
) -> None:
    for name in ("lisi", "minfeng"):
        person = signed_in(name)
        page = person.get(f"/halls/{HALL}", params={"item": ITEM, "day": MONDAY})
        data = {"item": ITEM, "day": MONDAY, "starts": "11:00", "csrf_token": csrf(page.text)}
        assert person.post(f"/halls/{HALL}/book", data=data).status_code == 200
    person = signed_in("zhangsan")
    page = person.get(f"/halls/{HALL}", params={"item": ITEM, "day": MONDAY})
    data = {"item": ITEM, "day": MONDAY, "starts": "11:00", "csrf_token": csrf(page.text)}
    full = person.post(f"/halls/{HALL}/book", data=data)
    assert full.status_code == 409 and 'role="alert"' in full.text
    assert "10:00" in full.text  # the day's slots are shown again to choose another


def test_the_api_gives_a_caller_not_signed_in_few_tickets_a_day(
    client: TestClient, as_user: Callable[[str], dict[str, str]], clock: Clock
) -> None:
    body = {"item_code": ITEM}
    for number in ("A001", "A002", "A003"):  # hall_tickets_per_source_per_day: 3
        taken = client.post(f"/api/v1/halls/{HALL}/tickets", json=body)
        assert taken.status_code == 201 and taken.json()["number"] == number
    refused = client.post(f"/api/v1/halls/{HALL}/tickets", json=body)
    assert refused.status_code == 429
    assert "今天已取号 3 次" in refused.json()["error"]["message"]
    assert int(refused.headers["Retry-After"]) == 15 * 3600 + 1  # 09:00 → midnight in Fuzhou
    person = client.post(f"/api/v1/halls/{HALL}/tickets", json=body, headers=as_user("lisi"))
    assert person.status_code == 201  # a signed-in person: one open ticket per hall and day
    again = client.post(f"/api/v1/halls/{HALL}/tickets", json=body, headers=as_user("lisi"))
    assert again.status_code == 409 and again.json()["error"]["code"] == "ticket_held"
    form = client.get(f"/halls/{HALL}/kiosk")  # a browser that is no registered terminal
    kiosk = client.post(
        f"/halls/{HALL}/kiosk/take", data={"item": ITEM, "csrf_token": csrf(form.text)}
    )
    assert kiosk.status_code == 429 and "今天已取号 3 次" in kiosk.text  # the same count
    assert "未预约：现场取号" in kiosk.text  # the kiosk again, not an error page
    clock.advance(days=1)  # Tuesday 09:00: a new day
    assert client.post(f"/api/v1/halls/{HALL}/tickets", json=body).status_code == 201


def test_a_registered_kiosk_terminal_counts_its_own_tickets(
    client: TestClient, runtime: Runtime, db: Session, clock: Clock
) -> None:
    terminal, token = service.register_terminal(
        db, hall_code=HALL, name="一楼东侧", now=clock.now, actor=OPERATOR
    )
    db.commit()
    runtime.settings = runtime.settings.model_copy(update={"kiosk_tickets_per_terminal_per_day": 5})
    wrong = client.get(f"/kiosk/{HALL}", params={"terminal": "guessed"}, follow_redirects=False)
    assert wrong.status_code == 422 and "没有在本大厅登记" in wrong.text
    elsewhere = client.get("/kiosk/FZ-XZFW", params={"terminal": token}, follow_redirects=False)
    assert elsewhere.status_code == 422  # a terminal serves its own hall only
    set_up = client.get(f"/kiosk/{HALL}", params={"terminal": token}, follow_redirects=False)
    assert set_up.status_code == 303 and "httponly" in set_up.headers["set-cookie"].lower()
    client.cookies.set("tongban_kiosk_terminal", token)
    page = client.get(f"/halls/{HALL}/kiosk")
    for number in ("A001", "A002", "A003", "A004", "A005"):  # past the per-address limit of 3
        page = client.post(
            f"/halls/{HALL}/kiosk/take", data={"item": ITEM, "csrf_token": csrf(page.text)}
        )
        assert page.status_code == 200 and number in page.text
    page = client.post(
        f"/halls/{HALL}/kiosk/take", data={"item": ITEM, "csrf_token": csrf(page.text)}
    )
    assert page.status_code == 429 and "本终端今天已出号 5 张" in page.text
    taken = db.scalars(
        select(AuditEntry.object_id).where(AuditEntry.action == "queue.kiosk_ticket_taken")
    ).all()
    assert taken == [str(terminal.id)] * 5  # counted and audited per terminal
    assert client.post(f"/api/v1/halls/{HALL}/tickets", json={"item_code": ITEM}).status_code == 201


def test_a_new_terminal_named_as_a_revoked_one_starts_its_own_count(
    db: Session, clock: Clock
) -> None:
    """Counted by the terminal's identity, not its name: the replacement of a revoked
    terminal (the same hall, the same place, so the same name) gets the whole day."""
    old, _ = service.register_terminal(
        db, hall_code=HALL, name="一楼东侧", now=clock.now, actor=OPERATOR
    )
    for _ in range(2):
        service.take_at_terminal(db, terminal=old, item_code=ITEM, now=clock.now, per_day=2)
    service.revoke_terminal(db, terminal_id=old.id, now=clock.now, actor=OPERATOR)
    new, _ = service.register_terminal(
        db, hall_code=HALL, name="一楼东侧", now=clock.now, actor=OPERATOR
    )
    taken = [
        service.take_at_terminal(db, terminal=new, item_code=ITEM, now=clock.now, per_day=2)
        for _ in range(2)
    ]
    assert [ticket.number for ticket in taken] == ["A003", "A004"]
    with pytest.raises(TooManyAttempts):
        service.take_at_terminal(db, terminal=new, item_code=ITEM, now=clock.now, per_day=2)
    counted = db.scalars(
        select(AuditEntry.object_id)
        .where(AuditEntry.action == "queue.kiosk_ticket_taken")
        .order_by(AuditEntry.id)
    ).all()
    assert counted == [str(old.id)] * 2 + [str(new.id)] * 2


def test_a_bundle_is_offered_under_its_lead_department_and_called_there(
    client: TestClient, signed_in: Callable[[str], TestClient]
) -> None:
    """企业开办一件事 (lead: 行政审批服务局, items of five other departments) is one touch
    under its lead department only, and its ticket waits for a window that serves the
    lead: the comprehensive window calls it, not 市场监管's own window."""
    city, bundle = "FZ-XZFW", "3501-BUNDLE-QYKB"
    under = {
        department: client.get(f"/halls/{city}/kiosk", params={"department": department}).text
        for department in ("ZWFW", "SCJG", "GA", "SW", "RS", "GJJ")
    }
    button = f'<button type="submit" name="item" value="{bundle}">企业开办一件事</button>'
    assert button in under["ZWFW"]
    assert [d for d, page in under.items() if f'value="{bundle}"' in page] == ["ZWFW"]
    assert 'value="3501-BUNDLE-KCG">我要开餐馆</button>' in under["SCJG"]  # its lead: 市场监管
    taken = client.post(
        f"/halls/{city}/kiosk/take",
        data={"item": bundle, "department": "ZWFW", "csrf_token": csrf(under["ZWFW"])},
    )
    assert taken.status_code == 200 and "A001" in taken.text
    market = signed_in("scjg")
    page = market.get("/staff/queue", params={"at": f"{city}/B01"})
    nobody = market.post(
        "/staff/queue/call", data={"at": f"{city}/B01", "csrf_token": csrf(page.text)}
    )
    assert "叫下一号" in nobody.text and "正在办理" not in nobody.text  # B01: 市场监管 only
    clerk = signed_in("clerk")
    page = clerk.get("/staff/queue", params={"at": f"{city}/A01"})
    called = clerk.post(
        "/staff/queue/call", data={"at": f"{city}/A01", "csrf_token": csrf(page.text)}
    )
    assert "正在办理" in called.text and "A001" in called.text and "企业开办一件事" in called.text
