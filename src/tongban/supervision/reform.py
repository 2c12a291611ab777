"""The reform figures (改革成效指标) read from ``metric_days``: sums over the rows of a
period, item and department, per day, week or month, and the headline line the seeds
print ("材料 −53 %，跑动 −75 %，时间 −62 %"). Formulas: docs/metrics.md.

The figures read at most days × items × departments × channels rows, whatever the number
of cases; the database sums them (``summed``: one line back per day, week, month, item or
department; the stage times out of the rows' JSON with SQLite's and PostgreSQL's JSON
functions). The rating counts (``RATED``) are not read from the rows but counted from the
period's ratings as they stand when the page is drawn (``rated_rows``), so a new rating,
a rectification or an appeal decision shows at once, as on the ratings section.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Date,
    Float,
    Integer,
    SQLColumnExpression,
    cast,
    func,
    select,
    true,
)
from sqlalchemy.orm import QueryableAttribute, Session

from tongban.cases.models import Case
from tongban.catalog import service as catalog
from tongban.ratings.models import Rating
from tongban.ratings.rules import rectification_rate, satisfaction_rate
from tongban.supervision import daily
from tongban.supervision.models import COUNTS, RATED, SUMS, MetricDay

PERS = ("day", "week", "month")
STAGE_ORDER = ("accept", "review", "decide", "issue", "deliver")
FIELDS = COUNTS + SUMS
STORED = tuple(name for name in FIELDS if name not in RATED)  # the sums read from the rows


def _share(part: float, whole: float) -> float | None:
    return round(part / whole, 3) if whole else None


def _cut(actual: float, baseline: float) -> float | None:
    """How much less than the baseline: 1 − actual / baseline."""
    return round(1 - actual / baseline, 3) if baseline else None


@dataclass
class StageTime:
    """Tasks of one stage: how many, office hours summed, and hours → tasks."""

    n: int = 0
    hours: float = 0.0
    hist: dict[int, int] = field(default_factory=dict)

    @property
    def average(self) -> float | None:
        return round(self.hours / self.n, 1) if self.n else None

    @property
    def p90(self) -> int | None:
        """The 90th percentile in whole office hours (rounded up, docs/metrics.md)."""
        if not self.n:
            return None
        rank, seen = 0.9 * self.n, 0
        for hours in sorted(self.hist):
            seen += self.hist[hours]
            if seen >= rank:
                return hours
        return max(self.hist)


@dataclass
class Reform:
    """The summed counts of some rows, and every figure derived from them."""

    counts: dict[str, float] = field(default_factory=lambda: dict.fromkeys(COUNTS + SUMS, 0))
    stages: dict[str, StageTime] = field(default_factory=dict)

    def add(self, row: Mapping[str, Any]) -> None:
        counts = self.counts
        for name in FIELDS:
            counts[name] += row[name]
        self.add_stages(row["stages"])

    def add_stages(self, stages: Mapping[str, Any] | None) -> None:
        """Add a row's stage times: stage → {"n", "hours", "hist"} (``daily._stages``)."""
        for stage, entry in (stages or {}).items():
            time = self.stages.setdefault(stage, StageTime())
            time.n += int(entry["n"])
            time.hours = round(time.hours + float(entry["hours"]), 1)
            for hours, n in entry["hist"].items():
                time.hist[int(hours)] = time.hist.get(int(hours), 0) + int(n)

    def __getitem__(self, name: str) -> float:
        return self.counts[name]

    @property
    def rates(self) -> dict[str, float | None]:
        c = self.counts
        return {
            "online_applied_rate": _share(c["received_online"], c["received"]),
            "fully_online_rate": _share(c["fully_online"], c["decided"]),
            "on_time_rate": _share(c["decided_on_time"], c["decided"]),
            "materials_cut": _cut(c["materials_uploaded"], c["materials_baseline"]),
            "situation_cut": _cut(c["materials_asked"], c["materials_listed"]),
            "trips_cut": _cut(c["trips"], c["trips_baseline"]),
            "steps_cut": _cut(c["steps"], c["steps_baseline"]),
            "time_cut": _cut(c["elapsed_days"], c["legal_days"]),
            "promise_cut": _cut(c["promised_days"], c["legal_days"]),
            "backfill_rate": _share(c["fields_pulled"], c["fields"]),
            "satisfaction_rate": satisfaction_rate(good=c["rated_good"], rated=c["rated"]),
            "rectification_rate": rectification_rate(rectified=c["rectified"], bad=c["rated_bad"]),
            "rectified_on_time_rate": _share(c["rectified_on_time"], c["rectified"]),
            "trips_per_case": round(c["trips"] / c["decided"], 2) if c["decided"] else None,
        }

    def ordered_stages(self) -> list[tuple[str, StageTime]]:
        return [(s, self.stages[s]) for s in STAGE_ORDER if s in self.stages]


@dataclass(frozen=True)
class ReformFilter:
    """Which rows: local days ``first`` … ``last``, one item and one department if given,
    and only the ``departments`` of a region when given (a region's supervisor)."""

    first: date
    last: date
    item: str | None = None
    department: str | None = None
    departments: tuple[str, ...] | None = None


@dataclass
class ReformFigures:
    where: ReformFilter
    per: str
    total: Reform
    series: list[tuple[date, Reform]]  # per day, week (from Monday) or month (from the 1st)
    items: dict[str, Reform]
    departments: dict[str, Reform]
    # by channel: the cases' counts by the case's channel, the ratings' by the rating's
    channels: dict[str, Reform]
    rows_read: int
    catalog: dict[str, float | None]

    def headline(self, gettext: Callable[[str], str] = lambda s: s) -> str:
        """The seeds' line: materials, trips and time against the catalog's baseline."""
        rates = self.total.rates
        parts = []
        for key, label in (("materials_cut", "材料"), ("trips_cut", "跑动"), ("time_cut", "时间")):
            value = rates[key]
            if value is not None:
                parts.append(f"{gettext(label)} {-100 * value:+.0f} %".replace("-", "−"))
        return gettext("，").join(parts)


def _start_of(day: date, per: str) -> date:
    if per == "week":
        return day - timedelta(days=day.weekday())
    if per == "month":
        return day.replace(day=1)
    return day


def _chosen(
    where: ReformFilter, item: QueryableAttribute[str], department: QueryableAttribute[str]
) -> list[ColumnElement[bool]]:
    """The item and department ``where`` chose, on the columns ``item`` and ``department``."""
    found: list[ColumnElement[bool]] = []
    if where.item:
        found.append(item == where.item)
    if where.department:
        found.append(department == where.department)
    if where.departments is not None:
        found.append(department.in_(where.departments))
    return found


def _conditions(where: ReformFilter) -> list[ColumnElement[bool]]:
    days = [MetricDay.day >= where.first, MetricDay.day <= where.last]
    return days + _chosen(where, MetricDay.item_code, MetricDay.department_code)


def read_rows(session: Session, *, where: ReformFilter) -> list[Mapping[str, Any]]:
    """The rows of ``where`` as plain mappings (no ORM objects: thousands are read)."""
    query = select(MetricDay.__table__).where(*_conditions(where)).order_by(MetricDay.day)
    return [dict(row) for row in session.execute(query).mappings()]


def as_rows(counted: Mapping[daily.Key, dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows counted when the page is drawn (``daily.count_days``, ``count_ratings``) as
    mappings with a stored row's keys: day, item_code, department_code, channel, counts."""
    return [
        {"day": day, "item_code": item, "department_code": department, "channel": channel} | values
        for (day, item, department, channel), values in counted.items()
    ]


def rated_rows(session: Session, *, where: ReformFilter, tz: ZoneInfo) -> list[dict[str, Any]]:
    """The rating counts (``RATED``) of the rows of ``where``, counted now from the ratings
    given on its local days in ``tz`` (``daily.count_ratings``): what the stored rows would
    hold after the refresh. Reads the period's ratings through ``ratings.created_at``."""
    conditions = _chosen(where, Case.catalog_code, Rating.department_code)
    counted = daily.count_ratings(
        session, first=where.first, last=where.last, tz=tz, where=conditions
    )
    return as_rows(counted)


def day_of(value: object) -> date:
    """A day as read from a row: a date, or its ISO text (SQLite's date functions)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _period_start(per: str, dialect: str) -> SQLColumnExpression[Any]:
    """The first day of the day, week (Monday) or month a row's day falls in, in SQL."""
    if per == "day":
        return MetricDay.day
    if dialect == "postgresql":
        return cast(func.date_trunc(per, MetricDay.day), Date)
    # SQLite: the Sunday on or after the day, less six days, is its week's Monday
    return func.date(
        MetricDay.day, *(("weekday 0", "-6 days") if per == "week" else ("start of month",))
    )


def summed(
    session: Session, *, where: ReformFilter, by: SQLColumnExpression[Any] | None = None
) -> dict[Any, tuple[Reform, int]]:
    """The counts of the rows of ``where`` summed by the database, per value of ``by``
    (one entry, keyed None, without it), each with how many rows it sums; stage times are
    not summed here (``stage_times``), nor the rating counts (0: ``rated_rows``)."""
    sums = [func.coalesce(func.sum(getattr(MetricDay, name)), 0).label(name) for name in STORED]
    key: list[Any] = [] if by is None else [by.label("key")]
    query = select(*key, func.count().label("rows"), *sums).where(*_conditions(where))
    if by is not None:
        query = query.group_by(by)
    found = {}
    for row in session.execute(query).mappings():
        if row["rows"]:
            counts = dict.fromkeys(FIELDS, 0) | {name: row[name] for name in STORED}
            found[row.get("key")] = (Reform(counts=counts), int(row["rows"]))
    return found


def _json_number(value: Any, key: str, dialect: str) -> ColumnElement[float]:
    """The number at ``key`` of a JSON object in SQL (SQLite's or PostgreSQL's operators)."""
    if dialect == "postgresql":
        return cast(value.op("->>")(key), Float)
    return func.json_extract(value, f"$.{key}")


@contextmanager
def _without_jit(session: Session) -> Iterator[None]:
    """PostgreSQL's JIT off for the statements within, back as it was after (for the
    transaction only: ``set_config(…, true)``). The planner counts 100 rows for every call
    of a set-returning function such as ``json_each``, so the stage histogram's two nested
    calls look 10,000 times bigger than they are and cross every JIT threshold: at 10,000
    cases it compiled for 1.0–1.2 s a statement that then ran in about 0.1 s (BENCHMARKS.md,
    issues 12 and 14). SQLite has no JIT: nothing is sent."""
    if session.get_bind().dialect.name != "postgresql":
        yield
        return
    was = session.scalar(select(func.current_setting("jit")))
    session.execute(select(func.set_config("jit", "off", True)))
    yield  # on an error no statement is sent: the rollback undoes the setting
    session.execute(select(func.set_config("jit", was, True)))


def stage_times(session: Session, *, where: ReformFilter, into: Reform) -> None:
    """Add the stage times of the rows of ``where`` to ``into``: the database sums each
    stage's tasks, hours and hours → tasks out of the rows' JSON (two lines back per
    stage and hour, however many rows), without PostgreSQL's JIT (``_without_jit``)."""
    with _without_jit(session):
        _stage_sums(session, where=where, into=into)


def _stage_sums(session: Session, *, where: ReformFilter, into: Reform) -> None:
    dialect = session.get_bind().dialect.name
    each = "json_each_text" if dialect == "postgresql" else "json_each"
    stage = func.json_each(MetricDay.stages).table_valued("key", "value").alias("stage")
    spent = (
        select(
            stage.c.key,
            func.sum(_json_number(stage.c.value, "n", dialect)),
            func.sum(_json_number(stage.c.value, "hours", dialect)),
        )
        .select_from(MetricDay)
        .join(stage, true())
        .where(*_conditions(where))
        .group_by(stage.c.key)
    )
    for name, n, hours in session.execute(spent):
        time = into.stages.setdefault(str(name), StageTime())
        time.n += int(n)
        time.hours = round(time.hours + float(hours), 1)
    hist_of = (
        stage.c.value.op("->")("hist")
        if dialect == "postgresql"
        else func.json_extract(stage.c.value, "$.hist")
    )
    hist = getattr(func, each)(hist_of).table_valued("key", "value").alias("hist")
    tasks = cast(hist.c.value, Integer) if dialect == "postgresql" else hist.c.value
    counted = (
        select(stage.c.key, hist.c.key, func.sum(tasks))
        .select_from(MetricDay)
        .join(stage, true())
        .join(hist, true())
        .where(*_conditions(where))
        .group_by(stage.c.key, hist.c.key)
    )
    for name, hours, n in session.execute(counted):
        time = into.stages[str(name)]
        time.hist[int(hours)] = time.hist.get(int(hours), 0) + int(n)


def online_availability(session: Session, *, where: ReformFilter) -> dict[str, float | None]:
    """网上可办率 and 全程网办可办率 from the catalog's items in force (``online_level``)."""
    levels: list[str] = []
    for entry in catalog.list_entries(session):
        version = entry.current_version
        definition: dict[str, Any] = version.definition if version else {}
        if definition.get("kind") != "item" or (where.item and entry.code != where.item):
            continue
        item = definition["items"][0]
        if where.department and item.get("department") != where.department:
            continue
        if where.departments is not None and item.get("department") not in where.departments:
            continue
        levels.append(item.get("online_level", "full"))
    return {
        "items": len(levels),
        "online_available_rate": _share(sum(v != "none" for v in levels), len(levels)),
        "fully_online_available_rate": _share(sum(v == "full" for v in levels), len(levels)),
    }


def reform_figures(
    session: Session,
    *,
    where: ReformFilter,
    tz: ZoneInfo,
    per: str = "week",
    stages: bool = True,
) -> ReformFigures:
    """Every reform figure of the rows matching ``where`` (local days in ``tz``), and a
    series per ``per``: the counts summed by the database (total, per period, item and
    department), the rating counts from the ratings (``rated_rows``); the stage times of
    the total too unless ``stages`` is False (a card that shows rates only)."""
    per = per if per in PERS else "week"
    rated = rated_rows(session, where=where, tz=tz)
    total, rows = summed(session, where=where).get(None, (Reform(), 0))
    for row in rated:
        total.add(row)
    if stages:
        stage_times(session, where=where, into=total)
    series: dict[date, Reform] = {}
    day = _start_of(where.first, per)
    while day <= where.last:  # every period, even one without a row
        series[day] = Reform()
        day = _start_of(
            day + timedelta(days=32 if per == "month" else 7 if per == "week" else 1), per
        )
    by_period = _period_start(per, session.get_bind().dialect.name)
    for start, (reform, _rows) in summed(session, where=where, by=by_period).items():
        series[day_of(start)] = reform
    for row in rated:
        series[_start_of(row["day"], per)].add(row)

    def by(column: SQLColumnExpression[Any], key: str) -> dict[str, Reform]:
        found = {
            str(k): reform for k, (reform, _rows) in summed(session, where=where, by=column).items()
        }
        for row in rated:
            found.setdefault(str(row[key]), Reform()).add(row)
        return dict(sorted(found.items()))

    return ReformFigures(
        where=where,
        per=per,
        total=total,
        series=sorted(series.items()),
        items=by(MetricDay.item_code, "item_code"),
        departments=by(MetricDay.department_code, "department_code"),
        channels=by(MetricDay.channel, "channel"),
        rows_read=rows,
        catalog=online_availability(session, where=where),
    )
