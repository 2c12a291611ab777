"""Properties of a clock's time left across a pause, on the official calendar (no database):
while paused it stands still at what was left when the pause began, and resuming goes on
from there. Hour clocks are measured in whole office minutes, limits of 0 (same day)
included; time left is never more than there is.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.workdays.support import calendar_from_package
from tongban.cases.core import clocks
from tongban.cases.enums import ClockKind, PauseReason
from tongban.cases.models import CasePause, Clock
from tongban.models import load_all

load_all()  # the case models refer to other domains' tables
CAL = calendar_from_package()
quick = settings(database=None, max_examples=150, deadline=None)
moments = st.datetimes(
    min_value=datetime(2005, 1, 1), max_value=datetime(2025, 6, 30), timezones=st.just(UTC)
)
spans = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=60))
units = st.sampled_from(["working_days", "hours"])
limits = st.integers(min_value=0, max_value=25)
office_minutes = st.integers(min_value=0, max_value=8 * 60 - 1)


def _clock(unit: str, limit: int, start: datetime) -> Clock:
    clock = Clock(kind=ClockKind.stage, unit=unit, limit=limit, extension=0, started_at=start)
    deadline = clocks.compute_due(CAL, clock, [])
    clock.due_at, clock.provisional = deadline.due_at, deadline.provisional
    return clock


def _freeze_and_resume(
    unit: str, limit: int, start: datetime, began: datetime, later: datetime
) -> tuple[float, float]:
    """(time left when the pause began, time left just after resuming at ``later``)."""
    clock = _clock(unit, limit, start)
    pause = CasePause(reason=PauseReason.hearing, started_at=began, ended_at=None)
    at_pause = clocks.time_left(CAL, clock, now=began)
    frozen = clocks.time_left(CAL, clock, now=later, pauses=[pause])
    assert frozen.paused and frozen.amount == at_pause.amount
    assert frozen.urgency == at_pause.urgency and frozen.due_at >= clock.due_at

    pause.ended_at = later  # resume: the due time moves by the working time paused
    deadline = clocks.compute_due(CAL, clock, [pause])
    assert deadline.due_at == frozen.due_at  # as announced while paused
    clock.due_at = deadline.due_at
    resumed = clocks.time_left(CAL, clock, now=later, pauses=[pause])
    assert not resumed.paused
    return at_pause.amount, resumed.amount


@quick
@given(units, limits, moments, spans, spans)
def test_a_paused_clock_stands_still(
    unit: str, limit: int, start: datetime, before: timedelta, during: timedelta
) -> None:
    frozen, resumed = _freeze_and_resume(
        unit, limit, start, start + before, start + before + during
    )
    # Paused or resumed after office hours, a day clock may be a day apart (due times are
    # midnights, working time begins at the next opening); hour clocks never.
    assert abs(resumed - frozen) <= (1 if unit == "working_days" else 0)


@quick
@given(units, limits, moments, spans, spans, office_minutes, office_minutes)
# paused at opening, a microsecond before the same-day clock started: still its whole limit
@example("hours", 0, datetime(2005, 2, 1, 1, 0, 0, 1, tzinfo=UTC), timedelta(0), timedelta(0), 0, 0)
def test_paused_and_resumed_in_office_hours_it_goes_on_where_it_stood(
    unit: str,
    limit: int,
    start: datetime,
    before: timedelta,
    during: timedelta,
    at: int,
    back: int,
) -> None:
    began = _in_office_hours(start + before, at)
    later = _in_office_hours(began + during, back)
    if later < began:
        later = began
    frozen, resumed = _freeze_and_resume(unit, limit, start, began, later)
    assert resumed == frozen


def _in_office_hours(moment: datetime, minute: int) -> datetime:
    day = CAL.local_date(CAL.working_start(moment))
    return datetime.combine(day, time(9), tzinfo=CAL.tz) + timedelta(minutes=minute)


@quick
@given(limits, moments, spans)
def test_minutes_left_are_the_office_time_left_rounded_down(
    limit: int, start: datetime, later: timedelta
) -> None:
    clock = _clock("hours", limit, start)
    now = start + later
    left = clocks.time_left(CAL, clock, now=now)
    assert left.unit == "minutes" and isinstance(left.amount, int)
    assert left.overdue == (now >= clock.due_at)
    if not left.overdue:
        seconds = CAL.working_time_between(now, clock.due_at).total_seconds()
        assert left.amount * 60 <= seconds < (left.amount + 1) * 60


@quick
@given(moments)
def test_a_same_day_limit_ends_the_day_it_starts_in_hours_as_in_working_days(
    start: datetime,
) -> None:
    hours, days = _clock("hours", 0, start), _clock("working_days", 0, start)
    begins = CAL.working_start(start)
    assert hours.due_at > begins and CAL.local_date(hours.due_at) == CAL.local_date(begins)
    assert CAL.working_time_between(hours.due_at, days.due_at) == timedelta(0)  # nothing after
    assert not clocks.time_left(CAL, hours, now=begins).overdue
