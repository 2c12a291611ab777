"""协查 requests are watched like a stage (电子监察): the asked department is warned when
``warning_share`` of its working days have run, the request is overdue at its due time and
escalated ``escalation_grace_working_days`` later, until it is answered or its case ends."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from tongban.alerts import service as alerts
from tongban.alerts.enums import AlertLevel, Watched
from tongban.cases.service import calendar
from tongban.jobs.registry import register
from tongban.verification.models import VerificationRequest
from tongban.workdays.calendar import WorkCalendar


def moments(
    cal: WorkCalendar, request: VerificationRequest
) -> list[tuple[AlertLevel, datetime | None]]:
    """Warning, overdue and escalation moments (UTC): ``alerts.working_day_moments``."""
    return alerts.working_day_moments(cal, start=request.asked_at, due_at=request.due_at)


def schedule(session: Session, *, request: VerificationRequest, now: datetime) -> None:
    """Watch a new request from its first moment."""
    first = next(at for _, at in moments(calendar(session), request) if at)
    alerts.watch(session, watched=Watched.verification, watched_id=request.id, at=first, now=now)


def answered(session: Session, *, request: VerificationRequest, now: datetime) -> None:
    alerts.resolve(session, watched=Watched.verification, watched_ids=[request.id], now=now)


@register("verification.watch")
def run_watch(session: Session, *, payload: dict[str, Any], now: datetime) -> datetime | None:
    """Raise the due alerts of an unanswered request; returns when to look again."""
    request = session.get(VerificationRequest, payload["id"])
    if request is None or request.answered_at is not None or request.lapsed:
        return None  # answered, or its case ended (``hooks.on_ended`` resolved the alerts)
    target = alerts.Target(
        watched=Watched.verification,
        id=request.id,
        department_code=request.to_department,
        what="verification",
        due_at=request.due_at,
        case_id=request.case_id,
    )
    return alerts.raise_due(
        session, target=target, moments=moments(calendar(session), request), now=now
    )
