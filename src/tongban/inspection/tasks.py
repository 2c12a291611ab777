"""An inspection's own time limit is watched like a stage (电子监察): where the item sets
one (``inspection.limit``), the reviewing department is warned when ``warning_share`` of
it has run, the inspection is overdue at its due time and escalated
``escalation_grace_working_days`` later to the department's approvers and the
supervisors, until the first visit's record is co-signed or the review task closes. The
limit is the inspectors' (《食品生产许可管理办法》第二十一条: 自接受现场核查任务之日起5个
工作日内完成现场核查): the second visit after a rectification (限期整改) waits for the
applicant, whose time the rule does not limit, and is not watched."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from tongban.alerts import service as alerts
from tongban.alerts.enums import AlertLevel, Watched
from tongban.cases.enums import TaskState
from tongban.cases.models import Task
from tongban.cases.service import calendar
from tongban.catalog.enums import TimeUnit
from tongban.inspection.enums import InspectionState
from tongban.inspection.models import Inspection
from tongban.jobs.registry import register
from tongban.workdays.calendar import WorkCalendar


def due_at(cal: WorkCalendar, *, limit: dict[str, Any] | None, start: datetime) -> datetime | None:
    """When an inspection with ``limit`` (``{"days": 5, "unit": "working_days"}``) that
    starts at ``start`` must end (UTC): the end of the last day, the start day not counted;
    a last calendar day on a rest day gives way to the next working day. None without one."""
    if not limit:
        return None
    days = int(limit["days"])
    if limit["unit"] == TimeUnit.calendar_days:
        return cal.add_calendar_days_checked(start, days).due_at
    return cal.add_working_days(start, days)


def watched(inspection: Inspection) -> bool:
    """Whether the limit still runs: set, and the first visit's record not co-signed."""
    return (
        inspection.due_at is not None
        and inspection.state == InspectionState.open
        and inspection.round == 1
    )


def start(session: Session, *, inspection: Inspection, limit: dict[str, Any] | None) -> None:
    """Set the due time of an inspection just ordered and watch it (flushed: it has an id)."""
    cal = calendar(session)
    inspection.due_at = due_at(cal, limit=limit, start=inspection.ordered_at)
    if inspection.due_at is None:
        return
    first = next(at for _, at in _moments(cal, inspection) if at)
    now = inspection.ordered_at
    alerts.watch(session, watched=Watched.inspection, watched_id=inspection.id, at=first, now=now)


def ended(session: Session, *, inspection: Inspection, now: datetime) -> None:
    """The first visit's record is co-signed: the inspection's alerts close."""
    alerts.resolve(session, watched=Watched.inspection, watched_ids=[inspection.id], now=now)


def _moments(cal: WorkCalendar, inspection: Inspection) -> list[tuple[AlertLevel, datetime | None]]:
    assert inspection.due_at is not None
    return alerts.working_day_moments(cal, start=inspection.ordered_at, due_at=inspection.due_at)


@register("inspection.watch")
def run_watch(session: Session, *, payload: dict[str, Any], now: datetime) -> datetime | None:
    """Raise the due alerts of an inspection whose limit runs; returns when to look again.
    Once the first record is co-signed, or the review task closed (the case withdrawn or
    decided), it is no longer watched and its alerts close."""
    inspection = session.get(Inspection, payload["id"])
    if inspection is None or inspection.due_at is None:
        return None
    task = session.get_one(Task, inspection.task_id)
    if not watched(inspection) or task.state != TaskState.open:
        ended(session, inspection=inspection, now=now)
        return None
    target = alerts.Target(
        watched=Watched.inspection,
        id=inspection.id,
        department_code=inspection.department_code,
        what="inspection",
        due_at=inspection.due_at,
        case_id=inspection.case_id,
    )
    moments = _moments(calendar(session), inspection)
    return alerts.raise_due(session, target=target, moments=moments, now=now)
