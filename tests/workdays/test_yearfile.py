"""The year file an administrator enters when a new arrangement is published."""

from __future__ import annotations

from datetime import date

import pytest

from tests.workdays.support import YEAR_2027
from tongban.workdays.errors import CalendarError
from tongban.workdays.service import parse_year_document, parse_year_file
from tongban.workdays.statute import statutory_holidays

GOOD = YEAR_2027


def test_parses_holidays_and_make_up_days() -> None:
    days = parse_year_file(GOOD)
    assert days[0] == (date(2027, 1, 1), False, "元旦")
    assert (date(2027, 6, 9), False, "端午节") in days  # quoted dates work too
    assert days[-1] == (date(2027, 10, 9), True, "国庆节调休")
    assert parse_year_document(GOOD).year == 2027


@pytest.mark.parametrize(
    ("replace", "by", "fragment"),
    [
        ("2027-02-08,", "2027-02-30,", "holidays #2（春节）"),
        ("2027-02-08,", '"2027-02-31",', "holidays #2（春节）"),
        ("2027-02-08,", "2028-02-08,", "2028-02-08 (春节) is not in 2027"),
        ("2027-02-08,", "2027-01-01,", "appears twice"),
        ("{name: 元旦, ", "{", "holidays #1"),
        ('"2027-05-08"', '"2027-05-10"', "Monday"),
        ('"2027-05-08"', '"2027-05-22"', "more than 7 days from any holiday"),
        ("2027-02-08, ", "", "缺少春节法定假日 2027-02-08（正月初三）"),
        ("year: 2027", "year: twenty", "year"),
        ("workdays:", "workday:", "Unknown keys"),
        ("year: 2027", "year: [", "Not valid YAML"),
    ],
)
def test_errors_name_the_offending_entry(replace: str, by: str, fragment: str) -> None:
    with pytest.raises(CalendarError) as caught:
        parse_year_file(GOOD.replace(replace, by, 1))
    assert fragment in caught.value.message_en or fragment in caught.value.message_zh
    assert caught.value.message_zh != caught.value.message_en


def test_workdays_section_is_optional() -> None:
    holidays = ", ".join(day.isoformat() for day in statutory_holidays(2027))
    days = parse_year_file(f"year: 2027\nholidays: [{{name: 法定假日, days: [{holidays}]}}]\n")
    assert len(days) == 13 and not any(is_workday for _, is_workday, _ in days)


def test_a_one_line_file_is_refused_with_every_missing_holiday() -> None:
    with pytest.raises(CalendarError) as caught:
        parse_year_file("year: 2027\nholidays: [{name: 元旦, days: [2027-01-01]}]\n")
    missing = [detail["message_zh"] for detail in caught.value.details]
    assert len(missing) == 12
    assert "缺少春节法定假日 2027-02-06（正月初一）" in missing
    assert "缺少中秋法定假日 2027-09-15（农历八月十五）" in missing
    assert "2024年修订，国务院令第795号" in caught.value.message_zh


def test_a_year_outside_the_statutes_reach_is_refused() -> None:
    with pytest.raises(CalendarError, match="2001–2099"):
        parse_year_file("year: 2100\nholidays: [{name: 元旦, days: [2100-01-01]}]\n")
