"""The backfill rate (回填率): of the form fields on the shared list, the share the sources
really filled, counted from how the fields of submitted cases were filled (``FieldFill``).

A field the applicant could not have had pulled because the source is keyed by something
they do not have (``new``: a company being founded has no credit code yet) is left out;
a field typed by hand although the source was asked (no record, unavailable, a value the
form refused) counts against the rate and is listed, so the owning department can fix
its data.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.cases.models import Case
from tongban.sharing.models import FieldFill

PERIODS = ("day", "week", "month")
REASON_ZH = {
    "no_record": "数据源中没有记录",
    "unavailable": "数据源当时无法访问",
    "invalid": "数据源的值不符合表单要求",
    "not_own": "所填号码的记录不属于申请人，未调取",
}


@dataclass(frozen=True)
class Rate:
    """Fields pulled and typed for one item and department in one period."""

    period: date  # first day of the day, week (Monday) or month
    item_code: str
    department: str
    pulled: int
    typed: int

    @property
    def rate(self) -> float | None:
        total = self.pulled + self.typed
        return self.pulled / total if total else None


@dataclass(frozen=True)
class TypedField:
    """A shared field that was typed by hand, how often and why."""

    item_code: str
    department: str
    field: str
    source: str
    reason: str
    count: int


def _start(day: date, period: str) -> date:
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    return day


def _fills(session: Session, since: datetime, until: datetime) -> list[tuple[FieldFill, datetime]]:
    query = (
        select(FieldFill, Case.submitted_at)
        .join(Case, Case.id == FieldFill.case_id)
        .where(Case.submitted_at >= since, Case.submitted_at <= until, FieldFill.state != "new")
    )
    return [(row, at) for row, at in session.execute(query).all() if at is not None]


def rates(
    session: Session, *, since: datetime, until: datetime, period: str, tz: ZoneInfo
) -> list[Rate]:
    """Pulled and typed shared fields of cases submitted in [since, until], per ``period``
    (day, week from Monday, month; in ``tz``), item and department, oldest first."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {PERIODS}")
    counts: dict[tuple[date, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for fill, at in _fills(session, since, until):
        key = (_start(at.astimezone(tz).date(), period), fill.item_code, fill.department)
        counts[key][0 if fill.state == "pulled" else 1] += 1
    return [
        Rate(day, item, department, pulled, typed)
        for (day, item, department), (pulled, typed) in sorted(counts.items())
    ]


def typed_by_hand(session: Session, *, since: datetime, until: datetime) -> list[TypedField]:
    """Shared fields typed by hand in cases submitted in [since, until], most frequent first."""
    counts: dict[tuple[str, str, str, str, str], int] = defaultdict(int)
    for fill, _at in _fills(session, since, until):
        if fill.state == "typed":
            counts[
                (fill.item_code, fill.department, fill.field, fill.source, fill.reason or "")
            ] += 1
    found = [TypedField(*key, count) for key, count in counts.items()]
    return sorted(found, key=lambda t: (-t.count, t.item_code, t.field))
