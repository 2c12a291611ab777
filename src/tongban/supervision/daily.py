"""Filling ``metric_days``: the reform counts of a range of local days, computed from the
case, task, material, field-fill and rating rows (docs/metrics.md defines each one).

``compute_days`` deletes the rows of the days and writes them again, so it is idempotent
and a recompute over any range (``tongban metrics recompute``) gives the same rows as the
incremental refresh (``tasks.refresh``) did day by day; ``rebuild`` rewrites every day
from the first case's to today (a loaded or imported history, ``tongban metrics rebuild``).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.orm import Session, selectinload

from tongban.cases.core import clocks
from tongban.cases.core.queries import working_time
from tongban.cases.enums import CaseState, Channel, ClockKind, TaskState
from tongban.cases.models import Case, CorrectionRequest, Material, Task
from tongban.catalog.definitions import CALENDAR_WEEK, HOURS_PER_WORKING_DAY, WORKING_WEEK
from tongban.catalog.enums import MaterialWay
from tongban.catalog.models import CatalogVersion
from tongban.ratings.figures import counted
from tongban.ratings.models import Rating, RatingAppeal
from tongban.ratings.rules import BAD_AT_MOST, GOOD_AT_LEAST
from tongban.sharing.models import FieldFill
from tongban.supervision import department_days
from tongban.supervision.measures import Dates
from tongban.supervision.models import COUNTS, SUMS, MetricDay
from tongban.workdays.calendar import WorkCalendar

ONLINE = frozenset({Channel.web, Channel.mobile, Channel.api, Channel.proactive})
IN_PERSON = frozenset({Channel.window, Channel.kiosk})  # intake in the hall: one trip
FULL_CHAIN = 5  # 受理 审查 决定 制证 送达: the steps of 行政许可法 ch. 4, the steps baseline
Key = tuple[date, str, str, str]  # day, item, department, channel


@dataclass(frozen=True)
class CaseFacts:
    """What one decided case contributes (see docs/metrics.md)."""

    on_time: bool
    trips: int
    trips_baseline: int
    materials_baseline: int
    materials_uploaded: int
    steps: int
    elapsed_days: float
    legal_days: float
    promised_days: float


def _days(limits: dict[str, Any], key: str) -> float:
    value = float(limits.get(key) or 0)
    unit = (limits.get("legal_unit") if key == "legal" else None) or limits.get("unit")
    if unit == "calendar_days":
        return value * WORKING_WEEK / CALENDAR_WEEK
    return value / HOURS_PER_WORKING_DAY if unit == "hours" else value


def required_materials(definition: dict[str, Any]) -> set[str]:
    """Codes of the required materials of a case's definition (merged for a bundle)."""
    return {m["code"] for m in definition.get("materials", []) if m.get("required")}


def materials_baseline(definition: dict[str, Any]) -> int:
    """Required materials on each item's full list, counted item by item (the way without
    the platform: every item asks for its own copy)."""
    items = definition.get("items") or []
    return sum(sum(1 for m in item.get("materials", []) if m.get("required")) for item in items)


def site_visits(definition: dict[str, Any]) -> int:
    """Visits in person the catalog says the item needs (``visits``: inspections, an
    original shown), summed over a bundle's items."""
    return sum(int(item.get("visits") or 0) for item in definition.get("items") or [])


def case_facts(
    case: Case, definition: dict[str, Any], uploaded: set[str], corrections: int, cal: WorkCalendar
) -> CaseFacts:
    """The reform facts of one decided case."""
    late = any(
        c.kind == ClockKind.promised and c.stopped_at is not None and c.stopped_at >= c.due_at
        for c in case.clocks
    )
    again = corrections if case.channel in IN_PERSON else 0  # corrections brought in person
    visits = site_visits(definition)
    trips = (case.channel in IN_PERSON) + (case.delivery == "window") + again + visits
    limits = definition.get("time_limit") or {}
    unit = limits.get("unit", "working_days")
    start = case.received_at or case.submitted_at or case.created_at
    assert case.decided_at is not None
    spent = working_time(cal, start, case.decided_at, "hours" if unit == "hours" else "days")
    elapsed = spent / HOURS_PER_WORKING_DAY if unit == "hours" else spent
    stages = {t.stage for t in case.tasks if t.state != TaskState.cancelled}
    return CaseFacts(
        on_time=not late,
        trips=trips,
        trips_baseline=2 + corrections + visits,
        materials_baseline=materials_baseline(definition),
        materials_uploaded=len(uploaded & required_materials(definition)),
        steps=len(stages),
        elapsed_days=float(elapsed),
        legal_days=_days(limits, "legal"),
        promised_days=_days(limits, "promised"),
    )


class Rows:
    """The rows being built, by (day, item, department, channel)."""

    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz
        self.rows: dict[Key, dict[str, Any]] = {}

    def at(
        self, moment: datetime | None, item: str, department: str, channel: str
    ) -> dict[str, Any]:
        assert moment is not None  # the queries ask for the moment within the dates
        key = (moment.astimezone(self.tz).date(), item, department, str(channel))
        if key not in self.rows:
            self.rows[key] = {name: 0 for name in COUNTS} | {name: 0.0 for name in SUMS}
            self.rows[key]["stages"] = {}
        return self.rows[key]


def _received(session: Session, dates: Dates, rows: Rows) -> None:
    """The cases submitted on each day, online or not, and of those that answered the
    situation questions (情形引导) the materials of the entry's full list and the ones
    their answers asked (``cases.materials_listed`` / ``materials_asked``, kept when the
    case was opened)."""
    query = select(
        Case.submitted_at,
        Case.catalog_code,
        Case.lead_department,
        Case.channel,
        Case.materials_listed,
        Case.materials_asked,
    ).where(Case.state != CaseState.draft, dates.holds(Case.submitted_at))
    for submitted, item, department, channel, listed, asked in session.execute(query):
        row = rows.at(submitted, item, department, channel)
        row["received"] += 1
        row["received_online"] += channel in ONLINE
        if listed is not None:
            row["guided"] += 1
            row["materials_listed"] += listed
            row["materials_asked"] += asked


def _by_case(session: Session, query: Any) -> dict[int, int]:
    return {case_id: int(n) for case_id, n in session.execute(query)}


def _decided(session: Session, dates: Dates, rows: Rows, cal: WorkCalendar) -> None:
    found = list(
        session.scalars(
            select(Case)
            .where(dates.holds(Case.decided_at))
            .options(selectinload(Case.tasks), selectinload(Case.clocks))
        )
    )
    ids = [c.id for c in found]
    uploads: dict[int, set[str]] = defaultdict(set)
    for case_id, code in session.execute(
        select(Material.case_id, Material.material_code).where(
            Material.case_id.in_(ids),
            Material.way == MaterialWay.upload,
            Material.replaced_at.is_(None),
        )
    ):
        uploads[case_id].add(code)
    corrections = _by_case(
        session,
        select(CorrectionRequest.case_id, func.count())
        .where(CorrectionRequest.case_id.in_(ids))
        .group_by(CorrectionRequest.case_id),
    )
    fills = session.execute(
        select(FieldFill.case_id, FieldFill.state, func.count())
        .where(FieldFill.case_id.in_(ids))
        .group_by(FieldFill.case_id, FieldFill.state)
    ).all()
    definitions = _definitions(session, {c.catalog_version_id for c in found})
    for case in found:
        assert case.decided_at is not None
        definition = definitions[case.catalog_version_id]
        facts = case_facts(case, definition, uploads[case.id], corrections.get(case.id, 0), cal)
        row = rows.at(case.decided_at, case.catalog_code, case.lead_department, case.channel)
        row["decided"] += 1
        row["decided_on_time"] += facts.on_time
        row["fully_online"] += facts.trips == 0
        row["steps_baseline"] += FULL_CHAIN
        for name in ("trips", "trips_baseline", "materials_baseline", "materials_uploaded"):
            row[name] += getattr(facts, name)
        row["steps"] += facts.steps
        for name in SUMS:
            row[name] += getattr(facts, name)
    where = {
        c.id: rows.at(c.decided_at, c.catalog_code, c.lead_department, c.channel) for c in found
    }
    for case_id, state, count in fills:
        where[case_id]["fields"] += int(count)
        if state == "pulled":
            where[case_id]["fields_pulled"] += int(count)


def _definitions(session: Session, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    query = select(CatalogVersion.id, CatalogVersion.definition).where(
        CatalogVersion.id.in_(list(ids))
    )
    return {version_id: definition for version_id, definition in session.execute(query)}


def hour_bucket(hours: float) -> int:
    """The whole office hour a task's time falls in, rounded up (the percentiles' grain)."""
    return max(0, math.ceil(round(hours, 1)))


def _stages(session: Session, dates: Dates, rows: Rows, cal: WorkCalendar) -> None:
    """The tasks finished on each day, under their own department: office hours per stage."""
    query = (
        select(
            Task.stage,
            Task.department_code,
            Task.started_at,
            Task.finished_at,
            Case.catalog_code,
            Case.channel,
        )
        .join(Case, Case.id == Task.case_id)
        .where(Task.state == TaskState.done, dates.holds(Task.finished_at))
    )
    for stage, department, started, finished, item, channel in session.execute(query):
        assert finished is not None
        hours = working_time(cal, started, finished, "hours")
        row = rows.at(finished, item, department, channel)
        entry = row["stages"].setdefault(str(stage), {"n": 0, "hours": 0.0, "hist": {}})
        entry["n"] += 1
        entry["hours"] = round(entry["hours"] + hours, 1)
        bucket = str(hour_bucket(hours))
        entry["hist"][bucket] = entry["hist"].get(bucket, 0) + 1


def _ratings(
    session: Session, dates: Dates, rows: Rows, where: Iterable[ColumnElement[bool]] = ()
) -> None:
    """The ratings given on each day, under the channel they were given through (评价渠道:
    the window's pad, an SMS link, the web page …), not the case's, with how many of the
    bad ones are rectified (on time) by now: the ratings dashboard's cohort, so the two
    agree. A rating whose appeal was upheld counts nowhere (``ratings.figures.counted``).
    A later rectification or appeal decision rewrites its day (``followed_up_days``).
    ``where``: conditions on the rating and its case keeping some of them."""
    given = (
        select(
            Rating.created_at,
            Rating.department_code,
            Rating.score,
            Case.catalog_code,
            Rating.channel,
            Rating.rectified_at,
            Rating.rectify_due_at,
        )
        .join(Case, Case.id == Rating.case_id)
        .outerjoin(RatingAppeal, RatingAppeal.rating_id == Rating.id)
        .where(counted(), dates.holds(Rating.created_at), *where)
    )
    for at, department, score, item, channel, done_at, due in session.execute(given):
        row = rows.at(at, item, department, channel)
        row["rated"] += 1
        row["rated_good"] += score >= GOOD_AT_LEAST
        row["rated_bad"] += score <= BAD_AT_MOST
        if score <= BAD_AT_MOST and done_at is not None:
            row["rectified"] += 1
            row["rectified_on_time"] += due is not None and done_at < due


def followed_up_days(session: Session, *, first: date, last: date, tz: ZoneInfo) -> set[date]:
    """The local days of the ratings rectified, or whose appeal was decided, on the local
    days ``first`` … ``last``: their rows count those ratings anew."""
    dates = Dates.of(first, last, tz)
    decided = select(RatingAppeal.rating_id).where(dates.holds(RatingAppeal.decided_at))
    query = select(Rating.created_at).where(
        dates.holds(Rating.rectified_at) | Rating.id.in_(decided)
    )
    return {at.astimezone(tz).date() for at in session.scalars(query)}


def count_ratings(
    session: Session,
    *,
    first: date,
    last: date,
    tz: ZoneInfo,
    where: Iterable[ColumnElement[bool]] = (),
) -> dict[Key, dict[str, Any]]:
    """The rating counts (``models.RATED``; the other counts 0) of the ``metric_days`` rows
    of the local days ``first`` … ``last``, counted from the ratings given on those days as
    they stand now (rectified, appeal decided), through the index on ``ratings.created_at``;
    ``where`` keeps some ratings (conditions on ``Rating`` and its ``Case``)."""
    rows = Rows(tz)
    _ratings(session, Dates.of(first, last, tz), rows, where)
    return rows.rows


def count_days(
    session: Session, *, first: date, last: date, tz: ZoneInfo
) -> dict[Key, dict[str, Any]]:
    """The values of the ``metric_days`` rows of the local days ``first`` … ``last``, by
    (day, item, department, channel), counted from the events of those days (nothing written).
    Reads ranges of the indexes on the events' times: the cost grows with the days'
    events, not with the cases of other days."""
    dates = Dates.of(first, last, tz)
    cal = clocks.calendar(session)
    rows = Rows(tz)
    _received(session, dates, rows)
    _decided(session, dates, rows, cal)
    _stages(session, dates, rows, cal)
    _ratings(session, dates, rows)
    return rows.rows


def compute_days(session: Session, *, first: date, last: date, tz: ZoneInfo, now: datetime) -> int:
    """Write the ``metric_days`` rows of the local days ``first`` … ``last`` anew, and
    the department table's (``department_days``); returns how many ``metric_days`` rows
    were written."""
    counted = count_days(session, first=first, last=last, tz=tz)
    handled = department_days.count(session, first=first, last=last, tz=tz)
    department_days.write(session, handled, first=first, last=last, now=now)
    session.execute(delete(MetricDay).where(MetricDay.day >= first, MetricDay.day <= last))
    for (day, item, department, channel), values in counted.items():
        session.add(
            MetricDay(
                day=day,
                item_code=item,
                department_code=department,
                channel=channel,
                computed_at=now,
                **values,
            )
        )
    session.flush()
    return len(counted)


def spans(first: date, last: date, *, days: int) -> list[tuple[date, date]]:
    """``first`` … ``last`` cut into consecutive ranges of at most ``days`` days (the steps
    of a backfill: each is written and committed on its own, so a stopped run loses at
    most one step and can be started again from the day it reached)."""
    found = []
    while first <= last:
        end = min(first + timedelta(days=days - 1), last)
        found.append((first, end))
        first = end + timedelta(days=1)
    return found


def first_day(session: Session, *, tz: ZoneInfo) -> date | None:
    """The local day of the earliest submitted case, or None without any."""
    first = session.scalar(select(func.min(Case.submitted_at)))
    return first.astimezone(tz).date() if first is not None else None


def rebuild(session: Session, *, tz: ZoneInfo, now: datetime) -> tuple[date, date, int]:
    """Write the rows of every day from the first case's to today anew (idempotent);
    returns the first day, the last day and how many rows were written. Every later
    event (decision, task, rating) falls on or after its case's submission day."""
    today = now.astimezone(tz).date()
    first = min(first_day(session, tz=tz) or today, today)
    return first, today, compute_days(session, first=first, last=today, tz=tz, now=now)
