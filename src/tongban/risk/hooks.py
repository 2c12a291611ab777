"""Screening joins the case engine's receipt (``cases/core/received.py``), first of all."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tongban.cases.models import Case
from tongban.cases.service import on_received
from tongban.config import get_settings
from tongban.files.store import FileStore
from tongban.risk import service
from tongban.risk.checks import Thresholds

ORDER = 10  # before the rules of instant approval (``instant.hooks``)


@on_received(ORDER)
def screen_received(session: Session, case: Case, now: datetime, store: FileStore) -> None:
    """Screen every received case with the configured thresholds."""
    service.screen_case(session, case=case, now=now, limits=Thresholds.of(get_settings()))
