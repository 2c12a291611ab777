"""Keeping ``metric_days`` current: a recurring durable job (``metrics.refresh``) writes
yesterday's and today's rows again every ``metrics_refresh_minutes`` and once just after
local midnight, which closes the day that ended; and the rows of an earlier day whose
ratings were rectified, or had an appeal decided, on those two days. The worker's sweep makes sure the one job
exists (``ensure_refresh``); ``tongban metrics recompute`` rewrites any range by hand.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.jobs import service as jobs
from tongban.jobs.enums import JobState
from tongban.jobs.models import Job
from tongban.jobs.registry import register
from tongban.supervision.daily import compute_days, followed_up_days

log = structlog.get_logger("tongban.supervision")
KIND = "metrics.refresh"
KEY = "metrics.refresh"


def ensure_refresh(session: Session, *, now: datetime, tz: str, minutes: float) -> bool:
    """Enqueue the refresh job due now unless it is pending or running; True if enqueued."""
    job = session.scalar(select(Job).where(Job.key == KEY))
    if job is not None and job.state in (JobState.pending, JobState.running):
        return False
    jobs.enqueue(
        session, kind=KIND, key=KEY, due_at=now, now=now, payload={"tz": tz, "minutes": minutes}
    )
    return True


@register(KIND)
def refresh(session: Session, *, payload: dict[str, Any], now: datetime) -> datetime:
    """Rewrite yesterday's and today's rows; run again after the interval, or right after
    the next local midnight if that comes first."""
    tz = ZoneInfo(str(payload.get("tz", "Asia/Shanghai")))
    today = now.astimezone(tz).date()
    yesterday = today - timedelta(days=1)
    written = compute_days(session, first=yesterday, last=today, tz=tz, now=now)
    # earlier ratings rectified or whose appeal was decided since: their days count anew
    for day in sorted(followed_up_days(session, first=yesterday, last=today, tz=tz)):
        if day < yesterday:
            written += compute_days(session, first=day, last=day, tz=tz, now=now)
    log.info("metrics.refreshed", day=today.isoformat(), rows=written)
    midnight = datetime.combine(today + timedelta(days=1), time(0, 1), tzinfo=tz)
    return min(now + timedelta(minutes=float(payload.get("minutes", 10))), midnight)
