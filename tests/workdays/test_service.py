"""Seeding, loading and entering calendar years through the database."""

from __future__ import annotations

from datetime import date

import chinese_calendar
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from tests.workdays.support import local, package_days
from tongban.workdays import service
from tongban.workdays.enums import CalendarYearStatus
from tongban.workdays.models import CalendarDay, CalendarYear
from tongban.workdays.statute import statutory_holidays

# An invented 2027 arrangement: the statutory days plus one make-up Sunday.
DAYS_2027 = [(day, False, name) for day, name in statutory_holidays(2027).items()] + [
    (date(2027, 2, 14), True, "春节调休")
]


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(CalendarDay)) or 0


def test_seed_records_every_package_year_as_official(session: Session) -> None:
    written = service.seed_from_chinesecalendar(session=session)
    years = service.list_years(session=session)
    assert [y.year for y in years] == list(range(2004, 2027))
    assert {y.status for y in years} == {CalendarYearStatus.official}
    assert years[0].source == f"chinesecalendar {chinese_calendar.__version__}"
    assert written == len(chinese_calendar.holidays) + len(chinese_calendar.workdays)
    assert session.get(CalendarDay, date(2025, 10, 1)).name == "国庆节"  # type: ignore[union-attr]
    assert session.get(CalendarDay, date(2025, 9, 28)).name == "国庆节调休"  # type: ignore[union-attr]


def test_seed_is_idempotent(session: Session) -> None:
    service.seed_from_chinesecalendar(session=session)
    stamps = {y.year: y.updated_at for y in service.list_years(session=session)}
    rows = _count(session)
    assert service.seed_from_chinesecalendar(session=session) == 0
    assert _count(session) == rows
    assert {y.year: y.updated_at for y in service.list_years(session=session)} == stamps
    assert not session.dirty and not session.new


def test_status_is_stored_as_its_lower_case_value(session: Session) -> None:
    service.seed_from_chinesecalendar(session=session)
    session.commit()
    assert session.scalar(text("SELECT DISTINCT status FROM calendar_years")) == "official"


def test_loaded_calendar_gives_the_known_deadlines(session: Session) -> None:
    service.seed_from_chinesecalendar(session=session)
    cal = service.load_calendar(session=session)
    assert not cal.is_workday(date(2025, 10, 1)) and cal.is_workday(date(2025, 9, 28))
    assert cal.add_working_days(local(2025, 9, 26), 20) == local(2025, 10, 31)
    assert cal.add_working_days(local(2026, 2, 12), 5) == local(2026, 2, 27)


def test_entering_2027_makes_the_deadline_official(session: Session) -> None:
    service.seed_from_chinesecalendar(session=session)
    before = service.load_calendar(session=session).add_working_days_checked(local(2026, 12, 28), 5)
    assert before.provisional and before.due_at == local(2027, 1, 6)

    row = service.set_official_year(
        session=session, year=2027, days=DAYS_2027, source="entered by admin"
    )
    assert (row.year, row.status, row.source) == (
        2027,
        CalendarYearStatus.official,
        "entered by admin",
    )
    after = service.load_calendar(session=session).add_working_days_checked(local(2026, 12, 28), 5)
    assert after == type(after)(local(2027, 1, 6), provisional=False)
    assert service.load_calendar(session=session).is_workday(date(2027, 2, 14))


def test_set_official_year_replaces_the_previous_days(session: Session) -> None:
    service.set_official_year(session=session, year=2027, days=DAYS_2027, source="first")
    without_make_up_day = DAYS_2027[:-1]
    service.set_official_year(session=session, year=2027, days=without_make_up_day, source="2nd")
    assert _count(session) == len(DAYS_2027) - 1
    assert not service.load_calendar(session=session).is_workday(date(2027, 2, 14))


def test_seed_never_overwrites_an_administrators_year(session: Session) -> None:
    mine = [day for day in package_days(2026) if day[0] != date(2026, 2, 28)]  # no make-up
    service.set_official_year(session=session, year=2026, days=mine, source="entered by admin")
    service.seed_from_chinesecalendar(session=session)
    assert session.get(CalendarYear, 2026).source == "entered by admin"  # type: ignore[union-attr]
    assert not service.load_calendar(session=session).is_workday(date(2026, 2, 28))


@pytest.mark.parametrize(
    ("days", "fragment"),
    [
        ([(date(2026, 12, 31), False, "元旦")], "2026-12-31"),
        ([(date(2027, 1, 1), False, "元旦"), (date(2027, 1, 1), False, "元旦")], "twice"),
        ([(date(2027, 2, 9), True, "春节调休")], "Tuesday"),
        ([], "Missing statutory holiday 2027-02-06"),
    ],
)
def test_set_official_year_refuses_mistakes(
    session: Session, days: list[tuple[date, bool, str]], fragment: str
) -> None:
    with pytest.raises(service.CalendarError, match=fragment) as caught:
        service.set_official_year(session=session, year=2027, days=days, source="admin")
    assert caught.value.message_zh and caught.value.message_en
    assert service.list_years(session=session) == []
