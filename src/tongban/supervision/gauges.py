"""What the operators' metrics (``/metrics``) read from the database at each scrape: the
supervision figures of right now, counted with the dashboard's own conditions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tongban.audit.chain import head
from tongban.cases.models import Task
from tongban.jobs.enums import JobState
from tongban.jobs.models import Job
from tongban.outbox.models import OutboxMessage
from tongban.supervision.measures import Status, task_conditions
from tongban.web.metrics import Gauge


def _tasks(status: Status) -> Callable[[Session, datetime], float]:
    def count(session: Session, now: datetime) -> float:
        conditions = task_conditions(status, now=now, dates=None)
        return float(session.scalar(select(func.count()).select_from(Task).where(*conditions)) or 0)

    return count


def _audit_head(session: Session, _now: datetime) -> float:
    return float(head(session)[0])


def _job_lag(session: Session, now: datetime) -> float:
    """Seconds since the oldest job still waiting became due (0 when none is late): the
    worker is behind, stopped, or stuck when this grows."""
    oldest = session.scalar(
        select(func.min(Job.due_at)).where(Job.state == JobState.pending, Job.due_at <= now)
    )
    return max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0


def _failed_jobs(session: Session, _now: datetime) -> float:
    return float(session.scalar(select(func.count()).where(Job.state == JobState.failed)) or 0)


def _failed_messages(session: Session, _now: datetime) -> float:
    return float(session.scalar(select(func.count()).where(OutboxMessage.status == "failed")) or 0)


GAUGES: list[Gauge] = [
    ("tongban_tasks_open", "Open tasks", _tasks(Status.open)),
    ("tongban_tasks_due_soon", "Open tasks near their limit", _tasks(Status.due_soon)),
    ("tongban_tasks_overdue", "Open tasks past their limit (超期)", _tasks(Status.overdue)),
    ("tongban_audit_chain_head", "Sequence number of the audit chain's last entry", _audit_head),
    ("tongban_jobs_lag_seconds", "Age of the oldest due job not yet taken (seconds)", _job_lag),
    ("tongban_jobs_failed", "Jobs given up after their last attempt", _failed_jobs),
    (
        "tongban_messages_failed",
        "Messages (mail, SMS) given up after their last attempt, never sent",
        _failed_messages,
    ),
]
