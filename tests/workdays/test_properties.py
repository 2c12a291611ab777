"""Properties of deadline arithmetic over official and provisional years."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.workdays.support import calendar_from_package
from tongban.workdays.calendar import SHANGHAI

CAL = calendar_from_package()  # module level: hypothesis forbids function-scoped fixtures
ONE_SECOND = timedelta(seconds=1)

# No example database: it would write into the working tree.
quick = settings(database=None, max_examples=150, deadline=None)

moments = st.datetimes(
    min_value=datetime(2004, 1, 1), max_value=datetime(2030, 6, 30), timezones=st.just(UTC)
)
# Within chinesecalendar's data, so it can serve as an independent oracle.
official_moments = st.datetimes(
    min_value=datetime(2004, 1, 1), max_value=datetime(2026, 9, 30), timezones=st.just(UTC)
)
counts = st.integers(min_value=0, max_value=200)
hours = st.floats(min_value=0, max_value=400, allow_nan=False, allow_infinity=False)


@quick
@given(moments, counts)
def test_monotone_in_n(start: datetime, n: int) -> None:
    assert CAL.add_working_days(start, n) < CAL.add_working_days(start, n + 1)


@quick
@given(moments, moments, counts)
def test_monotone_in_start(a: datetime, b: datetime, n: int) -> None:
    early, late = sorted((a, b))
    assert CAL.add_working_days(early, n) <= CAL.add_working_days(late, n)


@quick
@given(moments, st.integers(min_value=1, max_value=200), st.integers(0, 8 * 60 - 1))
def test_working_days_between_inverts_add(start: datetime, n: int, minute: int) -> None:
    workday = CAL.next_workday(CAL.local_date(start))
    opens = datetime.combine(workday, time(9), tzinfo=CAL.tz)
    start = opens + timedelta(minutes=minute)  # within office hours: the clock starts at once
    due = CAL.add_working_days(start, n)
    assert CAL.working_days_between(start, due - ONE_SECOND) == n


def _next_working_day(start: datetime) -> date:
    """Oracle from chinesecalendar: the day a clock started at ``start`` really starts (the
    same day within or before office hours of a working day, else the next working day)."""
    local = start.astimezone(SHANGHAI)
    day = local.date()
    if chinese_calendar.is_workday(day) and local.time() < time(17):
        return day
    day += timedelta(days=1)
    while not chinese_calendar.is_workday(day):
        day += timedelta(days=1)
    return day


@quick
@given(official_moments, st.integers(min_value=0, max_value=60))
def test_working_days_match_the_chinesecalendar_oracle(start: datetime, n: int) -> None:
    day = chinese_calendar.find_workday(n, _next_working_day(start))
    expected = datetime.combine(day + timedelta(days=1), time(), tzinfo=SHANGHAI)
    assert CAL.add_working_days(start, n) == expected


@quick
@given(moments, counts)
def test_due_at_the_end_of_a_working_day_never_before_the_clock_starts(
    start: datetime, n: int
) -> None:
    due = CAL.add_working_days(start, n)
    last_day = CAL.local_date(due - ONE_SECOND)
    assert CAL.is_workday(last_day)  # a limit of 0 too: the end of a working day
    assert due.astimezone(CAL.tz).time() == time()  # local midnight ending that day
    assert due > CAL.working_start(start) >= start  # never before the clock really starts
    assert CAL.is_workday(CAL.local_date(CAL.working_start(start)))


@quick
@given(moments)
def test_same_day_limit_is_due_at_the_end_of_the_day_the_clock_starts(start: datetime) -> None:
    begins = CAL.working_start(start)
    assert CAL.add_working_days(start, 0) == CAL.add_working_days(begins, 0)
    assert CAL.local_date(CAL.add_working_days(start, 0) - ONE_SECOND) == CAL.local_date(begins)


@quick
@given(moments, hours)
def test_hour_clocks_start_at_the_next_office_hours(start: datetime, amount: float) -> None:
    begins = CAL.working_start(start)
    opens, closes = (
        datetime.combine(CAL.local_date(begins), t, tzinfo=CAL.tz) for t in CAL.office_hours
    )
    assert opens <= begins < closes and CAL.is_workday(CAL.local_date(begins))
    assert CAL.working_hours_between(start, begins) == 0
    due = CAL.add_working_hours(start, amount).due_at
    assert due >= begins
    assert CAL.add_working_hours(start, 0).due_at == begins


@quick
@given(moments, hours)
def test_working_hours_round_trip(start: datetime, amount: float) -> None:
    deadline = CAL.add_working_hours(start, amount)
    assert deadline.due_at >= start
    assert CAL.working_hours_between(start, deadline.due_at) == pytest.approx(amount, abs=1e-6)


@quick
@given(moments, hours, hours)
def test_working_hours_monotone(start: datetime, a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert CAL.add_working_hours(start, low).due_at <= CAL.add_working_hours(start, high).due_at


@quick
@given(moments, counts)
def test_provisional_only_when_a_counted_day_is_unofficial(start: datetime, n: int) -> None:
    deadline = CAL.add_working_days_checked(start, n)
    last_day = CAL.local_date(deadline.due_at - ONE_SECOND)
    # The start's own day counts as looked at: whether it is a working day decides the start.
    assert deadline.provisional == (last_day.year > 2026)
