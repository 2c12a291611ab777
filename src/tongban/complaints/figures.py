"""Complaints per department for the supervision dashboard: received, answered on time,
overdue (answered late, or open past its due time), and satisfaction at the call-back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from tongban.complaints.models import Complaint


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


@dataclass(frozen=True)
class DepartmentFigures:
    department_code: str
    received: int
    answered_on_time: int
    overdue: int
    called_back: int
    satisfied: int  # 满意 or 基本满意

    @property
    def satisfaction_percent(self) -> int | None:
        """Share of call-backs satisfied or fairly satisfied, in percent (None: none yet)."""
        if not self.called_back:
            return None
        return round(100 * self.satisfied / self.called_back)


def per_department(
    session: Session, *, now: datetime, within: Select[str] | None = None
) -> list[DepartmentFigures]:
    """One row per department a complaint was routed to, by code (of the departments
    ``within`` selects, when given: a region's)."""
    c = Complaint
    on_time = and_(c.answered_at.is_not(None), c.answered_at <= c.due_at)
    late = or_(
        and_(c.answered_at.is_not(None), c.answered_at > c.due_at),
        and_(c.answered_at.is_(None), c.due_at <= now),
    )
    query = (
        select(
            c.department_code,
            func.count(),
            _count(on_time),
            _count(late),
            _count(c.satisfaction.is_not(None)),
            _count(c.satisfaction.in_(["satisfied", "fair"])),
        )
        .where(c.department_code.is_not(None))
        .where(*([] if within is None else [c.department_code.in_(within)]))
        .group_by(c.department_code)
        .order_by(c.department_code)
    )
    return [
        DepartmentFigures(str(code), *(int(v or 0) for v in values))
        for code, *values in session.execute(query)
    ]
