"""Figures for e-supervision (电子监察): what is late and whose it is, volumes and on-time
rates, computed from the case and task rows (never stored counters).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tongban.cases.enums import CaseState, Stage, TaskState
from tongban.cases.models import Case, Task

SOON = timedelta(hours=24)


@dataclass
class DepartmentFigures:
    open: int = 0
    due_soon: int = 0
    overdue: int = 0
    finished: int = 0
    finished_on_time: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return round(self.finished_on_time / self.finished, 3) if self.finished else None


@dataclass
class Dashboard:
    by_state: dict[str, int]
    departments: dict[str, DepartmentFigures]
    overdue: list[Task]
    received_per_day: list[tuple[str, int]]
    hours_per_stage: dict[str, float] = field(default_factory=dict)


def _by_state(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(Case.state, func.count()).where(Case.state != CaseState.draft).group_by(Case.state)
    ).all()
    return {str(state): int(count) for state, count in rows}


def _departments(session: Session, now: datetime) -> dict[str, DepartmentFigures]:
    figures: dict[str, DepartmentFigures] = defaultdict(DepartmentFigures)
    query = select(Task.department_code, Task.state, Task.due_at, Task.finished_at).where(
        Task.state != TaskState.cancelled
    )
    for department, state, due_at, finished_at in session.execute(query):
        entry = figures[department]
        if state == TaskState.open:
            entry.open += 1
            entry.overdue += due_at is not None and due_at < now
            entry.due_soon += due_at is not None and now <= due_at < now + SOON
        else:
            entry.finished += 1
            entry.finished_on_time += due_at is None or (
                finished_at is not None and finished_at <= due_at
            )
    return dict(sorted(figures.items()))


def _received_per_day(
    session: Session, now: datetime, tz: ZoneInfo, days: int
) -> list[tuple[str, int]]:
    start = now - timedelta(days=days)
    received = session.scalars(select(Case.received_at).where(Case.received_at >= start)).all()
    counts = Counter(moment.astimezone(tz).date().isoformat() for moment in received if moment)
    first = start.astimezone(tz).date()
    dates = [(first + timedelta(days=offset)).isoformat() for offset in range(days + 1)]
    return [(day, counts.get(day, 0)) for day in dates]


def _hours_per_stage(session: Session) -> dict[str, float]:
    query = select(Task.stage, Task.started_at, Task.finished_at).where(
        Task.state == TaskState.done, Task.finished_at.isnot(None)
    )
    totals: dict[str, list[float]] = defaultdict(list)
    for stage, started, finished in session.execute(query):
        if finished is not None:
            totals[str(stage)].append((finished - started).total_seconds() / 3600)
    return {
        str(stage): round(sum(totals[stage]) / len(totals[stage]), 1)
        for stage in Stage
        if totals[stage]
    }


def dashboard(session: Session, *, now: datetime, tz: ZoneInfo, days: int = 30) -> Dashboard:
    """Everything the supervision dashboard shows, as of ``now``."""
    overdue = session.scalars(
        select(Task)
        .where(Task.state == TaskState.open, Task.due_at < now)
        .order_by(Task.due_at)
        .limit(100)
    ).all()
    return Dashboard(
        by_state=_by_state(session),
        departments=_departments(session, now),
        overdue=list(overdue),
        received_per_day=_received_per_day(session, now, tz, days),
        hours_per_stage=_hours_per_stage(session),
    )
