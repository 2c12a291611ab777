"""The end of a public notice (公示): a job due at its last moment ends it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from tongban.cases.core.transition import lock_case
from tongban.jobs.registry import register
from tongban.notices.enums import NoticeState
from tongban.notices.models import PublicNotice
from tongban.notices.service import END, end_notice


@register(END)
def run_end(session: Session, *, payload: dict[str, Any], now: datetime) -> datetime | None:
    """End a notice still running at its end (at ``ends_at`` itself, not when a late worker
    got to it). Idempotent: an ended notice is left as it is."""
    notice = session.get(PublicNotice, payload["id"])
    if notice is None or notice.state != NoticeState.running:
        return None
    lock_case(session, case_id=notice.case_id)
    session.refresh(notice)
    end_notice(session, notice=notice, now=min(now, notice.ends_at))
    return None
