"""``tongban simulate``: a month of traffic through the service layer with the mix the
dashboard needs (channels, window pickup, corrections, late cases, refusals, ratings bad
and rectified), reproducible by seed, with the reform rows of the month written."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import START
from tests.supervision.conftest import TZ
from tongban.cases.models import Case, CorrectionRequest
from tongban.demo.simulator import simulate
from tongban.files.store import LocalFileStore
from tongban.ratings.models import Rating
from tongban.supervision.models import MetricDay
from tongban.supervision.reform import ReformFilter, reform_figures


def test_fifty_cases_have_the_mix_of_a_real_month(db: Session, tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path / "files")
    began = time.monotonic()
    report = simulate(db, store=store, days=30, count=50, seed=3, now=START, tz=TZ)
    elapsed = time.monotonic() - began
    cases = list(db.scalars(select(Case)))
    assert len(cases) == 50 == sum(report.created.values())
    states = Counter(str(c.state) for c in cases)
    assert {"completed", "refused", "rejected", "correction_requested", "in_review"} <= set(states)
    channels = Counter(str(c.channel) for c in cases)
    assert channels["window"] and channels["web"] and channels["mobile"]
    assert any(c.delivery == "window" for c in cases)
    assert db.scalar(select(func.count()).select_from(CorrectionRequest))
    first, last = min(c.submitted_at for c in cases), max(c.submitted_at for c in cases)  # type: ignore[type-var]
    assert (last - first).days >= 20 and last <= START  # spread over the month, never ahead
    ratings = list(db.scalars(select(Rating)))
    assert any(r.score <= 2 for r in ratings) and any(r.rectified_at for r in ratings)
    today = START.astimezone(TZ).date()
    figures = reform_figures(db, where=ReformFilter(today.replace(day=1).replace(month=8), today))
    assert db.scalar(select(func.count()).select_from(MetricDay))
    assert figures.total["decided"] == sum(1 for c in cases if c.decided_at)
    assert figures.total.rates["trips_cut"] is not None
    print(f"simulated 50 cases in {elapsed:.1f} s")


def test_the_same_seed_gives_the_same_traffic(db: Session, tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path / "files")
    simulate(db, store=store, days=10, count=20, seed=5, now=START, tz=TZ)
    first = [
        (c.catalog_code, str(c.state), str(c.channel))
        for c in db.scalars(select(Case).order_by(Case.id))
    ]
    db.rollback()
    simulate(db, store=store, days=10, count=20, seed=5, now=START, tz=TZ)
    again = [
        (c.catalog_code, str(c.state), str(c.channel))
        for c in db.scalars(select(Case).order_by(Case.id))
    ]
    assert first == again
