"""Properties of a clock's time left across a pause, on the official calendar (no database):
while paused it stands still at what was left when the pause began, and resuming goes on
from there.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
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


def _clock(unit: str, limit: int, start: datetime) -> Clock:
    clock = Clock(kind=ClockKind.stage, unit=unit, limit=limit, extension=0, started_at=start)
    deadline = clocks.compute_due(CAL, clock, [])
    clock.due_at, clock.provisional = deadline.due_at, deadline.provisional
    return clock


@quick
@given(
    st.sampled_from(["working_days", "hours"]),
    st.integers(min_value=0, max_value=25),
    moments,
    spans,
    spans,
)
def test_a_paused_clock_stands_still_and_resumes_where_it_stood(
    unit: str, limit: int, start: datetime, before: timedelta, during: timedelta
) -> None:
    clock = _clock(unit, limit, start)
    began = start + before
    pause = CasePause(reason=PauseReason.hearing, started_at=began, ended_at=None)
    at_pause = clocks.time_left(CAL, clock, now=began)
    later = began + during
    frozen = clocks.time_left(CAL, clock, now=later, pauses=[pause])
    assert frozen.paused and frozen.amount == at_pause.amount
    assert frozen.urgency == at_pause.urgency and frozen.due_at >= clock.due_at

    pause.ended_at = later  # resume: the due time moves by the working time paused
    deadline = clocks.compute_due(CAL, clock, [pause])
    assert deadline.due_at == frozen.due_at
    clock.due_at = deadline.due_at
    resumed = clocks.time_left(CAL, clock, now=later, pauses=[pause])
    assert not resumed.paused
    if at_pause.amount >= 0:
        assert resumed.amount == at_pause.amount
    else:
        assert resumed.overdue
