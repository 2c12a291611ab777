"""The deadline of an expert panel: a job due at it closes the panel if opinions are
still missing, and the case clock runs again (art. 45 pause ended); a job one working day
before it reminds the experts still to answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from tongban.cases.core.transition import lock_case
from tongban.experts.enums import PanelState
from tongban.experts.models import Panel
from tongban.experts.panels import DEADLINE, REMINDER, close, remind
from tongban.jobs.registry import register


@register(DEADLINE)
def run_deadline(session: Session, *, payload: dict[str, Any], now: datetime) -> datetime | None:
    """Close a panel still sitting at its deadline. The pause ends at the deadline itself,
    not at the moment a late worker got to it: time the worker was down is not paused
    time. Idempotent: a closed panel is left as it is."""
    panel = session.get(Panel, payload["id"])
    if panel is None or panel.state != PanelState.open:
        return None
    lock_case(session, case_id=panel.case_id)
    session.refresh(panel)
    if panel.state != PanelState.open:
        return None
    close(session, panel=panel, why="deadline", now=min(now, panel.due_at))
    return None


@register(REMINDER)
def run_reminder(session: Session, *, payload: dict[str, Any], now: datetime) -> datetime | None:
    """Remind the experts of a panel still sitting that their opinion is due; a panel
    closed in the meantime is left alone. Runs once (its job's key)."""
    panel = session.get(Panel, payload["id"])
    if panel is None or panel.state != PanelState.open:
        return None
    lock_case(session, case_id=panel.case_id)
    session.refresh(panel)
    remind(session, panel=panel, now=now)
    return None
