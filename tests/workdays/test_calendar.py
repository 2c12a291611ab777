"""Known dates and deadlines, checked against chinesecalendar's official data."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import chinese_calendar
import pytest

from tests.workdays.support import local
from tongban.workdays.calendar import DayOverride, WorkCalendar
from tongban.workdays.statute import qingming, statutory_holidays


def test_national_day_2025_is_a_holiday_and_its_sunday_a_make_up_day(cal: WorkCalendar) -> None:
    assert not cal.is_workday(date(2025, 10, 1))
    assert cal.is_workday(date(2025, 9, 28))  # a Sunday
    assert date(2025, 9, 28).weekday() == 6
    week = [date(2025, 10, 1) + timedelta(days=k) for k in range(8)]
    assert not any(cal.is_workday(d) for d in week)
    assert cal.is_workday(date(2025, 10, 11))  # Saturday make-up day after the week
    assert cal.override(date(2025, 10, 1)) == DayOverride(False, "National Day")


def test_twenty_working_days_across_national_day_2025(cal: WorkCalendar) -> None:
    deadline = cal.add_working_days_checked(local(2025, 9, 26, 10), 20)
    assert deadline.due_at == local(2025, 10, 31)  # end of 2025-10-30
    assert deadline.due_at.tzinfo is UTC
    assert not deadline.provisional
    assert chinese_calendar.find_workday(20, date(2025, 9, 26)) == date(2025, 10, 30)


def test_five_working_days_across_spring_festival_2026(cal: WorkCalendar) -> None:
    assert cal.add_working_days(local(2026, 2, 12, 15), 5) == local(2026, 2, 27)


def test_start_day_is_not_counted_and_zero_means_end_of_start_day(cal: WorkCalendar) -> None:
    assert cal.add_working_days(local(2025, 9, 22, 16, 59), 0) == local(2025, 9, 23)
    assert cal.add_working_days(local(2025, 9, 22, 0, 1), 1) == local(2025, 9, 24)


def test_a_clock_started_outside_working_time_starts_on_the_next_working_day(
    cal: WorkCalendar,
) -> None:
    # 即办 (0 working days) submitted on Sunday 2025-11-02 10:53: due at the end of Monday.
    assert cal.add_working_days(local(2025, 11, 2, 10, 53), 0) == local(2025, 11, 4)
    # Friday 23:30 is after office hours: not due half an hour later, but end of Monday.
    assert cal.add_working_days(local(2025, 10, 31, 23, 30), 0) == local(2025, 11, 4)
    # Monday 17:30 (office closed): Tuesday is the day of receipt, one day means Wednesday.
    assert cal.add_working_days(local(2025, 11, 3, 17, 30), 1) == local(2025, 11, 6)
    # Before office hours on a working day: that day.
    assert cal.add_working_days(local(2025, 11, 3, 7), 0) == local(2025, 11, 4)
    # National Day 2025: the next working day is 10-09; the Saturday make-up day 10-11 works.
    assert cal.add_working_days(local(2025, 10, 1, 10), 0) == local(2025, 10, 10)
    assert cal.add_working_days(local(2025, 10, 10, 18), 0) == local(2025, 10, 12)
    assert cal.add_working_days(local(2025, 10, 11, 10), 0) == local(2025, 10, 12)
    # Counting goes on from the day the clock really starts.
    assert cal.add_working_days(local(2025, 11, 2, 10, 53), 1) == local(2025, 11, 5)
    assert cal.working_start(local(2025, 11, 2, 10, 53)) == local(2025, 11, 3, 9)
    assert cal.working_start(local(2025, 11, 3, 10)) == local(2025, 11, 3, 10)


def test_local_date_decides_not_the_utc_date(cal: WorkCalendar) -> None:
    # 2025-09-25 17:00 UTC is already Friday 26th in Shanghai.
    start = datetime(2025, 9, 25, 17, tzinfo=UTC)
    assert cal.add_working_days(start, 20) == local(2025, 10, 31)


def test_working_days_between_skips_the_holiday_week(cal: WorkCalendar) -> None:
    assert cal.working_days_between(local(2025, 9, 30), local(2025, 10, 8, 18)) == 0
    assert cal.working_days_between(local(2025, 9, 26), local(2025, 9, 30)) == 3
    assert cal.working_days_between(local(2025, 9, 30), local(2025, 9, 26)) == 0


def test_next_workday(cal: WorkCalendar) -> None:
    assert cal.next_workday(date(2025, 9, 30)) == date(2025, 10, 9)
    assert cal.next_workday(date(2025, 9, 26)) == date(2025, 9, 28)


def test_naive_datetimes_are_refused(cal: WorkCalendar) -> None:
    with pytest.raises(ValueError, match="naive"):
        cal.add_working_days(datetime(2025, 9, 26), 1)
    with pytest.raises(ValueError):
        cal.add_working_days(local(2025, 9, 26), -1)


def test_qingming_formula() -> None:
    assert [qingming(y) for y in (2025, 2026, 2027)] == [
        date(2025, 4, 4),
        date(2026, 4, 5),
        date(2027, 4, 5),
    ]


@pytest.mark.parametrize("year", [2025, 2026])
def test_provisional_rule_matches_the_official_years_under_the_2024_revision(year: int) -> None:
    for day in statutory_holidays(year):
        assert not chinese_calendar.is_workday(day), day


def test_provisional_2027_holidays() -> None:
    days = statutory_holidays(2027)
    assert len(days) == 13
    spring = [d for d, name in days.items() if name == "春节"]
    assert spring == [date(2027, 2, d) for d in (5, 6, 7, 8)]  # 除夕 to 正月初三
    assert days[date(2027, 6, 9)] == "端午"
    assert days[date(2027, 9, 15)] == "中秋"
    assert statutory_holidays(2028)[date(2028, 10, 3)] == "中秋、国庆节"


def test_2027_deadline_is_provisional_and_skips_new_year(cal: WorkCalendar) -> None:
    assert cal.is_provisional(date(2027, 1, 1)) and not cal.is_provisional(date(2026, 12, 31))
    deadline = cal.add_working_days_checked(local(2026, 12, 28), 5)
    assert deadline.due_at == local(2027, 1, 6)  # plain Mon–Fri would give 2027-01-05
    assert deadline.provisional
    assert not cal.add_working_days_checked(local(2026, 12, 28), 3).provisional


def test_2027_spring_festival_days_are_skipped(cal: WorkCalendar) -> None:
    assert not cal.is_workday(date(2027, 2, 5)) and not cal.is_workday(date(2027, 2, 8))
    assert cal.add_working_days(local(2027, 2, 4), 1) == local(2027, 2, 10)
    assert cal.working_days_between(local(2027, 2, 1), local(2027, 2, 28)) == 17


def test_official_year_overrides_the_provisional_rule() -> None:
    make_up = {date(2027, 1, 2): DayOverride(True, "元旦调休")}  # invented, for the test
    cal = WorkCalendar(make_up | {date(2027, 1, 1): DayOverride(False, "元旦")}, {2027})
    assert cal.is_workday(date(2027, 1, 2))
    assert cal.is_workday(date(2027, 2, 5))  # official year: only its own exceptions count
    assert not cal.add_working_days_checked(local(2027, 1, 1), 1).provisional
    # 2026 is now unknown: whether 12-31 is a working day, where the clock starts, too.
    assert cal.add_working_days_checked(local(2026, 12, 31), 1).provisional
    assert cal.add_working_days_checked(local(2026, 12, 30), 1).provisional


def test_working_hours_carry_over_to_the_next_working_day(cal: WorkCalendar) -> None:
    # Friday 16:00 + 2 h: one hour left on Friday, the next working day is Sunday 28th.
    deadline = cal.add_working_hours(local(2025, 9, 26, 16), 2)
    assert deadline == cal.add_working_hours(local(2025, 9, 26, 16), 2.0)
    assert deadline.due_at == local(2025, 9, 28, 10)
    assert not deadline.provisional
    assert cal.working_hours_between(local(2025, 9, 26, 16), local(2025, 9, 28, 10)) == 2


def test_working_hours_edges(cal: WorkCalendar) -> None:
    evening = local(2025, 9, 22, 20)
    assert cal.add_working_hours(evening, 0).due_at == local(2025, 9, 23, 9)  # at opening
    assert cal.add_working_hours(local(2025, 9, 23, 10), 0).due_at == local(2025, 9, 23, 10)
    # Sunday (a rest day, then a Saturday make-up day after National Day): next opening.
    assert cal.add_working_hours(local(2025, 11, 2, 10, 53), 0).due_at == local(2025, 11, 3, 9)
    assert cal.add_working_hours(local(2025, 10, 10, 18), 0).due_at == local(2025, 10, 11, 9)
    assert cal.add_working_hours(local(2025, 10, 31, 23, 30), 1).due_at == local(2025, 11, 3, 10)
    assert cal.add_working_hours(evening, 8).due_at == local(2025, 9, 23, 17)  # not next day
    assert cal.add_working_hours(local(2026, 12, 31, 16), 2).due_at == local(2027, 1, 4, 10)
    assert cal.add_working_hours(local(2026, 12, 31, 16), 2).provisional
    with pytest.raises(ValueError):
        cal.add_working_hours(evening, float("nan"))


def test_custom_office_hours_and_validation() -> None:
    cal = WorkCalendar({}, {2025}, office_hours=(time(8, 30), time(12)))
    assert cal.working_hours_between(local(2025, 9, 22), local(2025, 9, 23)) == 3.5
    with pytest.raises(ValueError):
        WorkCalendar({}, {2025}, office_hours=(time(17), time(9)))


@pytest.mark.parametrize(
    ("name", "english"),
    [
        ("国庆节", "National Day"),
        ("元旦", "New Year's Day"),
        ("中秋、国庆节", "Mid-autumn Festival, National Day"),  # the statute's overlap
        ("中秋节", "Mid-autumn Festival"),  # as an administrator may type it
        ("国庆节调休", None),  # a make-up working day is no festival
        ("市庆日", None),
    ],
)
def test_a_holiday_is_named_in_english_where_a_festival_has_that_name(
    name: str, english: str | None
) -> None:
    assert DayOverride(False, name).name_en == english
