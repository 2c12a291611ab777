"""How times, deadlines and time left are written, everywhere: pages, PDFs, the API.

All of it is in the configured zone (``TONGBAN_TIMEZONE``), never a fixed one. The
convention for deadlines (docs/architecture.md, "Time limits"):

* A limit in working days runs to the end of its last working day. The stored due time
  is the exclusive end (local midnight starting the next day); people are shown that
  last day: ``2027-01-12``, meaning the whole day still counts.
* A limit in office hours ends at a moment: shown as date and time, ``2027-01-12 15:30``.

Since only a day limit ends exactly at local midnight, :func:`deadline` tells the two
apart by the due time alone, and every due time (tasks, 协查, ratings) goes through it.
Time left is counted and written in whole working days, or for limits in hours in whole
minutes (:func:`whole_minutes`: left rounded down, overdue rounded up) and written in hours
and minutes (``2 小时 15 分钟``, ``57 分钟``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tongban.config import get_settings

Gettext = Callable[..., str]
MOMENT = "%Y-%m-%d %H:%M"
DAY = "%Y-%m-%d"


def zone(name: str | None = None) -> ZoneInfo:
    """The zone pages are shown in: ``name``, or the configured ``TONGBAN_TIMEZONE``."""
    return ZoneInfo(name or get_settings().timezone)


def local(value: datetime, tz: ZoneInfo | None = None) -> datetime:
    return value.astimezone(tz or zone())


def moment(value: datetime | None, tz: ZoneInfo | None = None, fmt: str = MOMENT) -> str:
    """When something happened, to the minute (``""`` for nothing)."""
    return "" if value is None else local(value, tz).strftime(fmt)


def last_day(due_at: datetime, tz: ZoneInfo | None = None) -> date | None:
    """The last day a deadline in working days allows (None for a deadline in hours)."""
    due = local(due_at, tz)
    if due.time() != time(0):
        return None
    return (due - timedelta(days=1)).date()


def deadline(due_at: datetime | None, tz: ZoneInfo | None = None) -> str:
    """A due time as people read it: its last day for day limits, else date and time."""
    if due_at is None:
        return ""
    day = last_day(due_at, tz)
    return day.strftime(DAY) if day is not None else moment(due_at, tz)


def whole_minutes(span: timedelta, *, overdue: bool = False) -> int:
    """A span of time left in whole minutes, rounded down: never more time than there is
    (57 minutes 59 seconds are 57). Time ``overdue`` is rounded up instead, at least 1: a
    minute begun counts, as a working day begun does, so the moment a limit runs out is
    already overdue by 1."""
    seconds = max(span, timedelta(0)) // timedelta(seconds=1)
    if not overdue:
        return int(seconds // 60)
    return max(1, -(-span // timedelta(minutes=1)))


def duration(amount: float, unit: str, ngettext: Gettext) -> str:
    """An amount of time left or overdue (its sign ignored) in ``unit`` (``working_days``,
    ``calendar_days``, ``minutes``, or ``hours`` for limits as items state them): ``3 个工作日``, ``48 分钟``,
    ``2 小时 15 分钟``. Minutes and hours are office time for clocks, plain for ratings.
    ``ngettext`` is the page's ``_n`` (``web.i18n.ngettext_for``): "1 working day"."""
    if unit == "working_days":
        return _count(ngettext, abs(amount), "%(num)s 个工作日")
    if unit == "calendar_days":
        return _count(ngettext, abs(amount), "%(num)s 日")
    total = round(abs(amount) * 60) if unit == "hours" else int(abs(amount))
    hours, minutes = divmod(total, 60)
    parts = [_count(ngettext, hours, "%(num)s 小时")] if hours else []
    if minutes or not hours:
        parts.append(_count(ngettext, minutes, "%(num)s 分钟"))
    return " ".join(parts)


def _count(ngettext: Gettext, n: float, message: str) -> str:
    return ngettext(message, n, num=f"{n:g}")  # 1.5, not 1.50; 2, not 2.0


def chinese_date(value: datetime, tz: ZoneInfo | None = None) -> str:
    """A date as documents write it: 2026年12月7日."""
    day = local(value, tz)
    return f"{day.year}年{day.month}月{day.day}日"


def validity_end(issued_at: datetime, years: int, tz: ZoneInfo | None = None) -> date:
    """The last day of a validity of ``years`` years from the local day of ``issued_at``
    (the configured zone, ``TONGBAN_TIMEZONE``): the day before its anniversary, 28
    February for one issued on 29 February; the 有效期至 of the licence record
    (GB/T 36904 e-licence: dates, not moments) and of every page and answer."""
    day = local(issued_at, tz).date()
    try:
        end = day.replace(year=day.year + years)
    except ValueError:  # 29 February
        end = day.replace(year=day.year + years, day=28)
    return end - timedelta(days=1)


def end_of_day(day: date, tz: ZoneInfo | None = None) -> datetime:
    """The last moment of the local ``day``, as an aware UTC-comparable datetime: a
    validity end stored as a moment that falls on that day in the configured zone."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz or zone()) - timedelta(
        microseconds=1
    )
