"""Helpers shared by the working-day calendar tests."""

from __future__ import annotations

from datetime import date, datetime

import chinese_calendar

from tongban.workdays import service
from tongban.workdays.calendar import SHANGHAI, DayOverride, WorkCalendar


def calendar_from_package() -> WorkCalendar:
    """A calendar straight from chinesecalendar's data, without the database."""
    exceptions = {d: DayOverride(False, v) for d, v in chinese_calendar.holidays.items()}
    exceptions |= {d: DayOverride(True, v) for d, v in chinese_calendar.workdays.items()}
    first, last = min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year
    return WorkCalendar(exceptions, frozenset(range(first, last + 1)))


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An aware Asia/Shanghai moment."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def package_days(year: int) -> list[tuple[date, bool, str]]:
    """A year's arrangement as chinesecalendar publishes it (and the seed stores it)."""
    return service.package_days(year)


# An invented, complete 2027 arrangement (the State Council has not published one):
# the statutory days, the weekday days off owed for those on a weekend, bridge days,
# and make-up Saturdays and Sundays next to the holiday periods.
YEAR_2027 = """
year: 2027
holidays:
  - {name: 元旦, days: [2027-01-01, 2027-01-02, 2027-01-03]}
  - name: 春节
    days: [2027-02-05, 2027-02-06, 2027-02-07, 2027-02-08, 2027-02-09, 2027-02-10, 2027-02-11]
  - {name: 清明节, days: [2027-04-03, 2027-04-04, 2027-04-05]}
  - {name: 劳动节, days: [2027-05-01, 2027-05-02, 2027-05-03, 2027-05-04, 2027-05-05]}
  - {name: 端午节, days: ["2027-06-09"]}
  - {name: 中秋节, days: ["2027-09-15"]}
  - name: 国庆节
    days: [2027-10-01, 2027-10-02, 2027-10-03, 2027-10-04, 2027-10-05, 2027-10-06, 2027-10-07]
workdays:
  - {name: 春节调休, days: ["2027-01-31"]}
  - {name: 劳动节调休, days: ["2027-05-08"]}
  - {name: 国庆节调休, days: ["2027-09-26", "2027-10-09"]}
"""
