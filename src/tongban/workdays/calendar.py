"""Working-day arithmetic for statutory time limits (办理时限). Pure: no database.

Official years follow the published arrangement (holidays and make-up working days).
Any other year follows a provisional rule taken from the statute (《全国年节及纪念日放假办法》,
the revision in force that year, see ``statute.py``): weekends off plus the statutory
holidays, no make-up days. Results that depend on a provisional year say so, because the
real arrangement may move them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

from tongban.workdays.statute import statutory_holiday, statutory_holidays

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULT_OFFICE_HOURS = (time(9), time(17))
_ONE_DAY = timedelta(days=1)
_ZERO = timedelta(0)
# The chinesecalendar package's festivals by Chinese name without 节 (中秋 = 中秋节) →
# English: the names a calendar holds, from the package or the statute, in English.
_HOLIDAYS_EN = {h.chinese.removesuffix("节"): h.value for h in chinese_calendar.Holiday}


@dataclass(frozen=True)
class DayOverride:
    is_workday: bool
    name: str

    @property
    def name_en(self) -> str | None:
        """The holiday's name in English (国庆节 → National Day; 中秋、国庆节 → Mid-autumn
        Festival, National Day), or None for a name no festival has (one an administrator
        typed, a make-up day's)."""
        parts = [part.strip().removesuffix("节") for part in self.name.split("、")]
        known = [_HOLIDAYS_EN[part] for part in parts if part in _HOLIDAYS_EN]
        return ", ".join(known) if len(known) == len(parts) else None


@dataclass(frozen=True)
class Deadline:
    due_at: datetime  # aware UTC
    provisional: bool  # some day counted lies in a year without an official arrangement


def _dates(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += _ONE_DAY


class WorkCalendar:
    """Which dates are working days, and deadline arithmetic over them."""

    def __init__(
        self,
        exceptions: Mapping[date, DayOverride],
        official_years: Iterable[int],
        tz: ZoneInfo = SHANGHAI,
        office_hours: tuple[time, time] = DEFAULT_OFFICE_HOURS,
    ) -> None:
        opens, closes = office_hours
        if opens.tzinfo is not None or closes.tzinfo is not None or opens >= closes:
            raise ValueError("office hours must be two naive local times, opening first")
        self.tz = tz
        self.office_hours = office_hours
        self.official_years = frozenset(official_years)
        # Copied so a caller mutating its mapping cannot change past answers.
        self._exceptions = {d: o for d, o in exceptions.items() if d.year in self.official_years}

    def with_year(self, year: int, days: Mapping[date, DayOverride]) -> WorkCalendar:
        """This calendar with `year` following the official arrangement `days` instead."""
        kept = {d: o for d, o in self._exceptions.items() if d.year != year}
        kept |= {d: o for d, o in days.items() if d.year == year}
        official = self.official_years | {year}
        return WorkCalendar(kept, official, tz=self.tz, office_hours=self.office_hours)

    # -- single dates -------------------------------------------------------------

    def is_provisional(self, d: date) -> bool:
        return d.year not in self.official_years

    def provisional_holidays(self, year: int) -> dict[date, str]:
        return statutory_holidays(year)

    def override(self, d: date) -> DayOverride | None:
        """The holiday or make-up day that d is, if any (None for an ordinary day)."""
        if not self.is_provisional(d):
            return self._exceptions.get(d)
        name = statutory_holiday(d)
        return None if name is None else DayOverride(is_workday=False, name=name)

    def is_workday(self, d: date) -> bool:
        found = self.override(d)
        return found.is_workday if found is not None else d.weekday() < 5

    def next_workday(self, d: date) -> date:
        """The first working day strictly after d."""
        d += _ONE_DAY
        while not self.is_workday(d):
            d += _ONE_DAY
        return d

    # -- working days -------------------------------------------------------------

    def local_date(self, moment: datetime) -> date:
        return self._local(moment).date()

    def working_start(self, moment: datetime) -> datetime:
        """When a clock started at ``moment`` really starts (UTC): ``moment`` itself within
        office hours of a working day, else the next opening (before opening on a working
        day: that morning; after closing, or on a rest day: the next working day's)."""
        day, cursor = self.local_date(moment), self._local(moment).astimezone(UTC)
        while True:
            for opens, closes in self._office_window(day):
                if cursor < closes:
                    return max(opens, cursor)
            day = self.next_workday(day)

    def add_working_days_checked(self, start: datetime, n: int) -> Deadline:
        """End of the n-th working day after the day the clock starts (that day not
        counted); n = 0 (即办) is the end of that day. A clock started outside working time
        starts on the next working day (see :meth:`working_start`), so a limit never runs
        out on a rest day or minutes after a late-evening submission."""
        if n < 0:
            raise ValueError("n must not be negative")
        day, remaining = self.local_date(self.working_start(start)), n
        while remaining:
            day += _ONE_DAY
            remaining -= self.is_workday(day)
        return Deadline(self._end_of(day), self._any_provisional(self.local_date(start), day))

    def add_working_days(self, start: datetime, n: int) -> datetime:
        return self.add_working_days_checked(start, n).due_at

    def add_calendar_days_checked(self, start: datetime, n: int) -> Deadline:
        """End of the n-th calendar day after the day the clock starts: that day is not
        counted (《民法典》第二百零一条, 《行政许可法》第八十二条), and a last day that is a
        statutory holiday or rest day gives way to the next working day (《民法典》第二百零三条).
        n = 0 (即办) is the end of the working day the clock starts on, as for working days."""
        if n < 0:
            raise ValueError("n must not be negative")
        if n == 0:
            return self.add_working_days_checked(start, 0)
        first = self.local_date(start)
        day = first + timedelta(days=n)
        if not self.is_workday(day):
            day = self.next_workday(day)
        return Deadline(self._end_of(day), self._any_provisional(first, day))

    def calendar_days_between(self, start: datetime, end: datetime) -> int:
        """Dates d with local_date(start) < d <= local_date(end) (0 if end is earlier)."""
        return max(0, (self.local_date(end) - self.local_date(start)).days)

    def working_days_between(self, start: datetime, end: datetime) -> int:
        """Working dates d with local_date(start) < d <= local_date(end)."""
        first = self.local_date(start) + _ONE_DAY
        return sum(self.is_workday(d) for d in _dates(first, self.local_date(end)))

    # -- office hours -------------------------------------------------------------

    def add_working_hours(self, start: datetime, hours: float) -> Deadline:
        """The first moment at which `hours` office hours have passed since start; the clock
        starts at the next office hours (:meth:`working_start`), so 0 hours is that moment."""
        if not math.isfinite(hours) or hours < 0:
            raise ValueError("hours must be a finite, non-negative number")
        return self.add_working_time(start, timedelta(hours=hours))

    def add_working_time(self, start: datetime, span: timedelta) -> Deadline:
        """:meth:`add_working_hours` for an exact span of office time (no float hours)."""
        if span < _ZERO:
            raise ValueError("span must not be negative")
        cursor, remaining = self.working_start(start), span
        day = self.local_date(cursor)
        provisional = self._any_provisional(self.local_date(start), day)
        while True:
            for opens, closes in self._office_window(day):
                begin = max(opens, cursor)
                if closes - begin >= remaining:
                    return Deadline(begin + remaining, provisional)
                remaining -= max(closes - begin, _ZERO)
            day += _ONE_DAY
            provisional = provisional or self.is_provisional(day)

    def in_office_hours(self, moment: datetime) -> bool:
        """Whether ``moment`` falls in office hours (opening included, closing not) of a
        working day: when an appointment with a department's staff can be made."""
        return self.working_start(moment) == moment

    def office_close(self, start: datetime) -> datetime:
        """When office hours close (UTC) on the working day a clock started at ``start``
        runs on (:meth:`working_start`): a limit of 0 hours (当场/即时办结) ends then, as a
        limit of 0 working days ends with that day."""
        begins = self.working_start(start)
        ((_, closes),) = self._office_window(self.local_date(begins))
        return closes

    def working_hours_between(self, start: datetime, end: datetime) -> float:
        """Office hours on working days between two moments (0 if end <= start)."""
        return self.working_time_between(start, end) / timedelta(hours=1)

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Office time on working days between two moments, exactly (0 if end <= start)."""
        lo, hi = self._local(start).astimezone(UTC), self._local(end).astimezone(UTC)
        total = _ZERO
        for day in _dates(self.local_date(start), self.local_date(end)):
            for opens, closes in self._office_window(day):
                total += max(min(closes, hi) - max(opens, lo), _ZERO)
        return total

    # -- helpers --------------------------------------------------------------------

    def _local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("naive datetime: pass an aware one so the local date is certain")
        return moment.astimezone(self.tz)

    def _end_of(self, d: date) -> datetime:
        # Local midnight starting the next day, so "due by" comparisons are a plain `<`.
        return datetime.combine(d + _ONE_DAY, time(), tzinfo=self.tz).astimezone(UTC)

    def _office_window(self, d: date) -> list[tuple[datetime, datetime]]:
        # Zero or one window; a list lets callers loop without a None check.
        if not self.is_workday(d):
            return []
        opens, closes = (datetime.combine(d, t, tzinfo=self.tz) for t in self.office_hours)
        return [(opens.astimezone(UTC), closes.astimezone(UTC))]

    def _any_provisional(self, first: date, last: date) -> bool:
        return any(y not in self.official_years for y in range(first.year, last.year + 1))
