"""The working-day calendar domain promises: a time limit in working days or office hours
always gets a deadline; the deadline follows the official arrangement (holidays and make-up
working days) where one is recorded, and otherwise the statutory holidays, flagged as
provisional so staff know it may move once the year's arrangement is published. Seeding
from the `chinesecalendar` package is idempotent and never overwrites a year an
administrator entered. An entered year must be complete (``validation.py``); replacing
the year in force goes through ``holidays.service``, which previews the deadlines it would
move and needs that preview's confirmation. Functions here flush but never commit.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import date, time
from zoneinfo import ZoneInfo

import chinese_calendar
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from tongban.timeutil import utcnow
from tongban.workdays.calendar import (
    DEFAULT_OFFICE_HOURS,
    SHANGHAI,
    DayOverride,
    WorkCalendar,
)
from tongban.workdays.enums import CalendarYearStatus
from tongban.workdays.errors import CalendarError
from tongban.workdays.models import CalendarDay, CalendarYear
from tongban.workdays.validation import DayEntry, check_days
from tongban.workdays.yearfile import YearDocument, parse_year_document, parse_year_file

__all__ = [
    "CalendarError",
    "YearDocument",
    "check_year",
    "fingerprint",
    "list_years",
    "load_calendar",
    "package_days",
    "parse_year_document",
    "parse_year_file",
    "seed_from_chinesecalendar",
    "set_official_year",
]

PACKAGE_SOURCE = f"chinesecalendar {chinese_calendar.__version__}"
_PROBE_YEARS = range(2004, 2031)


def seed_from_chinesecalendar(*, session: Session) -> int:
    """Record every year the package covers; returns the number of day rows written."""
    written = 0
    for year in _package_years():
        current = session.get(CalendarYear, year)
        if _entered_by_admin(current):
            continue  # an administrator's entry is newer knowledge than the package
        changed = _replace_days(session, year, package_days(year))
        if changed or current is None or current.status != CalendarYearStatus.official:
            _mark_official(session, year, PACKAGE_SOURCE)
        written += changed
    session.flush()
    return written


def load_calendar(
    *,
    session: Session,
    tz: ZoneInfo = SHANGHAI,
    office_hours: tuple[time, time] = DEFAULT_OFFICE_HOURS,
) -> WorkCalendar:
    """A calendar from the stored years; unrecorded years fall back to the provisional rule."""
    official = session.scalars(
        select(CalendarYear.year).where(CalendarYear.status == CalendarYearStatus.official)
    )
    days = {
        row.day: DayOverride(is_workday=row.is_workday, name=row.name)
        for row in session.scalars(select(CalendarDay))
    }
    return WorkCalendar(days, frozenset(official), tz=tz, office_hours=office_hours)


def check_year(*, year: int, days: Sequence[DayEntry], source: str) -> None:
    """Refuse an official arrangement that is incomplete, mistaken or has no source."""
    if not source.strip():
        raise CalendarError(
            "请说明数据来源，例如国务院办公厅通知的文号。",
            "Say where the data comes from, e.g. the State Council notice.",
            field="source",
        )
    check_days(year, days)


def set_official_year(
    *, session: Session, year: int, days: Sequence[DayEntry], source: str
) -> CalendarYear:
    """Replace a year's holidays and make-up days and mark the year official.

    Open deadlines are not recomputed here: ``holidays.service.replace_year`` does that.
    """
    check_year(year=year, days=days, source=source)
    _replace_days(session, year, days)
    row = _mark_official(session, year, source.strip())
    session.flush()
    return row


def fingerprint(*, session: Session, year: int, days: Sequence[DayEntry], source: str) -> str:
    """A short digest of the year as stored and of its proposed replacement.

    A preview hands it out; the replacement accepts it only while neither side changed,
    so what is confirmed is what was shown.
    """
    row = session.get(CalendarYear, year)
    stored = [(d.day, d.is_workday, d.name) for d in session.scalars(_days_of(year))]
    state = [
        year,
        [row.status, row.source] if row is not None else None,
        sorted((d.isoformat(), w, n) for d, w, n in stored),
        source.strip(),
        sorted((d.isoformat(), w, n) for d, w, n in days),
    ]
    digest = hashlib.sha256(json.dumps(state, ensure_ascii=False).encode())
    return digest.hexdigest()[:16]


def list_years(*, session: Session) -> list[CalendarYear]:
    """Recorded years, oldest first; years not listed are provisional."""
    return list(session.scalars(select(CalendarYear).order_by(CalendarYear.year)))


def _entered_by_admin(row: CalendarYear | None) -> bool:
    return (
        row is not None
        and row.status == CalendarYearStatus.official
        and not row.source.startswith("chinesecalendar ")
    )


def _package_years() -> list[int]:
    years = []
    for year in _PROBE_YEARS:
        try:
            chinese_calendar.is_workday(date(year, 1, 1))
        except NotImplementedError:
            break  # the package covers a contiguous range; past its end nothing is known
        years.append(year)
    return years


def package_days(year: int) -> list[DayEntry]:
    """A year's arrangement as the chinesecalendar package has it, named in Chinese."""
    # The package's dicts hold English Holiday values; `.chinese` gives the Chinese name.
    # A make-up day is named after the holiday it pays for.
    holiday = chinese_calendar.Holiday
    days: list[DayEntry] = [
        (day, False, holiday(value).chinese)
        for day, value in chinese_calendar.holidays.items()
        if day.year == year
    ]
    days += [
        (day, True, f"{holiday(value).chinese}调休")
        for day, value in chinese_calendar.workdays.items()
        if day.year == year
    ]
    return sorted(days)


def _replace_days(session: Session, year: int, days: Sequence[DayEntry]) -> int:
    """Make the stored days of a year equal `days`; returns how many rows changed."""
    existing = {row.day: row for row in session.scalars(_days_of(year))}
    wanted = {day: (is_workday, name) for day, is_workday, name in days}
    changed = 0
    for day in existing.keys() - wanted.keys():
        session.delete(existing[day])
        changed += 1
    for day, (is_workday, name) in wanted.items():
        row = existing.get(day)
        if row is None:
            session.add(CalendarDay(day=day, is_workday=is_workday, name=name))
        elif (row.is_workday, row.name) == (is_workday, name):
            continue
        else:
            row.is_workday, row.name = is_workday, name
        changed += 1
    return changed


def _days_of(year: int) -> Select[CalendarDay]:
    return select(CalendarDay).where(CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31)))


def _mark_official(session: Session, year: int, source: str) -> CalendarYear:
    row = session.get(CalendarYear, year)
    if row is None:
        row = CalendarYear(year=year)
        session.add(row)
    row.status, row.source, row.updated_at = CalendarYearStatus.official, source, utcnow()
    return row
