"""A routed complaint is watched like a stage (电子监察): the responsible department is
warned when ``warning_share`` of its working days have run, the complaint is overdue at its
due time and escalated ``escalation_grace_working_days`` later to the department's
approvers and the supervisors, until it is answered. The limit runs from the filing (the
person's wait): a 退单 does not restart it, and the alerts go to the department it was last
routed to."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from tongban.alerts import service as alerts
from tongban.alerts.enums import AlertLevel, Watched
from tongban.cases.service import calendar
from tongban.complaints.models import Complaint
from tongban.jobs.registry import register
from tongban.workdays.calendar import WorkCalendar


def moments(cal: WorkCalendar, complaint: Complaint) -> list[tuple[AlertLevel, datetime | None]]:
    """Warning, overdue and escalation moments (UTC): ``alerts.working_day_moments``."""
    return alerts.working_day_moments(cal, start=complaint.filed_at, due_at=complaint.due_at)


def schedule(session: Session, *, complaint: Complaint, now: datetime) -> None:
    """Watch a routed complaint from its first moment (routed again: the same job)."""
    first = next(at for _, at in moments(calendar(session), complaint) if at)
    alerts.watch(session, watched=Watched.complaint, watched_id=complaint.id, at=first, now=now)


def answered(session: Session, *, complaint: Complaint, now: datetime) -> None:
    alerts.resolve(session, watched=Watched.complaint, watched_ids=[complaint.id], now=now)


@register("complaint.watch")
def run_watch(session: Session, *, payload: dict[str, Any], now: datetime) -> datetime | None:
    """Raise the due alerts of an unanswered complaint; returns when to look again."""
    complaint = session.get(Complaint, payload["id"])
    if complaint is None or complaint.answered_at is not None or not complaint.department_code:
        return None
    target = alerts.Target(
        watched=Watched.complaint,
        id=complaint.id,
        department_code=complaint.department_code,
        what="complaint",
        due_at=complaint.due_at,
        case_id=complaint.case_id,
    )
    return alerts.raise_due(
        session, target=target, moments=moments(calendar(session), complaint), now=now
    )
