"""What the operators' metrics (``/metrics``) read from the database at each scrape: the
supervision figures of right now, counted with the dashboard's own conditions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tongban.audit.chain import head
from tongban.cases.models import Task
from tongban.supervision.measures import Status, task_conditions
from tongban.web.metrics import Gauge


def _tasks(status: Status) -> Callable[[Session, datetime], float]:
    def count(session: Session, now: datetime) -> float:
        conditions = task_conditions(status, now=now, dates=None)
        return float(session.scalar(select(func.count()).select_from(Task).where(*conditions)) or 0)

    return count


def _audit_head(session: Session, _now: datetime) -> float:
    return float(head(session)[0])


GAUGES: list[Gauge] = [
    ("tongban_tasks_open", "Open tasks", _tasks(Status.open)),
    ("tongban_tasks_due_soon", "Open tasks near their limit", _tasks(Status.due_soon)),
    ("tongban_tasks_overdue", "Open tasks past their limit (超期)", _tasks(Status.overdue)),
    ("tongban_audit_chain_head", "Sequence number of the audit chain's last entry", _audit_head),
]
