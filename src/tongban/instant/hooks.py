"""The rules join the case engine's receipt (``cases/core/received.py``), after screening."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tongban.cases.models import Case
from tongban.cases.service import on_received
from tongban.files.store import FileStore
from tongban.instant import engine

ORDER = 50  # after risk screening (``risk.hooks``, 10)


@on_received(ORDER)
def decide_received(session: Session, case: Case, now: datetime, store: FileStore) -> None:
    """Decide every received case of an instant item."""
    engine.decide_case(session, case=case, now=now, store=store)
