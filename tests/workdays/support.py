"""Helpers shared by the working-day calendar tests."""

from __future__ import annotations

from datetime import datetime

import chinese_calendar

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
