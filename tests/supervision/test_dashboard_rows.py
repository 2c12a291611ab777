"""The supervision dashboard's period figures come from the daily rows (``metric_days``)
and equal what the cases say: each figure equals the count of its drill-down list, on a
generated month of traffic; the rows are read (changing a stored row changes the page),
yesterday's and today's events are counted at once, and no query of the dashboard reads a
whole table of cases, tasks, clocks or ratings (closed cases of the past are not read)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select, text, update
from sqlalchemy.orm import Session

from tests.conftest import START
from tests.supervision.conftest import TODAY, TZ, load_month
from tongban.cases.models import Case, Task
from tongban.supervision import service as supervision
from tongban.supervision.drilldown import CaseFilter
from tongban.supervision.measures import Dates, Status, case_conditions, task_conditions
from tongban.supervision.models import MetricDay


@pytest.fixture
def month(db: Session, tmp_path: Path) -> Session:
    return load_month(db, tmp_path, count=60)


def listed(db: Session, where: CaseFilter) -> int:
    """How many cases the drill-down of ``where`` lists (the platform's supervisor)."""
    conditions = where.conditions(now=START)
    return db.scalar(select(func.count()).select_from(Case).where(*conditions)) or 0


def test_every_period_figure_equals_its_cases(month: Session) -> None:
    db = month
    figures = supervision.dashboard(db, now=START, tz=TZ, days=30)
    period = figures.period
    assert figures.rows_read > 0  # the days before yesterday come from the stored rows
    total = figures.total
    assert total.received == listed(db, CaseFilter(received=period)) > 20
    assert total.finished == listed(db, CaseFilter(status=Status.finished, done=period)) > 10
    assert total.late == listed(db, CaseFilter(status=Status.late, done=period))
    for code, entry in figures.items.items():
        assert entry.received == listed(db, CaseFilter(item=code, received=period)), code
        assert entry.finished == listed(
            db, CaseFilter(item=code, status=Status.finished, done=period)
        ), code
        assert entry.late == listed(db, CaseFilter(item=code, status=Status.late, done=period))
        assert entry.open == listed(db, CaseFilter(item=code, status=Status.open)), code
    for day, count in figures.received_per_day:
        assert count == listed(db, CaseFilter(received=Dates.of(day, day, TZ))), day
    for week in figures.weeks:
        assert week.finished == listed(db, CaseFilter(status=Status.finished, done=week.dates))
        assert week.late == listed(db, CaseFilter(status=Status.late, done=week.dates))
    assert sum(figures.by_state.values()) == total.open == listed(db, CaseFilter(status="open"))  # type: ignore[arg-type]


def test_the_stored_rows_are_read(month: Session) -> None:
    """A stored row that disagrees with the cases shows on the page: the figures are the
    rows' (so the test above fails if the rows and the cases disagree)."""
    db = month
    before = supervision.dashboard(db, now=START, tz=TZ, days=30)
    first = before.period.first
    stored = (MetricDay.day < TODAY - timedelta(days=1)) & (MetricDay.day >= first)
    moved = db.scalar(select(func.sum(MetricDay.received)).where(stored))
    assert moved
    db.execute(update(MetricDay).where(stored).values(received=0))
    after = supervision.dashboard(db, now=START, tz=TZ, days=30)
    assert after.total.received == before.total.received - moved


def test_today_is_counted_without_waiting_for_the_refresh(month: Session) -> None:
    """Yesterday's and today's events are counted from the cases when the page is drawn:
    no stored row of those days is needed."""
    db = month
    recent = MetricDay.day >= TODAY - timedelta(days=1)
    assert db.scalar(select(func.count()).select_from(MetricDay).where(recent))
    before = supervision.dashboard(db, now=START, tz=TZ, days=7)
    db.execute(MetricDay.__table__.delete().where(recent))
    after = supervision.dashboard(db, now=START, tz=TZ, days=7)
    assert after.received_per_day == before.received_per_day
    assert after.total.received == before.total.received > 0


def _plans(db: Session, run: Any) -> list[tuple[str, str]]:
    """(statement, SQLite's query plan) of every SELECT ``run()`` sends."""
    seen: list[tuple[str, Any]] = []

    def keep(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    engine = db.get_bind()
    event.listen(engine, "before_cursor_execute", keep)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    connection = db.connection().connection.driver_connection
    assert connection is not None
    return [
        (
            statement,
            "\n".join(
                str(row[-1])
                for row in connection.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
            ),
        )  # type: ignore[union-attr]
        for statement, parameters in seen
    ]


def test_no_query_reads_every_case_task_clock_or_rating(month: Session) -> None:
    db = month
    if db.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite's query plans")
    plans = _plans(db, lambda: supervision.dashboard(db, now=START, tz=TZ, days=90))
    assert len(plans) > 10
    whole = re.compile(r"\bSCAN (cases|tasks|clocks|ratings)(_\d+)?\b")  # any index: whole
    scans = [(statement, plan) for statement, plan in plans if whole.search(plan)]
    assert not scans, scans


@pytest.mark.parametrize("status", [Status.due_soon, Status.overdue])
def test_the_due_figures_read_only_the_range_of_their_due_times(
    month: Session, status: Status
) -> None:
    """Found profiling the dashboard at 10,000 cases (issue 14): the overdue condition kept
    its due time inside an OR with the paused cases, so the database read the index over
    every open task instead of the range of those past due."""
    db = month
    if db.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite's query plans")
    counts = [
        select(func.count())
        .select_from(Task)
        .where(*task_conditions(status, now=START, dates=None)),
        select(Case.catalog_code, func.count())
        .where(*case_conditions(status, now=START, dates=None))
        .group_by(Case.catalog_code),
    ]
    for query in counts:
        plans = _plans(db, lambda query=query: db.execute(query).all())
        read = [
            line for _, plan in plans for line in plan.splitlines() if "ix_tasks_open_due" in line
        ]
        assert read and all("due_at" in line for line in read), plans


@pytest.mark.postgres
def test_postgresql_does_not_compile_the_stage_histogram(month: Session) -> None:
    """Found at 10,000 cases on PostgreSQL (issues 12 and 14): the planner counts 100 rows
    for each ``json_each`` call, so the stage histogram crossed the JIT's thresholds and
    took 1.1 s, of which 1.0 s compiling. Its statements run with JIT off; the setting is
    put back after them."""
    db = month
    db.execute(text("SET LOCAL jit = on"))
    during: list[str] = []

    def seen(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if "json_each" in statement:
            check = cursor.connection.cursor()
            check.execute("SHOW jit")
            during.append(check.fetchone()[0])

    engine = db.get_bind()
    event.listen(engine, "after_cursor_execute", seen)
    try:
        figures = supervision.dashboard(db, now=START, tz=TZ, days=30)
    finally:
        event.remove(engine, "after_cursor_execute", seen)
    assert figures.stages and during == ["off", "off"]
    assert db.scalar(text("SHOW jit")) == "on"
