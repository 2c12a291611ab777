"""Rating figures for the dashboard (满意度, 好评率, 差评整改, 回访, 申诉, the department
score), aggregated in SQL per department and summed for the whole platform; computed from
the rating rows, never stored. A rating taken out by an upheld appeal counts nowhere but
in ``appeals_upheld``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from tongban.ratings.models import Rating, RatingAppeal
from tongban.ratings.rules import (
    BAD_AT_MOST,
    GOOD_AT_LEAST,
    rectification_rate,
    satisfaction_rate,
)


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
    called_back: int = 0  # bad, rectified and a call-back that reached the applicant
    appeals: int = 0  # appealed by the department (whatever the outcome)
    appeals_upheld: int = 0  # appeals a supervisor upheld: those ratings count nowhere else
    appeals_waiting: int = 0  # appeals no supervisor has decided yet

    @property
    def average(self) -> float | None:
        return round(self.score_total / self.count, 2) if self.count else None

    @property
    def satisfaction_rate(self) -> float | None:
        """好评率 (``rules.satisfaction_rate``)."""
        return satisfaction_rate(good=self.good, rated=self.count)

    @property
    def rectification_rate(self) -> float | None:
        """差评整改率 (``rules.rectification_rate``)."""
        return rectification_rate(rectified=self.rectified, bad=self.bad)

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

    @property
    def score(self) -> float | None:
        """The department's rating score, 0–100: 80 points for satisfaction (the average
        level, 1 → 0 and 5 → 80) and 20 for rectifying bad ratings in time (the on-time
        rate; all 20 when no bad rating is settled yet)."""
        if not self.count or self.average is None:
            return None
        on_time = self.on_time_rate if self.on_time_rate is not None else 1.0
        return round((self.average - 1) / 4 * 80 + on_time * 20, 1)

    def add(self, other: RatingFigures) -> None:
        for name in RatingFigures.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class RatingsDashboard:
    """Totals and per-department figures; ``department_code`` is set when only one is shown."""

    total: RatingFigures
    departments: dict[str, RatingFigures] = field(default_factory=dict)
    department_code: str | None = None


def counted() -> ColumnElement[bool]:
    """The ratings that count in any figure: all but those whose department's appeal a
    supervisor upheld (申诉成立). Needs ``RatingAppeal`` outer-joined on the rating."""
    return or_(RatingAppeal.outcome.is_(None), RatingAppeal.outcome != "upheld")


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def figures(
    session: Session,
    *,
    now: datetime,
    since: datetime | None = None,
    department_code: str | None = None,
    within: Select[str] | None = None,
) -> RatingsDashboard:
    """Ratings given since ``since`` (all when None), of one department or of all (of the
    departments ``within`` selects, when given: a region's), as of ``now``."""
    bad = and_(counted(), Rating.score <= BAD_AT_MOST)
    query = (
        select(
            Rating.department_code,
            _count(counted()),
            func.coalesce(func.sum(case((counted(), Rating.score), else_=0)), 0),
            _count(and_(counted(), Rating.score >= GOOD_AT_LEAST)),
            _count(bad),
            _count(and_(bad, Rating.rectified_at.is_not(None))),
            _count(and_(bad, Rating.rectified_at < Rating.rectify_due_at)),
            _count(and_(bad, Rating.rectified_at.is_(None), Rating.rectify_due_at <= now)),
            _count(and_(bad, Rating.callback_reached.is_(True))),
            _count(RatingAppeal.id.is_not(None)),
            _count(RatingAppeal.outcome == "upheld"),
            _count(and_(RatingAppeal.id.is_not(None), RatingAppeal.outcome.is_(None))),
        )
        .outerjoin(RatingAppeal, RatingAppeal.rating_id == Rating.id)
        .group_by(Rating.department_code)
        .order_by(Rating.department_code)
    )
    if since is not None:
        query = query.where(Rating.created_at >= since)
    if department_code is not None:
        query = query.where(Rating.department_code == department_code)
    if within is not None:
        query = query.where(Rating.department_code.in_(within))
    total = RatingFigures()
    departments: dict[str, RatingFigures] = {}
    for code, *numbers in session.execute(query):
        entry = RatingFigures(*(int(n) for n in numbers))
        departments[code] = entry
        total.add(entry)
    return RatingsDashboard(total, departments, department_code)
