"""Watching the clocks of cases (电子监察): a stage's limit and the whole case's promised
and legal limits get a warning, an overdue alert and an escalation at the moments
``tongban.alerts`` describes, counted on the working-day calendar like the due time
itself (``clocks.compute_due``), pauses (补正, art. 45) left out.

``clocks`` calls :func:`schedule` when a clock starts or its due time is recomputed (a
pause ends, the limit is extended, the calendar changes) and :func:`stopped` when it
stops. The job handler (kind ``clock.watch``) looks again at the clock when it fires:
stopped, nothing to do; paused, nothing until the pause ends (which schedules it again);
else it raises what is due and says when to come back.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session, SessionTransaction, load_only, selectinload

from tongban.alerts import service as alerts
from tongban.alerts.enums import AlertLevel, Watched
from tongban.cases.core import clocks
from tongban.cases.enums import ClockKind
from tongban.cases.models import Case, CasePause, Clock, Task
from tongban.config import get_settings
from tongban.jobs.registry import register
from tongban.timeutil import utcnow
from tongban.workdays.calendar import WorkCalendar

_STARTED = "tongban.watch.started"  # session.info: id(clock) -> (case, clock, now)
WATCHED_KINDS = frozenset({ClockKind.stage, ClockKind.promised, ClockKind.legal})
# The art. 32 acceptance clock is not watched: the platform itself accepts when it runs out.


def moments(
    cal: WorkCalendar,
    clock: Clock,
    pauses: Sequence[CasePause],
    *,
    now: datetime | None = None,
    raised: Collection[str] = (),
) -> list[tuple[AlertLevel, datetime | None]]:
    """When ``clock`` is warned about (None if that falls on the limit itself, e.g. a
    one-day limit), overdue and escalated (UTC): overdue at its stored due time (counted on
    ``cal``, the case's closed ``pauses`` left out: ``clocks.count_due``), the others
    counted from it on ``cal``.

    A watch that runs at ``now`` with the levels ``raised`` (``alerts.raised_levels``)
    counts only the moments ``alerts.raise_all`` can use then, the others None: the
    warning while no level is raised, the escalation once the clock is overdue."""
    settings = get_settings()
    due = clock.due_at
    warning: datetime | None = None
    if now is None or not raised:
        warning = clocks.compute_due(cal, clock, pauses, share=settings.warning_share).due_at
    escalated = None
    if now is None or now >= due:
        escalated = alerts.escalation_at(
            cal,
            due_at=due,
            hours=clock.unit == "hours",
            grace_days=settings.escalation_grace_working_days,
        )
    return [
        (AlertLevel.warning, warning if warning is not None and warning < due else None),
        (AlertLevel.overdue, due),
        (AlertLevel.escalated, escalated),
    ]


def schedule(
    session: Session,
    *,
    case: Case,
    clock: Clock,
    now: datetime | None = None,
    first: bool = False,
) -> None:
    """(Re)schedule the watch of a running clock at its first moment (the handler skips
    levels already raised). ``first``: the clock was started in this transaction; it is
    watched from the commit if it still runs then (a stage begun and ended in one unit of
    work, as an instant approval's are, needs no watch job and has no alert to resolve)."""
    if clock.kind not in WATCHED_KINDS or clock.stopped_at is not None:
        return
    started: dict[int, tuple[Case, Clock, datetime | None]] = session.info.setdefault(_STARTED, {})
    if first or clock.id is None or id(clock) in started:
        started[id(clock)] = (case, clock, now)
        return
    _enqueue(session, case, clock, now)


def _soonest(session: Session, case: Case, clock: Clock) -> datetime:
    return next(at for _, at in moments(clocks.calendar(session), clock, case.pauses) if at)


def _enqueue(session: Session, case: Case, clock: Clock, now: datetime | None) -> None:
    soonest = _soonest(session, case, clock)
    alerts.watch(session, watched=Watched.clock, watched_id=clock.id, at=soonest, now=now)


@event.listens_for(Session, "before_commit")
def _watch_started(session: Session) -> None:
    """The clocks started in the transaction and running at its end get their watch jobs,
    written together (its end, not a savepoint's release: a clock may still stop after
    that; one started in a savepoint rolled back is no longer in the session)."""
    if session.in_nested_transaction():
        return
    started = session.info.pop(_STARTED, {})
    running = [e for e in started.values() if e[1] in session and e[1].stopped_at is None]
    if any(clock.id is None for _, clock, _ in running):
        session.flush()
    by_moment: dict[datetime, list[tuple[int, datetime]]] = {}
    for case, clock, now in running:
        by_moment.setdefault(now or utcnow(), []).append((clock.id, _soonest(session, case, clock)))
    for moment, first in by_moment.items():  # one moment in a unit of work, as a rule
        alerts.watch_new(session, watched=Watched.clock, first=first, now=moment)


@event.listens_for(Session, "after_commit")
def _forget_started(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(_STARTED, None)


@event.listens_for(Session, "after_soft_rollback")
def _forget_started_on_rollback(session: Session, previous: SessionTransaction) -> None:
    if not previous.nested:
        session.info.pop(_STARTED, None)


def stopped(session: Session, *, ended: Sequence[Clock], now: datetime) -> None:
    """The clocks stopped (their stage or case is done): their open alerts are resolved
    (a clock started in this transaction has none: its watch has not run)."""
    started = session.info.get(_STARTED, {})
    ids = [
        clock.id
        for clock in ended
        if clock.kind in WATCHED_KINDS and clock.id is not None and id(clock) not in started
    ]
    alerts.resolve(session, watched=Watched.clock, watched_ids=ids, now=now)


def target(session: Session, *, case: Case, clock: Clock) -> alerts.Target:
    """Whose the clock is: a stage's department, or for the whole case the lead department."""
    return _target(case, clock, session.get(Task, clock.task_id) if clock.task_id else None)


def _target(case: Case, clock: Clock, task: Task | None) -> alerts.Target:
    return alerts.Target(
        watched=Watched.clock,
        id=clock.id,
        department_code=task.department_code if task else case.lead_department,
        what=task.stage.value if task else clock.kind.value,
        due_at=clock.due_at,
        case_id=case.id,
    )


def run_watches(
    session: Session, payloads: Sequence[dict[str, Any]], *, now: datetime
) -> list[datetime | None]:
    """The watch jobs of these clocks as a set (a worker's claimed batch): the clocks, their
    cases with their pauses and the stages' tasks read in four statements, the levels
    raised in one, the levels due computed here from the stored due times and raised with
    one write (``alerts.raise_all``); returns for each payload when to look again (None:
    stopped, or paused until the pause ends, which schedules the watch again).

    A clock whose due time was counted on another calendar than the one in force (a year
    changed without recomputing open deadlines: the package's seed at startup) is counted
    again first (``clocks.count_due``), once: it is stamped with the calendar's revision."""
    ids = [payload["id"] for payload in payloads]
    running = [
        c for c in session.scalars(select(Clock).where(Clock.id.in_(ids))) if c.stopped_at is None
    ]
    if not running:
        return [None] * len(payloads)
    with_pauses = select(Case).where(Case.id.in_({clock.case_id for clock in running}))
    whose = load_only(Case.id, Case.lead_department)  # no sealed applicant data opened
    cases = {
        case.id: case
        for case in session.scalars(with_pauses.options(whose, selectinload(Case.pauses)))
    }
    task_ids = {clock.task_id for clock in running if clock.task_id is not None}
    tasks = {t.id: t for t in session.scalars(select(Task).where(Task.id.in_(task_ids)))}
    cal, revision = clocks.calendar(session), clocks.revision(session)
    targets = []
    for clock in running:
        case, task = cases[clock.case_id], tasks.get(clock.task_id or 0)
        if clocks.open_pause(case) is not None:
            continue
        if clock.calendar_revision != revision:
            clocks.count_due(session, clock, case.pauses, task)
        targets.append((_target(case, clock, task), clock))
    raised = alerts.raised_levels(session, [target for target, _ in targets])
    watched = [
        (
            target,
            moments(
                cal,
                clock,
                cases[clock.case_id].pauses,
                now=now,
                raised=raised.get((target.watched, target.id), set()),
            ),
        )
        for target, clock in targets
    ]
    again = alerts.raise_all(session, watched, now=now, raised=raised)
    by_clock = {target.id: at for (target, _), at in zip(targets, again, strict=True)}
    return [by_clock.get(ident) for ident in ids]


@register("clock.watch", together=run_watches, batch=200)
def run_watch(session: Session, *, payload: dict[str, Any], now: datetime) -> datetime | None:
    """Raise the alerts of one clock that are due; returns when to look again."""
    return run_watches(session, [payload], now=now)[0]
