"""Time limits of cases and tasks, counted on the holiday calendar.

A clock's due time is always ``start + limit + extension + paused time``, counted in
working days, calendar days (日: a last day on a holiday or rest day moves to the next
working day, 《民法典》第二百零三条) or office hours on the calendar in force; a limit of 0 (即办, 当场) ends
with the working day the clock starts on: at its end for working days, at the close of
its office hours for hours. Time left is a whole number of working days or office
minutes. Because the due time is derived, an administrator entering a new year's official
calendar can recompute every open deadline; :func:`recompute` does that and reports which
clocks moved.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from tongban import timefmt
from tongban.cases.core import watch
from tongban.cases.enums import ClockKind
from tongban.cases.models import Case, CasePause, Clock, Task
from tongban.config import get_settings
from tongban.workdays import service as workdays
from tongban.workdays.calendar import Deadline, WorkCalendar
from tongban.workdays.models import CalendarYear

_cache: dict[tuple[object, ...], WorkCalendar] = {}
MINUTES = "minutes"  # the unit time left is counted in on a clock in office hours
CALENDAR_DAYS = "calendar_days"  # 日


def _office_hours() -> tuple[time, time]:
    start, end = get_settings().office_hours.split("-")
    return time.fromisoformat(start), time.fromisoformat(end)


_IN_SESSION = "tongban.calendar"  # session.info key: the calendar this transaction reads


def calendar(session: Session) -> WorkCalendar:
    """The calendar in force, rebuilt only when an administrator changed a year.

    Its revision (:func:`revision`) is read once per transaction, not once per call: a
    page of a hundred tasks asks once. A flush that writes a year, a commit and a rollback
    forget it (:func:`_forget`)."""
    return _in_force(session)[0]


def revision(session: Session) -> str:
    """The revision of the calendar in force: how many years it holds and when one last
    changed (``"23 2026-12-03T10:20:00+00:00"``), which a clock's due time is stamped
    with (``Clock.calendar_revision``)."""
    return _in_force(session)[1]


def _in_force(session: Session) -> tuple[WorkCalendar, str]:
    known = session.info.get(_IN_SESSION)
    if known is not None and not _writes_calendar(session):
        return known  # type: ignore[no-any-return]
    years, changed = session.execute(
        select(func.count(CalendarYear.year), func.max(CalendarYear.updated_at))
    ).one()
    stamp = f"{years} {changed.isoformat() if changed is not None else '-'}"
    key = (session.get_bind().engine.url.render_as_string(), stamp)
    if key not in _cache:
        _cache.clear()
        _cache[key] = workdays.load_calendar(
            session=session, tz=ZoneInfo(get_settings().timezone), office_hours=_office_hours()
        )
    session.info[_IN_SESSION] = (_cache[key], stamp)
    return _cache[key], stamp


@event.listens_for(Session, "after_commit")
def _forget_on_commit(session: Session) -> None:
    if not session.in_nested_transaction():  # a savepoint's release changes no year
        _forget(session)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, *_: object) -> None:
    session.info.pop(_IN_SESSION, None)


def _writes_calendar(session: Session) -> bool:
    """A year is added, changed or deleted in the session and not flushed yet (the
    changed rows only are looked at, not the whole identity map)."""
    pending = (*session.new, *session.dirty, *session.deleted)
    return any(isinstance(row, CalendarYear) for row in pending)


@event.listens_for(Session, "before_flush")
def _forget_on_calendar_write(session: Session, *_: object) -> None:
    """A year written in this transaction: the next read builds the calendar again."""
    if _writes_calendar(session):
        _forget(session)


def open_pause(case: Case) -> CasePause | None:
    """The pause (补正, or an art. 45 procedure) the case's clocks stand still in, if any."""
    return next((pause for pause in case.pauses if pause.ended_at is None), None)


def _paused_spans(
    clock: Clock, pauses: Sequence[CasePause], now: datetime | None
) -> list[tuple[datetime, datetime]]:
    """The stretches of the pauses while the clock ran; a pause still open lasts up to
    ``now`` (and is left out without it)."""
    spans = []
    for pause in pauses:
        end = pause.ended_at or now
        if end is None:
            continue
        if clock.stopped_at is not None:
            end = min(end, clock.stopped_at)
        start = max(pause.started_at, clock.started_at)
        if end > start:
            spans.append((start, end))
    return spans


def office_limit(cal: WorkCalendar, clock: Clock) -> timedelta:
    """The office time an hour clock's limit grants, extension left out. A limit of 0
    hours (当场/即时办结) runs to the close of office hours of the working day the clock
    starts on, as a limit of 0 working days (即办) runs to the end of that day: a stage
    started at 10:00 is due at 17:00, one started on a rest day or after hours at the
    close of the next working day."""
    if clock.limit:
        return timedelta(hours=clock.limit)
    return cal.working_time_between(clock.started_at, cal.office_close(clock.started_at))


def compute_due(
    cal: WorkCalendar,
    clock: Clock,
    pauses: Sequence[CasePause],
    *,
    now: datetime | None = None,
    share: float = 1.0,
) -> Deadline:
    """The due time of ``clock`` given the case's pauses. Without ``now`` a pause still
    open is left out (the stored ``due_at``); with it, the due time if the clock resumed
    at ``now``. Hour clocks move by the office time paused, working-day clocks by the
    working days from the day a pause began to the one the clock resumes on, calendar-day
    clocks by the calendar days between those two days. With ``share`` < 1,
    the moment that share of the limit has run (a warning): the exact office time for
    hours; for days, whole days rounded down (warned early rather than late)."""
    spans = _paused_spans(clock, pauses, now)
    if clock.unit == "hours":
        office = (office_limit(cal, clock) + timedelta(hours=clock.extension)) * share
        for start, end in spans:
            office += cal.working_time_between(start, end)
        return cal.add_working_time(clock.started_at, office)
    days = math.floor((clock.limit + clock.extension) * share + 1e-9)
    if clock.unit == CALENDAR_DAYS:
        days += sum(cal.calendar_days_between(start, end) for start, end in spans)
        return cal.add_calendar_days_checked(clock.started_at, days)
    for start, end in spans:
        days += cal.working_days_between(cal.working_start(start), cal.working_start(end))
    return cal.add_working_days_checked(clock.started_at, days)


def start_clock(
    session: Session,
    *,
    case: Case,
    kind: ClockKind,
    unit: str,
    limit: int,
    now: datetime,
    task: Task | None = None,
) -> Clock:
    """Start a clock now; a task's due time follows its stage clock (a task not written
    yet is written with it, in one INSERT rather than an INSERT and an UPDATE). Its watch
    job waits for the commit (``watch.schedule(first=True)``) even when something flushed
    the clock before: its first alert is days away, and a clock stopped in the same unit
    of work needs none."""
    clock = Clock(case_id=case.id, kind=kind, unit=unit, limit=limit, started_at=now, extension=0)
    with session.no_autoflush:
        count_due(session, clock, [], task)
    if task is not None:
        if task.id is None:
            session.flush()
        clock.task_id = task.id
    session.add(clock)
    case.clocks.append(clock)
    watch.schedule(session, case=case, clock=clock, now=now, first=True)
    return clock


def start_stage_clocks(
    session: Session, *, case: Case, now: datetime, limits: Sequence[tuple[Task, str, int]]
) -> list[Clock]:
    """Start the stage clock of each new task (with its ``unit`` and ``limit``) now: the
    tasks are written with their due times, then the clocks (their watch jobs at the
    commit, ``watch.schedule``)."""
    started = []
    with session.no_autoflush:
        for task, unit, limit in limits:
            clock = Clock(
                case_id=case.id,
                kind=ClockKind.stage,
                unit=unit,
                limit=limit,
                started_at=now,
                extension=0,
            )
            count_due(session, clock, [], task)
            started.append(clock)
    session.flush()
    for clock, (task, _unit, _limit) in zip(started, limits, strict=True):
        clock.task_id = task.id
    session.add_all(started)
    case.clocks.extend(started)
    for clock in started:
        watch.schedule(session, case=case, clock=clock, now=now, first=True)
    return started


def running(case: Case, *kinds: ClockKind) -> list[Clock]:
    return [c for c in case.clocks if c.stopped_at is None and (not kinds or c.kind in kinds)]


def stop_clocks(
    session: Session,
    *,
    case: Case,
    now: datetime,
    kinds: Sequence[ClockKind] = (),
    task: Task | None = None,
) -> None:
    """Stop the running clocks of a case (of some kinds, or of one task). Stopped while
    paused, a clock's due time takes in the pause so far: it was not late for it."""
    pause = open_pause(case)
    cal = calendar(session) if pause is not None else None
    tasks = {t.id: t for t in case.tasks}
    stopped = []
    for clock in running(case, *kinds):
        if task is not None and clock.task_id != task.id:
            continue
        clock.stopped_at = now
        stopped.append(clock)
        if cal is not None:
            deadline = compute_due(cal, clock, case.pauses, now=now)
            clock.due_at, clock.provisional = deadline.due_at, deadline.provisional
            if clock.task_id in tasks:
                tasks[clock.task_id].due_at = clock.due_at
    watch.stopped(session, ended=stopped, now=now)


def recompute(session: Session, *, case: Case) -> list[tuple[Clock, datetime]]:
    """Recompute running clocks of a case, and when their alerts are due; returns
    (clock, old due) for those that moved."""
    moved = []
    tasks = {task.id: task for task in case.tasks}
    for clock in running(case):
        old = clock.due_at, clock.provisional
        count_due(session, clock, case.pauses, tasks.get(clock.task_id or 0))
        if (clock.due_at, clock.provisional) != old:
            moved.append((clock, old[0]))
        watch.schedule(session, case=case, clock=clock)
    return moved


def count_due(
    session: Session, clock: Clock, pauses: Sequence[CasePause], task: Task | None = None
) -> None:
    """Count ``clock``'s due time on the calendar in force (``compute_due``, the case's
    closed ``pauses`` left out) and stamp it with the calendar's :func:`revision`; its
    ``task``'s due time follows."""
    cal, stamp = _in_force(session)
    deadline = compute_due(cal, clock, pauses)
    clock.due_at, clock.provisional = deadline.due_at, deadline.provisional
    clock.calendar_revision = stamp
    if task is not None:
        task.due_at = deadline.due_at


def end_pause(session: Session, *, case: Case, now: datetime) -> list[tuple[Clock, datetime]]:
    """End the case's open pause: running clocks' due times move by the working time it
    took. Returns (clock, old due) of those that moved."""
    pause = open_pause(case)
    if pause is None:
        return []
    pause.ended_at = now
    return recompute(session, case=case)


@dataclass(frozen=True)
class TimeLeft:
    """How much of a limit is left (negative: overdue), a whole number in ``unit``:
    working days for a clock in working days, calendar days for one in calendar days, office
    minutes (``minutes``) for a clock in
    office hours. Time left is rounded down, never up to more than there is; time overdue
    is rounded up (a day or a minute begun counts), so ``overdue`` is exactly
    ``now >= due_at``. While the clock is paused the amount stands still at what was left
    when the pause began, and ``due_at`` is when the limit would run out if it resumed now.
    """

    amount: int
    unit: str  # "working_days", "calendar_days" or "minutes"
    due_at: datetime
    provisional: bool
    paused: bool
    limit: int  # the limit with its extension, in ``unit``
    extension: int = 0  # art. 42 extension included in ``limit``

    @property
    def overdue(self) -> bool:
        return self.amount < 0

    @property
    def urgency(self) -> str:
        """red: overdue; yellow: at most ``yellow_left`` of the limit left; green."""
        if self.overdue:
            return "red"
        return "yellow" if self.amount <= yellow_left(self.limit) else "green"


def yellow_left(limit: int) -> int:
    """The most time left that shows yellow on a clock of ``limit`` (with its extension, in
    its amounts: working or calendar days, or office minutes): what is left once the
    configured warning share (``warning_share``, 2/3 by default) has run, when the staff are
    warned (``alerts``); whole days or minutes, the share's part rounded down as theirs."""
    return limit - math.floor(limit * get_settings().warning_share + 1e-9)


def time_left_at(cal: WorkCalendar, unit: str, moment: datetime, due_at: datetime) -> int:
    """Time from ``moment`` to ``due_at`` (negative from it on): whole office minutes,
    whole working days left after the working day in progress or next, or whole calendar
    days left after today (so a clock has its whole limit left when it starts, and 0 on its
    last day); a minute or a day begun counts as one overdue."""
    if unit == "hours":
        if moment < due_at:
            return timefmt.whole_minutes(cal.working_time_between(moment, due_at))
        return -timefmt.whole_minutes(cal.working_time_between(due_at, moment), overdue=True)
    last = due_at - timedelta(seconds=1)
    if unit == CALENDAR_DAYS:
        if moment < due_at:
            return cal.calendar_days_between(moment, last)
        return -max(1, cal.calendar_days_between(last, moment))
    if moment < due_at:
        return cal.working_days_between(cal.working_start(moment), last)
    return -max(1, cal.working_days_between(last, moment))


def time_left(
    cal: WorkCalendar, clock: Clock, *, now: datetime, pauses: Sequence[CasePause] = ()
) -> TimeLeft:
    """Working time left before ``clock`` is due, standing still while a pause is open."""
    pause = next((p for p in pauses if p.ended_at is None and p.started_at <= now), None)
    # Counted from the clock's start at the earliest: before it, its whole limit is left.
    moment, due = max(now, clock.started_at), Deadline(clock.due_at, clock.provisional)
    if pause is not None:
        moment = max(pause.started_at, clock.started_at)
        due = compute_due(cal, clock, pauses, now=now)
    per_unit = 60 if clock.unit == "hours" else 1
    return TimeLeft(
        time_left_at(cal, clock.unit, moment, clock.due_at),
        MINUTES if clock.unit == "hours" else clock.unit,
        due.due_at,
        due.provisional,
        pause is not None,
        (clock.limit + clock.extension) * per_unit,
        clock.extension * per_unit,
    )
