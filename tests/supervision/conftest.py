"""A generated month of traffic (the demo history through the service layer) with its
daily reform rows written day by day, as the worker's refresh does."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from tests.conftest import START
from tongban.demo import history as demo_history
from tongban.files.store import LocalFileStore
from tongban.supervision import daily

TZ = ZoneInfo("Asia/Shanghai")
TODAY = START.astimezone(TZ).date()
FIRST = TODAY - timedelta(days=31)


def load_month(db: Session, tmp_path: Path, *, count: int) -> Session:
    store = LocalFileStore(tmp_path / "files")
    demo_history.load_history(db, store=store, count=count, seed=11, now=START)
    day = FIRST
    while day <= TODAY:
        daily.compute_days(db, first=day, last=day, tz=TZ, now=START)
        day += timedelta(days=1)
    db.flush()
    return db
