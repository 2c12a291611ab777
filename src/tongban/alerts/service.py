"""The alerts domain promises (电子监察): every watched time limit gets, once each, a
warning when a configurable share of it has run (``warning_share``, yellow), an overdue
alert when it runs out (red), and an escalation to the department head and the
supervisors ``escalation_grace_working_days`` later; each is an ``Alert`` row, an audit
entry (``alert.warning``, ``alert.overdue``, ``alert.escalated``) and in-app messages to
the staff concerned (``outbox.STAFF_TOPICS``), written in one transaction.

Moments are scheduled as durable jobs (``tongban.jobs``), one per watched thing, kept by
key: the domain that owns the limit (``cases.core.watch`` for clocks, ``verification``,
``ratings``) computes the moments on the working-day calendar and calls :func:`watch`
again whenever they move (a pause ends, a limit is extended, the calendar changes). Its
job handler calls :func:`raise_due`, which raises what is due and returns when to look
again, so a job that fires early or late does the right thing: one that catches up (a
worker that was down) raises only the highest level reached, not the ones it passed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, column, func, insert, select, table
from sqlalchemy.orm import Session

from tongban import timefmt
from tongban.alerts.enums import AlertLevel, Watched
from tongban.alerts.models import Alert
from tongban.alerts.recipients import recipients_of
from tongban.audit import service as audit
from tongban.config import get_settings
from tongban.jobs import service as jobs
from tongban.workdays.calendar import WorkCalendar

OFFICE_HOURS_PER_DAY = 8


@dataclass(frozen=True)
class Target:
    """One watched limit: what, whose (department), and when it runs out."""

    watched: Watched
    id: int
    department_code: str
    what: str  # the stage, the clock's kind (promised, legal), verification, rating
    due_at: datetime
    case_id: int | None = None


def escalation_at(cal: WorkCalendar, *, due_at: datetime, hours: bool, grace_days: int) -> datetime:
    """When an overdue limit is escalated: ``grace_days`` working days after it ran out
    (the end of the last of them), or for a limit in hours that many times 8 office hours;
    at once with 0."""
    if grace_days <= 0:
        return due_at
    if hours:
        return cal.add_working_time(
            due_at, timedelta(hours=OFFICE_HOURS_PER_DAY * grace_days)
        ).due_at
    return cal.add_working_days(due_at, grace_days - 1)  # due_at is the day after's midnight


def working_day_moments(
    cal: WorkCalendar, *, start: datetime, due_at: datetime
) -> list[tuple[AlertLevel, datetime | None]]:
    """The moments (UTC) of a limit in working days that runs from ``start`` to ``due_at``:
    the warning when ``warning_share`` of its whole working days have run (rounded down;
    None when that is not before the due time), overdue at the due time, escalation
    ``escalation_grace_working_days`` after it (a 协查 request, a complaint)."""
    settings = get_settings()
    days = cal.working_days_between(cal.working_start(start), due_at - timedelta(seconds=1))
    warning = cal.add_working_days(start, math.floor(days * settings.warning_share))
    grace = settings.escalation_grace_working_days
    return [
        (AlertLevel.warning, warning if warning < due_at else None),
        (AlertLevel.overdue, due_at),
        (AlertLevel.escalated, escalation_at(cal, due_at=due_at, hours=False, grace_days=grace)),
    ]


def watch(
    session: Session,
    *,
    watched: Watched,
    watched_id: int,
    at: datetime,
    now: datetime | None = None,
) -> None:
    """(Re)schedule the one watch job of a watched thing at ``at`` (UTC); things written
    in this transaction are watched with :func:`watch_new`."""
    jobs.enqueue(
        session,
        kind=f"{watched.value}.watch",
        key=f"{watched.value}.watch:{watched_id}",
        due_at=at,
        now=now,
        payload={"id": watched_id},
    )


def watch_new(
    session: Session, *, watched: Watched, first: Sequence[tuple[int, datetime]], now: datetime
) -> None:
    """The watch jobs of things written in this transaction, ``(id, first moment)`` each,
    in one statement (``jobs.enqueue_new``)."""
    jobs.enqueue_new(
        session,
        kind=f"{watched.value}.watch",
        jobs=[(f"{watched.value}.watch:{ident}", at, {"id": ident}) for ident, at in first],
        now=now,
    )


Moments = Sequence[tuple[AlertLevel, datetime | None]]


def raise_due(
    session: Session, *, target: Target, moments: Moments, now: datetime
) -> datetime | None:
    """Raise the highest level whose moment has come, when no level as high was raised
    yet; returns the next moment to look again, or None when no level is left.

    ``moments`` go from the lowest level to the highest. A watch that runs late (a worker
    that was down, the first run after a long pause) raises only the level a person needs
    now, once: a limit already run out is overdue, not warned about, and the levels it
    passed are never raised afterwards; whoever would have heard of them hears of the one
    raised. Idempotent: a level is raised once per watched thing (a unique row)."""
    return raise_all(session, [(target, moments)], now=now)[0]


Raised = dict[tuple[str, int], set[str]]  # (watched, id) -> the levels raised on it


def raised_levels(session: Session, targets: Sequence[Target]) -> Raised:
    """The levels already raised on each of ``targets`` (those with none left out), in one
    statement."""
    if not targets:
        return {}
    query = select(Alert.watched, Alert.watched_id, Alert.level).where(
        Alert.watched.in_({target.watched for target in targets}),
        Alert.watched_id.in_({target.id for target in targets}),
    )
    raised: Raised = {}
    for kind, ident, level in session.execute(query):
        raised.setdefault((kind, ident), set()).add(level)
    return raised


def raise_all(
    session: Session,
    watched: Sequence[tuple[Target, Moments]],
    *,
    now: datetime,
    raised: Raised | None = None,
) -> list[datetime | None]:
    """:func:`raise_due` for many watched things at once, in their order: the levels they
    raised read in one statement (unless given: ``raised``, from :func:`raised_levels`),
    the new alerts written in one (their audit entries and messages follow at the commit,
    one INSERT per table: ``audit.pending``)."""
    if not watched:
        return []
    if raised is None:
        raised = raised_levels(session, [target for target, _ in watched])
    again: list[datetime | None] = []
    due: list[tuple[Target, list[AlertLevel]]] = []  # the levels reached, the highest last
    for target, moments in watched:
        done_levels = raised.get((target.watched, target.id), set())
        done = max((i for i, (level, _) in enumerate(moments) if level in done_levels), default=-1)
        left = [(level, at) for level, at in moments[done + 1 :] if at is not None]
        reached = [level for level, at in left if at <= now]
        if reached:
            due.append((target, reached))
        again.append(next((at for _, at in left if at > now), None))
    heard = _heard(session, [target for target, _ in due])  # read before writing
    who = recipients_of(
        session, {(target.department_code, level) for target, reached in due for level in reached}
    )
    told = []
    for target, reached in due:
        key = (target.case_id, reached[-1], target.department_code, target.due_at)
        told.append(
            [] if target.case_id is not None and key in heard else _told(who, target, reached)
        )
        heard.add(key)
    raising = [
        _raise(target=target, level=reached[-1], told=who, now=now)
        for (target, reached), who in zip(due, told, strict=True)
    ]
    if raising:
        session.execute(insert(Alert), [alert for alert, _ in raising])
        audit.record_rows(session, [entry for _, entry in raising])
    return again


def _heard(session: Session, targets: Sequence[Target]) -> set[tuple[object, ...]]:
    """The (case, level, department, due moment) of the alerts already raised on the
    targets' cases: the department's people heard of them. Two watches of one case running
    out together (its promise and the stage ending with it, two 协查 asked at once) raise
    two alerts but tell once (the supervisors got 超期督办 twice for one case at the same
    second)."""
    cases = {target.case_id for target in targets if target.case_id is not None}
    if not cases:
        return set()
    query = select(Alert.case_id, Alert.level, Alert.department_code, Alert.due_at).where(
        Alert.case_id.in_(cases)
    )
    return {tuple(row) for row in session.execute(query)}


def _told(
    recipients_of: Mapping[tuple[str, AlertLevel], list[int]],
    target: Target,
    reached: Sequence[AlertLevel],
) -> list[int]:
    """Who hears of the highest level reached: its recipients and those of the levels it
    passed, who were never told of them."""
    return sorted(
        {user_id for level in reached for user_id in recipients_of[(target.department_code, level)]}
    )


def _raise(
    *, target: Target, level: AlertLevel, told: list[int], now: datetime
) -> tuple[dict[str, object], dict[str, Any]]:
    """The alert's row and its audit entry's (which tells ``told``)."""
    entry = audit.entry_row(
        at=now,
        action=f"alert.{level.value}",
        actor=audit.SYSTEM,
        object_type=target.watched.value,
        object_id=target.id,
        case_id=target.case_id,
        data={
            "alert": {
                "level": level.value,
                "what": target.what,
                "department": target.department_code,
                "due_at": target.due_at.isoformat(),
                "due_label": timefmt.deadline(target.due_at),
            },
            "recipients": told,
        },
    )
    alert = {
        "watched": target.watched,
        "watched_id": target.id,
        "level": level,
        "case_id": target.case_id,
        "department_code": target.department_code,
        "what": target.what,
        "due_at": target.due_at,
        "raised_at": now,
    }
    return alert, entry


def resolve(
    session: Session, *, watched: Watched, watched_ids: Sequence[int], now: datetime
) -> int:
    """The watched things ended (stage done, request answered, rating rectified): their
    open alerts are resolved. Returns how many."""
    if not watched_ids:
        return 0
    open_ = session.scalars(
        select(Alert).where(
            Alert.watched == watched, Alert.watched_id.in_(watched_ids), Alert.resolved_at.is_(None)
        )
    ).all()
    for alert in open_:
        alert.resolved_at = now
    return len(open_)


def open_alerts(
    session: Session,
    *,
    department: str | None = None,
    within: Select[str] | None = None,
    limit: int = 50,
) -> Sequence[Alert]:
    """Open alerts, the most serious and oldest first (a department's, or all; of the
    departments ``within`` selects, when given: a region's)."""
    query = select(Alert).where(Alert.resolved_at.is_(None))
    if department is not None:
        query = query.where(Alert.department_code == department)
    if within is not None:
        query = query.where(Alert.department_code.in_(within))
    rank = {AlertLevel.escalated: 0, AlertLevel.overdue: 1, AlertLevel.warning: 2}
    rows = session.scalars(query.order_by(Alert.raised_at, Alert.id)).all()
    return sorted(rows, key=lambda a: rank[AlertLevel(a.level)])[:limit]


def open_counts(
    session: Session, *, within: Select[str] | None = None
) -> dict[str, dict[str, int]]:
    """Open alerts per department and level: ``{"GA": {"warning": 2, …}}`` (of the
    departments ``within`` selects, when given)."""
    query = (
        select(Alert.department_code, Alert.level, func.count())
        .where(Alert.resolved_at.is_(None))
        .group_by(Alert.department_code, Alert.level)
    )
    if within is not None:
        query = query.where(Alert.department_code.in_(within))
    counts: dict[str, dict[str, int]] = {}
    for department, level, count in session.execute(query):
        counts.setdefault(department, {level.value: 0 for level in AlertLevel})[level] = int(count)
    return counts


_CASES = table("cases", column("id"), column("number"))  # read only: cases sits above alerts


@dataclass(frozen=True)
class AlertRow:
    """An open alert as pages list it, with its case's number."""

    alert: Alert
    case_number: str | None


def open_rows(
    session: Session,
    *,
    department: str | None = None,
    within: Select[str] | None = None,
    limit: int = 50,
) -> list[AlertRow]:
    """:func:`open_alerts` with the number of each alert's case."""
    found = open_alerts(session, department=department, within=within, limit=limit)
    ids = {a.case_id for a in found if a.case_id is not None}
    query = select(_CASES.c.id, _CASES.c.number).where(_CASES.c.id.in_(ids))
    numbers: dict[int, str] = {row.id: row.number for row in session.execute(query)} if ids else {}
    return [AlertRow(a, numbers.get(a.case_id) if a.case_id else None) for a in found]


def list_context(
    session: Session,
    *,
    department: str | None,
    within: Select[str] | None = None,
    limit: int = 50,
) -> dict[str, object]:
    """What ``alerts/_list.html`` shows: the open alerts (of a department, or all) and the
    configured grace its note states (the warning share is the pages' own
    ``warning_percent()``)."""
    return {
        "alert_rows": open_rows(session, department=department, within=within, limit=limit),
        "escalation_days": get_settings().escalation_grace_working_days,
    }
