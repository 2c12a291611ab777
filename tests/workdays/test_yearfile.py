"""The year file an administrator enters when a new arrangement is published."""

from __future__ import annotations

from datetime import date

import pytest

from tongban.workdays.errors import CalendarError
from tongban.workdays.service import parse_year_document, parse_year_file

GOOD = """
year: 2027
holidays:
  - {name: 元旦, days: ["2027-01-01"]}
  - name: 春节
    days: [2027-02-05, 2027-02-06, "2027-02-07", "2027-02-08"]
workdays:
  - {name: 春节调休, days: ["2027-02-20"]}
"""


def test_parses_holidays_and_make_up_days() -> None:
    days = parse_year_file(GOOD)
    assert days[0] == (date(2027, 1, 1), False, "元旦")
    assert (date(2027, 2, 5), False, "春节") in days  # unquoted dates work too
    assert days[-1] == (date(2027, 2, 20), True, "春节调休")
    assert parse_year_document(GOOD).year == 2027


@pytest.mark.parametrize(
    ("replace", "by", "fragment"),
    [
        ('"2027-02-08"', '"2027-02-30"', "holidays #2（春节）"),
        ('"2027-02-08"', '"2028-02-08"', "2028-02-08 (春节) is not in 2027"),
        ('"2027-02-08"', '"2027-01-01"', "appears twice"),
        ("{name: 元旦, ", "{", "holidays #1"),
        ('"2027-02-20"', '"2027-02-22"', "Monday"),
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
    assert parse_year_file("year: 2027\nholidays: [{name: 元旦, days: [2027-01-01]}]\n") == [
        (date(2027, 1, 1), False, "元旦")
    ]
