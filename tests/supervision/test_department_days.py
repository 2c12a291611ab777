"""The department table's finished and late cases (已办结, 超期办结) are summed from
``metric_department_days`` and equal a direct count of distinct cases over the tasks, for
any dates, on a generated month; the dashboard reads the stored rows, not the tasks."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tests.conftest import START
from tests.supervision.conftest import FIRST, TODAY, TZ, load_month
from tongban.cases.enums import TaskState
from tongban.cases.models import Task
from tongban.supervision import department_days
from tongban.supervision import service as supervision
from tongban.supervision.daily import compute_days
from tongban.supervision.measures import Dates
from tongban.supervision.models import DepartmentDay


@pytest.fixture
def month(db: Session, tmp_path: Path) -> Session:
    return load_month(db, tmp_path, count=60)


def _direct(db: Session, first: date, last: date) -> dict[str, dict[str, int]]:
    """Distinct cases per department of which it finished a task, and a late one, within
    the local days ``first`` … ``last``, counted task by task."""
    dates = Dates.of(first, last, TZ)
    cases: dict[tuple[str, str], set[int]] = defaultdict(set)
    for task in db.scalars(select(Task).where(Task.state == TaskState.done)):
        assert task.finished_at is not None
        if not dates.start <= task.finished_at < dates.end:
            continue
        cases[(task.department_code, "finished")].add(task.case_id)
        if task.finished_at >= task.due_at:
            cases[(task.department_code, "late")].add(task.case_id)
    found: dict[str, dict[str, int]] = defaultdict(dict)
    for (department, status), ids in cases.items():
        found[department][status] = len(ids)
    return dict(found)


def _stored(db: Session) -> list[tuple[date, str, str, date | None, int]]:
    query = select(
        DepartmentDay.day,
        DepartmentDay.department_code,
        DepartmentDay.status,
        DepartmentDay.since,
        DepartmentDay.cases,
    )
    return sorted((tuple(row) for row in db.execute(query)), key=str)


def test_the_rows_sum_to_the_distinct_cases_of_any_dates(month: Session) -> None:
    db = month
    ranges = [
        (FIRST, TODAY),
        (TODAY - timedelta(days=6), TODAY),
        (FIRST + timedelta(days=3), TODAY - timedelta(days=5)),
        (TODAY - timedelta(days=12), TODAY - timedelta(days=12)),
    ]
    several_days = 0  # a department finishing tasks of one case on several days
    for first, last in ranges:
        direct = _direct(db, first, last)
        summed = department_days.summed(db, first=first, last=last, departments=None)
        assert summed == direct, (first, last)
        rows = db.scalars(
            select(DepartmentDay).where(DepartmentDay.day >= first, DepartmentDay.day <= last)
        ).all()
        several_days += sum(r.cases for r in rows if r.since is not None and r.since >= first)
    assert sum(n for counts in _direct(db, FIRST, TODAY).values() for n in counts.values()) > 20
    assert several_days > 0  # the rows do more than count tasks per day


def test_a_region_sums_only_its_departments(month: Session) -> None:
    db = month
    direct = _direct(db, FIRST, TODAY)
    region = tuple(sorted(direct)[:2])
    summed = department_days.summed(db, first=FIRST, last=TODAY, departments=region)
    assert summed == {code: direct[code] for code in region}


def test_rows_written_at_once_equal_rows_written_day_by_day(month: Session) -> None:
    """The refresh writes a day or two at a time, the backfill a week: same rows."""
    db = month
    by_day = _stored(db)
    compute_days(db, first=FIRST, last=TODAY, tz=TZ, now=START)
    assert _stored(db) == by_day
    compute_days(
        db, first=FIRST + timedelta(days=4), last=FIRST + timedelta(days=10), tz=TZ, now=START
    )
    assert _stored(db) == by_day


def test_the_dashboard_reads_the_stored_rows(month: Session) -> None:
    """The department table's finished and late are the rows' (yesterday's and today's
    counted now): doubling the stored rows doubles what they add."""
    db = month
    before = supervision.dashboard(db, now=START, tz=TZ, days=30)
    period = before.period
    live_from = TODAY - timedelta(days=1)
    for department, counts in before.departments.items():
        direct = _direct(db, period.first, period.last).get(department, {})
        assert (counts.finished, counts.late) == (direct.get("finished", 0), direct.get("late", 0))
    stored = department_days.summed(
        db, first=period.first, last=live_from - timedelta(days=1), departments=None
    )
    assert sum(c.get("finished", 0) for c in stored.values()) > 10
    db.execute(
        update(DepartmentDay)
        .where(DepartmentDay.day < live_from)
        .values(cases=DepartmentDay.cases * 2)
    )
    after = supervision.dashboard(db, now=START, tz=TZ, days=30)
    for department, counts in before.departments.items():
        added = stored.get(department, {})
        assert after.departments[department].finished == counts.finished + added.get("finished", 0)
        assert after.departments[department].late == counts.late + added.get("late", 0)
