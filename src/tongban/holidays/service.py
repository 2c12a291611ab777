"""Replacing the arrangement of a year in force: check, preview, confirm, recompute.

Entering the State Council's notice for a year (replacing the provisional rule) is the
yearly task; correcting an official year is rarer. Either way every open deadline is
derived from the calendar (``cases.core.clocks``), so the change can move deadlines and tell
applicants. Hence:

- the new arrangement must be complete (``validation.py``);
- :func:`preview_year` shows, without changing anything, which days change and which
  deadlines move from when to when, and hands out a confirmation code;
- :func:`replace_year` acts only with the code of a preview of exactly this change to
  exactly the year as stored (``service.fingerprint``), so one careless call cannot
  re-date cases;
- a case gets an audit entry (and its applicant a message) only if one of its deadlines
  moved; deadlines that merely stop being provisional are listed in the year's entry.

It lives above ``cases`` and ``workdays`` in the layers: the calendar knows nothing of
cases; entering a year (``holidays.api``, ``tongban calendar set-year``) calls this.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.audit import service as audit
from tongban.audit.service import Actor
from tongban.cases.core import clocks
from tongban.cases.enums import ClockKind
from tongban.cases.models import Case, Clock
from tongban.cases.service import record_case
from tongban.textutil import counted
from tongban.workdays import service
from tongban.workdays.calendar import DayOverride, WorkCalendar
from tongban.workdays.enums import CalendarYearStatus
from tongban.workdays.errors import ConfirmationRequired, PreviewOutdated
from tongban.workdays.models import CalendarYear
from tongban.workdays.validation import DayEntry

__all__ = ["DeadlineMove", "YearChange", "preview_year", "recompute_open_deadlines", "replace_year"]


@dataclass(frozen=True)
class DayChange:
    """A date whose working status the replacement flips."""

    day: date
    is_workday: bool  # after the replacement
    name: str  # the holiday or make-up day it becomes or stops being


@dataclass(frozen=True)
class DeadlineMove:
    """One running clock whose due time moves."""

    case_number: str
    clock: ClockKind
    unit: str  # "working_days" or "hours" (office hours)
    old: datetime
    new: datetime


@dataclass(frozen=True)
class YearChange:
    """What replacing a year changes (a preview), or changed (after the replacement)."""

    year: int
    status: CalendarYearStatus  # of the year before the replacement
    source: str | None  # where the replaced arrangement came from (None: provisional rule)
    day_changes: tuple[DayChange, ...]
    moves: tuple[DeadlineMove, ...]
    confirmed: tuple[str, ...]  # cases whose provisional deadlines become official, unmoved
    confirm: str  # the code replace_year needs

    @property
    def cases_moved(self) -> list[str]:
        return sorted({move.case_number for move in self.moves})

    @property
    def messages(self) -> int:
        """Applicants told that a deadline moved: one message per case."""
        return len(self.cases_moved)


def preview_year(
    *, session: Session, year: int, days: Sequence[DayEntry], source: str
) -> YearChange:
    """What replacing `year` by `days` would change; changes nothing."""
    service.check_year(year=year, days=days, source=source)
    current = clocks.calendar(session)
    proposed = current.with_year(year, {d: DayOverride(w, n) for d, w, n in days})
    moves: list[DeadlineMove] = []
    confirmed: list[str] = []
    for case in _open_cases(session):
        case_moves, official = _would_move(proposed, case)
        moves += case_moves
        if official and not case_moves:
            confirmed.append(case.number)
    row = session.get(CalendarYear, year)
    return YearChange(
        year=year,
        status=row.status if row is not None else CalendarYearStatus.provisional,
        source=row.source if row is not None else None,
        day_changes=_day_changes(current, proposed, year),
        moves=tuple(moves),
        confirmed=tuple(confirmed),
        confirm=service.fingerprint(session=session, year=year, days=days, source=source),
    )


def replace_year(
    *,
    session: Session,
    year: int,
    days: Sequence[DayEntry],
    source: str,
    confirm: str | None,
    actor: Actor,
    now: datetime,
) -> YearChange:
    """Replace `year` as previewed and recompute open deadlines (audited, applicants told).

    Two administrators confirming the same preview at once: the year's row is locked
    (PostgreSQL) before the confirmation is checked, so the second sees the first's
    change and gets 409.
    """
    session.execute(select(CalendarYear).where(CalendarYear.year == year).with_for_update())
    preview = preview_year(session=session, year=year, days=days, source=source)
    if not confirm:
        raise ConfirmationRequired(
            f"替换 {year} 年日历将移动 {len(preview.cases_moved)} 个办件的期限、"
            f"发送 {preview.messages} 条通知。请先预览，核对无误后带上预览给出的确认码（confirm）再提交。",
            f"Replacing {year} moves the deadlines of {counted(len(preview.cases_moved), 'case')} "
            f"and sends {counted(preview.messages, 'message')}. Preview first, then send the preview's "
            "confirmation code (confirm).",
            field="confirm",
        )
    if confirm != preview.confirm:
        raise PreviewOutdated(
            f"{year} 年日历或提交的内容在预览之后有变化；请重新预览并确认。",
            f"The {year} calendar or the proposal changed since the preview; preview again.",
            field="confirm",
        )
    service.set_official_year(session=session, year=year, days=days, source=source)
    moves, confirmed = recompute_open_deadlines(session=session, actor=actor, now=now)
    done = YearChange(
        year=year,
        status=preview.status,
        source=preview.source,
        day_changes=preview.day_changes,
        moves=tuple(moves),
        confirmed=tuple(confirmed),
        confirm=preview.confirm,
    )
    _audit_year(session, done, new_source=source.strip(), actor=actor, now=now)
    return done


def recompute_open_deadlines(
    *, session: Session, actor: Actor, now: datetime
) -> tuple[list[DeadlineMove], list[str]]:
    """After a calendar change: recompute every running clock.

    Returns the moves and the cases whose deadlines only stopped being provisional. Each
    case with a moved deadline gets a ``calendar.deadline_recomputed`` entry, which
    tells its applicant (``outbox``).
    """
    moves: list[DeadlineMove] = []
    confirmed: list[str] = []
    for case in _open_cases(session):
        changed = clocks.recompute(session, case=case)
        moved = [(clock, old) for clock, old in changed if clock.due_at != old]
        if not moved:
            confirmed += [case.number] if changed else []
            continue
        moves += [_move(case, clock, old, clock.due_at) for clock, old in moved]
        record_case(
            session,
            now=now,
            action="calendar.deadline_recomputed",
            actor=actor,
            case=case,
            data={"clocks": [_clock_data(clock, old) for clock, old in moved]},
        )
    return moves, confirmed


def _open_cases(session: Session) -> Sequence[Case]:
    running = select(Clock.case_id).where(Clock.stopped_at.is_(None))
    return session.scalars(select(Case).where(Case.id.in_(running)).order_by(Case.id)).all()


def _would_move(proposed: WorkCalendar, case: Case) -> tuple[list[DeadlineMove], bool]:
    """The moves of a case's running clocks, and whether any would stop being provisional."""
    moves, official = [], False
    for clock in clocks.running(case):
        deadline = clocks.compute_due(proposed, clock, case.pauses)
        if deadline.due_at != clock.due_at:
            moves.append(_move(case, clock, clock.due_at, deadline.due_at))
        official = official or deadline.provisional != clock.provisional
    return moves, official


def _move(case: Case, clock: Clock, old: datetime, new: datetime) -> DeadlineMove:
    return DeadlineMove(case.number, ClockKind(clock.kind), clock.unit, old, new)


def _clock_data(clock: Clock, old: datetime) -> dict[str, object]:
    return {
        "kind": clock.kind,
        "old": old.isoformat(),
        "new": clock.due_at.isoformat(),
        "provisional": clock.provisional,
    }


def _day_changes(current: WorkCalendar, proposed: WorkCalendar, year: int) -> tuple[DayChange, ...]:
    changes = []
    day = date(year, 1, 1)
    while day.year == year:
        if current.is_workday(day) != proposed.is_workday(day):
            label = proposed.override(day) or current.override(day)
            name = label.name if label is not None else ""
            changes.append(DayChange(day, proposed.is_workday(day), name))
        day += timedelta(days=1)
    return tuple(changes)


def _audit_year(
    session: Session, change: YearChange, *, new_source: str, actor: Actor, now: datetime
) -> None:
    audit.record(
        session,
        at=now,
        action="calendar.year_replaced",
        actor=actor,
        object_type="calendar_year",
        object_id=change.year,
        from_state=change.status,
        to_state=CalendarYearStatus.official,
        data={
            "source": new_source,
            "previous_source": change.source,
            "days_changed": [c.day.isoformat() for c in change.day_changes],
            "cases_moved": change.cases_moved,
            "confirmed": list(change.confirmed),
        },
    )
