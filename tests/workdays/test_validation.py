"""What makes an official year complete: checked against every year chinesecalendar knows."""

from __future__ import annotations

from datetime import date

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.workdays.support import package_days
from tongban.workdays.errors import CalendarError
from tongban.workdays.statute import revision_for, statutory_days
from tongban.workdays.validation import check_days

PACKAGE_YEARS = range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)
quick = settings(database=None, max_examples=60, deadline=None)


def _problems(year: int, days: list[tuple[date, bool, str]]) -> list[str]:
    with pytest.raises(CalendarError) as caught:
        check_days(year, days)
    return [detail["message_zh"] for detail in caught.value.details]


@pytest.mark.parametrize("year", PACKAGE_YEARS)
def test_every_published_year_passes_under_the_revision_then_in_force(year: int) -> None:
    check_days(year, package_days(year))


@quick
@given(st.sampled_from([2025, 2026]), st.data())
def test_dropping_a_statutory_weekday_names_exactly_that_day(
    year: int, data: st.DataObject
) -> None:
    weekdays = [s for s in statutory_days(year) if s.day.weekday() < 5]
    dropped = data.draw(st.sampled_from(weekdays))
    days = [entry for entry in package_days(year) if entry[0] != dropped.day]
    expected = f"缺少{dropped.holiday}法定假日 {dropped.day}（{dropped.which}）"
    assert expected in _problems(year, days)


@quick
@given(st.sampled_from([2025, 2026]), st.data())
def test_a_make_up_day_on_a_quiet_weekend_is_refused(year: int, data: st.DataObject) -> None:
    days = package_days(year)
    near = {d.toordinal() + k for d, _, _ in days for k in range(-7, 8)}
    quiet = [
        date.fromordinal(n)
        for n in range(date(year, 1, 1).toordinal(), date(year, 12, 25).toordinal())
        if date.fromordinal(n).weekday() >= 5 and n not in near
    ]
    saturday = data.draw(st.sampled_from(quiet))
    assert any(
        "离最近的放假日超过" in p for p in _problems(year, [*days, (saturday, True, "调休")])
    )


def test_the_2024_revision_adds_new_years_eve_and_a_second_labour_day() -> None:
    assert revision_for(2024).title == "2013年修订" and revision_for(2025).first_year == 2025
    names = [(s.holiday, s.which) for s in statutory_days(2025)]
    assert ("春节", "除夕") in names and ("劳动节", "5月2日") in names
    assert ("春节", "除夕") not in [(s.holiday, s.which) for s in statutory_days(2024)]


def test_a_statutory_weekend_day_inside_the_holiday_period_may_be_left_out() -> None:
    # Notices say "6月22日至24日放假"; chinesecalendar leaves out Saturday 2012-06-23 (端午).
    assert date(2012, 6, 23) not in {d for d, _, _ in package_days(2012)}
    check_days(2012, package_days(2012))
    alone = [d for d in package_days(2025) if d[0].month != 5 or d[0].day > 5]
    assert "缺少劳动节法定假日 2025-05-01（5月1日）" in _problems(2025, alone)


def test_a_statutory_holiday_cannot_be_a_make_up_day() -> None:
    days = [entry for entry in package_days(2026) if entry[0] != date(2026, 10, 3)]
    problems = _problems(2026, [*days, (date(2026, 10, 3), True, "国庆节调休")])
    assert problems == ["2026-10-03（国庆节调休）是国庆节法定假日（10月3日），不能列为调休上班日"]


def test_every_problem_is_listed_at_once_in_both_languages() -> None:
    days = [
        (date(2026, 1, 1), False, "元旦"),
        (date(2026, 1, 1), False, "元旦"),
        (date(2027, 1, 1), False, "元旦"),
        (date(2026, 3, 3), True, "调休"),
    ]
    with pytest.raises(CalendarError) as caught:
        check_days(2026, days)
    details = caught.value.details
    assert len(details) == 3 + 12  # repeat, other year, weekday make-up; 12 missing days
    assert all(d["message_zh"] != d["message_en"] for d in details)
    assert "appears twice" in caught.value.message_en and "2027-01-01" in caught.value.message_zh
