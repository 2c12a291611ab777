"""Rating figures for the dashboard (满意度, 好评率, 差评整改), aggregated in SQL per
department and summed for the whole platform; computed from the rating rows, never stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from tongban.ratings.models import Rating
from tongban.ratings.rules import BAD_AT_MOST, GOOD_AT_LEAST


@dataclass
class RatingFigures:
    """The figures of one department (or of all of them)."""

    count: int = 0
    score_total: int = 0
    good: int = 0  # score 4 or 5
    bad: int = 0  # score 1 or 2
    rectified: int = 0
    rectified_on_time: int = 0
    open_overdue: int = 0  # bad, not rectified, past its due time

    @property
    def average(self) -> float | None:
        return round(self.score_total / self.count, 2) if self.count else None

    @property
    def satisfaction_rate(self) -> float | None:
        """好评率: the share of ratings scoring 4 or 5."""
        return round(self.good / self.count, 3) if self.count else None

    @property
    def open(self) -> int:
        return self.bad - self.rectified

    @property
    def on_time_rate(self) -> float | None:
        """Rectified in time, out of the bad ratings already settled (rectified, or past due).

        A bad rating still within its time counts neither way.
        """
        settled = self.rectified + self.open_overdue
        return round(self.rectified_on_time / settled, 3) if settled else None

    def add(self, other: RatingFigures) -> None:
        for name in RatingFigures.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class RatingsDashboard:
    """Totals and per-department figures; ``department_code`` is set when only one is shown."""

    total: RatingFigures
    departments: dict[str, RatingFigures] = field(default_factory=dict)
    department_code: str | None = None


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def figures(
    session: Session,
    *,
    now: datetime,
    since: datetime | None = None,
    department_code: str | None = None,
) -> RatingsDashboard:
    """Ratings given since ``since`` (all when None), of one department or of all, as of ``now``."""
    bad = Rating.score <= BAD_AT_MOST
    query = (
        select(
            Rating.department_code,
            func.count(),
            func.coalesce(func.sum(Rating.score), 0),
            _count(Rating.score >= GOOD_AT_LEAST),
            _count(bad),
            _count(and_(bad, Rating.rectified_at.is_not(None))),
            _count(and_(bad, Rating.rectified_at < Rating.rectify_due_at)),
            _count(and_(bad, Rating.rectified_at.is_(None), Rating.rectify_due_at <= now)),
        )
        .group_by(Rating.department_code)
        .order_by(Rating.department_code)
    )
    if since is not None:
        query = query.where(Rating.created_at >= since)
    if department_code is not None:
        query = query.where(Rating.department_code == department_code)
    total = RatingFigures()
    departments: dict[str, RatingFigures] = {}
    for code, *numbers in session.execute(query):
        entry = RatingFigures(*(int(n) for n in numbers))
        departments[code] = entry
        total.add(entry)
    return RatingsDashboard(total, departments, department_code)
