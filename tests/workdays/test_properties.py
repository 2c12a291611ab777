"""Properties of deadline arithmetic over official and provisional years."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.workdays.support import calendar_from_package

CAL = calendar_from_package()  # module level: hypothesis forbids function-scoped fixtures
ONE_SECOND = timedelta(seconds=1)

# No example database: it would write into the working tree.
quick = settings(database=None, max_examples=150, deadline=None)

moments = st.datetimes(
    min_value=datetime(2004, 1, 1), max_value=datetime(2030, 6, 30), timezones=st.just(UTC)
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
@given(moments, st.integers(min_value=1, max_value=200))
def test_working_days_between_inverts_add(start: datetime, n: int) -> None:
    workday = CAL.next_workday(CAL.local_date(start))
    start = datetime.combine(workday, start.time(), tzinfo=CAL.tz)
    due = CAL.add_working_days(start, n)
    assert CAL.working_days_between(start, due - ONE_SECOND) == n


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
    assert deadline.provisional == (n > 0 and last_day.year > 2026)
