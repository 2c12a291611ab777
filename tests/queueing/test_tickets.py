"""Queue tickets (排号): booking within capacity and working days, check-in times, windows
calling only what they serve and never the same ticket twice, no-shows, estimates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from tests.races import at_once
from tongban.accounts import service as accounts
from tongban.accounts.models import User
from tongban.db import unit_of_work
from tongban.errors import Conflict, InvalidInput, NotAllowed
from tongban.queueing import service as queue
from tongban.queueing.models import QueueTicket, TicketState

HALL = "GL-ZWFW"  # 鼓楼区: 2 comprehensive windows, 1 ticket per window per slot
CITY = "FZ-XZFW"  # 市中心: comprehensive A01/A02 and departmental windows, 2 per window
RS_ITEM = "3501-RS-003"  # 失业登记 (人社局)
SCJG_ITEM = "3501-SCJG-002"
FUZHOU = ZoneInfo("Asia/Shanghai")
MONDAY = date(2025, 9, 22)


def _at(day: date, hhmm: str) -> datetime:
    hour, minute = map(int, hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=FUZHOU)


def _user(session: Session, name: str) -> User:
    user = accounts.find_user(session, username=name)
    assert user is not None
    return user


def _book(session: Session, who: str, starts: str = "10:00", hall: str = HALL) -> QueueTicket:
    return queue.book(
        session,
        applicant=_user(session, who),
        hall_code=hall,
        item_code=RS_ITEM,
        day=MONDAY,
        starts=starts,
        now=_at(MONDAY, "08:00"),
    )


def test_booking_numbers_the_ticket_and_takes_a_place(db: Session) -> None:
    ticket = _book(db, "zhangsan")
    assert ticket.number == "Y001" and len(ticket.code) == 6 and ticket.code.isdigit()
    hall = queue.hall_of(db, HALL)
    views = queue.slots(db, hall=hall, department="RS", day=MONDAY, now=_at(MONDAY, "08:00"))
    ten = next(view for view in views if view.starts == "10:00")
    assert (ten.capacity, ten.left) == (2, 1)


def test_a_full_slot_is_refused_and_a_cancelled_place_is_free_again(db: Session) -> None:
    first = _book(db, "zhangsan")
    _book(db, "lisi")
    with pytest.raises(Conflict) as full:
        _book(db, "minfeng")
    assert full.value.code == "slot_full"
    queue.cancel(db, ticket_id=first.id, user=_user(db, "zhangsan"))
    assert _book(db, "minfeng").state == TicketState.booked


def test_booked_and_walk_in_tickets_are_numbered_apart(db: Session) -> None:
    """The first ticket taken at the hall is A001 even after bookings that day (not A002)."""
    assert _book(db, "zhangsan").number == "Y001"
    walk_in = queue.take_at_hall(
        db, hall_code=HALL, item_code=RS_ITEM, now=_at(MONDAY, "09:10"), applicant=None
    )
    assert walk_in.number == "A001"
    assert _book(db, "lisi", starts="10:30").number == "Y002"


def test_one_open_ticket_per_person_per_hall_and_day(db: Session) -> None:
    _book(db, "zhangsan")
    with pytest.raises(Conflict) as twice:
        _book(db, "zhangsan", starts="10:30")
    assert "Y001" in twice.value.message_zh


def test_a_day_without_a_free_slot_is_not_offered(db: Session) -> None:
    late = _at(MONDAY, "15:50")  # only the 16:00 slot is left today, one place per window
    hall = queue.hall_of(db, HALL)
    before = queue.open_days(db, hall=hall, department="RS", now=late)
    assert before.days[0] == MONDAY and not before.today_full
    for who in ("zhangsan", "lisi"):
        queue.book(
            db,
            applicant=_user(db, who),
            hall_code=HALL,
            item_code=RS_ITEM,
            day=MONDAY,
            starts="16:00",
            now=late,
        )
    after = queue.open_days(db, hall=hall, department="RS", now=late)
    assert MONDAY not in after.days and after.today_full and len(after.days) == 6
    evening = queue.open_days(db, hall=hall, department=None, now=_at(MONDAY, "16:01"))
    assert MONDAY not in evening.days and evening.today_full


def test_only_working_days_ahead_and_slots_not_begun(db: Session) -> None:
    days = queue.bookable_days(db, now=_at(MONDAY, "08:00"))
    assert days[0] == MONDAY and len(days) == 7
    assert date(2025, 9, 28) in days  # the Sunday worked before National Day
    assert not any(date(2025, 10, 1) <= day <= date(2025, 10, 8) for day in days)
    user = _user(db, "zhangsan")
    with pytest.raises(InvalidInput) as holiday:
        queue.book(
            db,
            applicant=user,
            hall_code=HALL,
            item_code=RS_ITEM,
            day=date(2025, 10, 2),
            starts="10:00",
            now=_at(MONDAY, "08:00"),
        )
    assert holiday.value.field == "day"
    assert "不是工作日" in holiday.value.message_zh  # not "only 7 working days ahead"
    with pytest.raises(InvalidInput) as begun:
        queue.book(
            db,
            applicant=user,
            hall_code=HALL,
            item_code=RS_ITEM,
            day=MONDAY,
            starts="09:00",
            now=_at(MONDAY, "09:05"),
        )
    assert begun.value.field == "starts"


def test_a_hall_without_a_window_for_the_item_says_so(db: Session) -> None:
    hall = queue.hall_of(db, CITY)
    assert {w["code"] for w in queue.windows_for(hall, "RS")} == {"A01", "A02", "C02"}
    assert {w["code"] for w in queue.windows_for(hall, "SCJG")} == {"A01", "A02", "B01"}


def test_check_in_opens_an_hour_before_and_queues_from_the_slot(db: Session) -> None:
    ticket = _book(db, "zhangsan", starts="11:00")
    with pytest.raises(InvalidInput):
        queue.check_in(db, hall_code=HALL, code=ticket.code, now=_at(MONDAY, "09:30"))
    queue.check_in(db, hall_code=HALL, code=ticket.code, now=_at(MONDAY, "10:15"))
    assert ticket.state == TicketState.waiting
    assert ticket.queued_at == _at(MONDAY, "11:00")
    assert ticket.queued_at.utcoffset() == timedelta(0)  # in UTC as every time the API gives
    late = _book(db, "lisi", starts="10:00")
    with pytest.raises(InvalidInput) as passed:
        queue.check_in(db, hall_code=HALL, code=late.code, now=_at(MONDAY, "10:31"))
    assert "现场取号" in passed.value.message_zh


def test_windows_call_in_queue_order_only_what_they_serve(db: Session) -> None:
    now = _at(MONDAY, "09:10")
    rs = queue.take_at_hall(db, hall_code=CITY, item_code=RS_ITEM, now=now, applicant=None)
    scjg = queue.take_at_hall(
        db, hall_code=CITY, item_code=SCJG_ITEM, now=now + timedelta(minutes=1), applicant=None
    )
    assert (rs.number, scjg.number) == ("A001", "A002")
    market_clerk = _user(db, "scjg")
    now += timedelta(minutes=2)
    called = queue.call_next(db, hall_code=CITY, window_code="B01", user=market_clerk, now=now)
    assert called is not None and called.id == scjg.id and called.window_code == "B01"
    assert (
        queue.call_next(db, hall_code=CITY, window_code="B01", user=market_clerk, now=now) is None
    )
    comprehensive = queue.call_next(
        db, hall_code=CITY, window_code="A01", user=_user(db, "clerk"), now=now
    )
    assert comprehensive is not None and comprehensive.id == rs.id


def test_only_the_windows_own_clerks_call(db: Session) -> None:
    with pytest.raises(NotAllowed):
        queue.call_next(
            db, hall_code=CITY, window_code="B01", user=_user(db, "rs"), now=_at(MONDAY, "09:10")
        )
    with pytest.raises(NotAllowed):
        queue.call_next(
            db,
            hall_code=CITY,
            window_code="A01",
            user=_user(db, "zhangsan"),
            now=_at(MONDAY, "9:10"),
        )
    # 思明区's clerk works its own hall's windows, not Fuzhou's comprehensive ones
    with pytest.raises(NotAllowed):
        queue.call_next(
            db,
            hall_code=CITY,
            window_code="A01",
            user=_user(db, "sm-clerk"),
            now=_at(MONDAY, "9:10"),
        )
    city_hall = queue.hall_of(db, CITY)
    assert not any(
        queue.may_call(db, _user(db, "sm-clerk"), city_hall, w) for w in city_hall["windows"]
    )
    district = queue.hall_of(db, HALL)  # a district hall of the city: the city's clerk works it
    assert all(queue.may_call(db, _user(db, "clerk"), district, w) for w in district["windows"])


def test_served_and_no_show_and_the_wait_estimate(db: Session) -> None:
    now = _at(MONDAY, "09:10")
    clerk = _user(db, "clerk")
    tickets = [
        queue.take_at_hall(
            db, hall_code=HALL, item_code=RS_ITEM, now=now + timedelta(minutes=i), applicant=None
        )
        for i in range(4)
    ]
    wait = queue.wait_of(db, tickets[3], now)
    assert (wait.ahead, wait.minutes, wait.held_until) == (3, 20, None)  # 4 × 10 min, 2 windows
    now += timedelta(minutes=5)
    first = queue.call_next(db, hall_code=HALL, window_code="01", user=clerk, now=now)
    assert first is not None
    queue.close(db, ticket_id=first.id, user=clerk, served=True, now=now + timedelta(minutes=4))
    second = queue.call_next(db, hall_code=HALL, window_code="01", user=clerk, now=now)
    assert second is not None
    queue.close(db, ticket_id=second.id, user=clerk, served=False, now=now)
    assert second.state == TicketState.no_show
    wait = queue.wait_of(db, tickets[3], now)
    assert (wait.ahead, wait.minutes) == (1, 4)  # 2 × 4 min over 2 windows
    with pytest.raises(Conflict):
        queue.close(db, ticket_id=second.id, user=clerk, served=True, now=now)
    shown = queue.recent_calls(db, hall_code=HALL, now=now)
    assert [t.number for t in shown] == [second.number, first.number]


@pytest.mark.usefixtures("committing_engine")
def test_concurrent_bookings_never_exceed_the_capacity(engine: Engine) -> None:
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    people = ["zhangsan", "lisi", "minfeng"]

    def booking(who: str) -> Callable[[], object]:
        def act() -> object:
            with unit_of_work(factory) as session:
                return _book(session, who, starts="15:00").number

        return act

    outcomes = at_once(*(booking(who) for who in people))
    numbers = [o for o in outcomes if isinstance(o, str)]
    refused = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(numbers) == 2 and len(set(numbers)) == 2, outcomes
    assert len(refused) == 1 and refused[0].code == "slot_full"
    with factory() as session:
        held = session.scalars(
            select(QueueTicket).where(QueueTicket.hall_code == HALL, QueueTicket.day == MONDAY)
        ).all()
        assert len(held) == 2


@pytest.mark.usefixtures("committing_engine")
def test_two_windows_calling_at_once_never_get_the_same_ticket(engine: Engine) -> None:
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    now = _at(MONDAY, "09:10")
    with unit_of_work(factory) as session:
        only = queue.take_at_hall(
            session, hall_code=HALL, item_code=RS_ITEM, now=now, applicant=None
        ).id

    def calling(window: str) -> Callable[[], object]:
        def act() -> object:
            with unit_of_work(factory) as session:
                clerk = _user(session, "clerk")
                called = queue.call_next(
                    session, hall_code=HALL, window_code=window, user=clerk, now=now
                )
                return called.id if called else None

        return act

    outcomes = at_once(calling("01"), calling("02"))
    assert sorted(outcomes, key=str) == [only, None] or sorted(outcomes, key=str) == [None, only]


def test_tickets_are_taken_at_the_hall_only_in_its_hours(db: Session) -> None:
    """The hall's opening hours (halls.yaml), not its bookable slots: closed before 08:30,
    in the lunch break, from 17:30 and on 国庆节."""
    closed_at = ("08:29", "12:00", "14:29", "17:30")
    moments = [_at(MONDAY, hhmm) for hhmm in closed_at] + [_at(date(2025, 10, 1), "10:00")]
    for moment in moments:
        with pytest.raises(InvalidInput) as closed:
            queue.take_at_hall(db, hall_code=HALL, item_code=RS_ITEM, now=moment, applicant=None)
        assert "工作日 08:30–12:00、14:30–17:30" in closed.value.message_zh
    for hhmm in ("08:30", "17:29"):
        queue.take_at_hall(
            db, hall_code=HALL, item_code=RS_ITEM, now=_at(MONDAY, hhmm), applicant=None
        )


@pytest.mark.parametrize("served", [True, False])
def test_a_ticket_never_called_cannot_be_closed_and_says_why(db: Session, served: bool) -> None:
    """Found in trial: 过号 on a ticket booked for tomorrow answered 404 "没有窗口 。" (the
    ticket had no window yet); it is a 409 that says the ticket was not called."""
    booked = _book(db, "zhangsan")
    with pytest.raises(Conflict) as refused:
        queue.close(
            db,
            ticket_id=booked.id,
            user=_user(db, "clerk"),
            served=served,
            now=_at(MONDAY, "09:00"),
        )
    assert "还没有在窗口叫号" in refused.value.message_zh
    assert "not been called at a window" in refused.value.message_en
