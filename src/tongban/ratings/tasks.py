"""A bad rating's rectification is watched like a stage (电子监察): the rated department
is warned when ``warning_share`` of its hours (plain hours, ``rating_rectify_hours``) have
passed, it is overdue at ``rectify_due_at`` and escalated ``escalation_grace_working_days``
later (8 office hours a day), until the rectification is written."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session

from tongban.alerts import service as alerts
from tongban.alerts.enums import AlertLevel, Watched
from tongban.cases.service import calendar
from tongban.config import get_settings
from tongban.jobs.registry import register
from tongban.ratings.models import Rating, RatingAppeal
from tongban.workdays.calendar import WorkCalendar


def moments(cal: WorkCalendar, rating: Rating) -> list[tuple[AlertLevel, datetime | None]]:
    """Warning, overdue and escalation moments of an open rectification (UTC)."""
    assert rating.rectify_due_at is not None
    settings = get_settings()
    due = rating.rectify_due_at
    warning = rating.created_at + (due - rating.created_at) * settings.warning_share
    escalated = alerts.escalation_at(
        cal, due_at=due, hours=True, grace_days=settings.escalation_grace_working_days
    )
    return [
        (AlertLevel.warning, warning),
        (AlertLevel.overdue, due),
        (AlertLevel.escalated, escalated),
    ]


def schedule(session: Session, *, rating: Rating, now: datetime) -> None:
    """Watch a bad rating's rectification from its first moment (a good one is not watched)."""
    if rating.rectify_due_at is None:
        return
    first = next(at for _, at in moments(calendar(session), rating) if at)
    alerts.watch(session, watched=Watched.rating, watched_id=rating.id, at=first, now=now)


def ended(session: Session, *, rating: Rating, now: datetime) -> None:
    """The rectification is over (rectified, or an upheld appeal took the rating out):
    its open alerts are resolved and no more are raised."""
    alerts.resolve(session, watched=Watched.rating, watched_ids=[rating.id], now=now)


def _upheld(rating_id: int) -> ColumnElement[bool]:
    return and_(RatingAppeal.rating_id == rating_id, RatingAppeal.outcome == "upheld")


@register("rating.watch")
def run_watch(session: Session, *, payload: dict[str, Any], now: datetime) -> datetime | None:
    """Raise the due alerts of an open rectification; returns when to look again."""
    rating = session.get(Rating, payload["id"])
    if rating is None or rating.rectify_due_at is None or rating.rectified_at is not None:
        return None
    if session.scalar(select(RatingAppeal.id).where(_upheld(rating.id))) is not None:
        return None  # an upheld appeal took the rating out: nothing left to rectify
    target = alerts.Target(
        watched=Watched.rating,
        id=rating.id,
        department_code=rating.department_code,
        what="rating",
        due_at=rating.rectify_due_at,
        case_id=rating.case_id,
    )
    return alerts.raise_due(
        session, target=target, moments=moments(calendar(session), rating), now=now
    )
