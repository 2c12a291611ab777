"""The dashboard's channel table (办事渠道) and department table take their period figures
from the daily rows (``metric_days``, kept by channel, with each department's finished and
late tasks) and equal what the case and task rows say on a generated month; the reform
export, summed by the database, equals the rows summed one by one and the cases counted."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tests.conftest import START
from tests.supervision.conftest import FIRST, TODAY, TZ, load_month
from tests.supervision.test_dashboard_rows import listed
from tests.supervision.test_metric_days import _direct
from tongban.cases.enums import CaseState, TaskState
from tongban.cases.models import Case, Task
from tongban.supervision import service as supervision
from tongban.supervision.drilldown import CaseFilter
from tongban.supervision.export import COUNT_COLUMNS, RATE_COLUMNS, table
from tongban.supervision.measures import Dates, Status, promised_late
from tongban.supervision.metrics import Dashboard
from tongban.supervision.models import MetricDay
from tongban.supervision.reform import Reform, ReformFilter, read_rows, reform_figures


def within(dates: Dates, moment: datetime | None) -> bool:
    return moment is not None and dates.start <= moment < dates.end


@pytest.fixture
def month(db: Session, tmp_path: Path) -> Session:
    return load_month(db, tmp_path, count=60)


def test_channel_and_department_tables_equal_the_cases_and_tasks(month: Session) -> None:
    """A channel's figures are its cases'; a department's 已办结 and 超期办结 are the tasks it
    finished in the period and those finished at or after their due time (the page says:
    tasks), so a department finishing two tasks of one case counts both."""
    db = month
    figures = supervision.dashboard(db, now=START, tz=TZ, days=30)
    period = figures.period
    cases = db.scalars(select(Case).where(Case.state != CaseState.draft)).all()
    late = set(db.scalars(select(Case.id).where(promised_late())))
    received = Counter(str(c.channel) for c in cases if within(period, c.submitted_at))
    decided = [c for c in cases if within(period, c.decided_at)]
    finished = Counter(str(c.channel) for c in decided)
    lates = Counter(str(c.channel) for c in decided if c.id in late)
    assert len(received) >= 3 and sum(finished.values()) > 10  # a real mix of channels
    assert {k for k, e in figures.channels.items() if e.received} == set(received)
    for channel, entry in figures.channels.items():
        assert entry.received == received[channel], channel
        assert entry.finished == finished[channel], channel
        assert entry.late == lates[channel], channel
        assert entry.received == listed(db, CaseFilter(channel=channel, received=period))  # type: ignore[arg-type]
        assert entry.finished == listed(
            db,
            CaseFilter(channel=channel, status=Status.finished, done=period),  # type: ignore[arg-type]
        )
        assert entry.open == listed(db, CaseFilter(channel=channel, status=Status.open))  # type: ignore[arg-type]
    done = [
        t
        for t in db.scalars(select(Task).where(Task.state == TaskState.done))
        if within(period, t.finished_at)
    ]
    tasks = Counter(t.department_code for t in done)
    tasks_late = Counter(
        t.department_code
        for t in done
        if t.due_at is not None and t.finished_at is not None and t.finished_at >= t.due_at
    )
    per_case = Counter((t.department_code, t.case_id) for t in done)
    assert any(n > 1 for n in per_case.values())  # the count of tasks is not that of cases
    assert sum(tasks_late.values()) > 0
    assert {k for k, e in figures.departments.items() if e.finished} == set(tasks)
    for department, counts in figures.departments.items():
        assert counts.finished == tasks[department], department
        assert counts.late == tasks_late[department], department
        assert counts.open == listed(db, CaseFilter(department=department, status=Status.open))


def test_the_tables_read_the_stored_rows(month: Session) -> None:
    """Changing the stored rows changes both tables: their period figures are the rows'."""
    db = month
    before = supervision.dashboard(db, now=START, tz=TZ, days=30)
    stored = (MetricDay.day < TODAY - timedelta(days=1)) & (MetricDay.day >= before.period.first)
    tasks = db.scalar(select(func.sum(MetricDay.tasks_done)).where(stored))
    decided = db.scalar(select(func.sum(MetricDay.decided)).where(stored))
    assert tasks and decided
    db.execute(update(MetricDay).where(stored).values(tasks_done=0, decided=0))
    after = supervision.dashboard(db, now=START, tz=TZ, days=30)

    def summed(figures: Dashboard, table: str) -> int:
        return sum(entry.finished for entry in getattr(figures, table).values())

    assert summed(after, "departments") == summed(before, "departments") - tasks
    assert summed(after, "channels") == summed(before, "channels") - decided


def _start(day: date, per: str) -> date:
    if per == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1) if per == "month" else day


def test_export_summed_in_sql_equals_the_rows_and_the_cases(month: Session) -> None:
    totals = [_check_export(month, per) for per in ("day", "week", "month")]
    direct = _direct(month, ReformFilter(FIRST, TODAY))  # and the cases themselves
    for total in totals:
        counted = [total["received"], total["decided"], total["rated"]]
        assert counted == [direct["received"], direct["decided"], direct["rated"]]


def _check_export(db: Session, per: str) -> Reform:
    """The export's lines per ``per`` against the rows summed one by one (as it did)."""
    where = ReformFilter(FIRST, TODAY)
    figures = reform_figures(db, where=where, per=per, stages=False)
    lines = table(figures, items={}, departments={})
    rows = read_rows(db, where=where)
    total = Reform()
    items: dict[str, Reform] = {}
    departments: dict[str, Reform] = {}
    periods: dict[date, Reform] = {}
    for row in rows:
        total.add(row)
        items.setdefault(row["item_code"], Reform()).add(row)
        departments.setdefault(row["department_code"], Reform()).add(row)
        periods.setdefault(_start(row["day"], per), Reform()).add(row)
    assert figures.rows_read == len(rows) > 50
    assert set(periods) <= {start for start, _r in figures.series}

    def expected(group: str, code: str, reform: Reform) -> list[object]:
        rates = reform.rates
        return [
            group,
            code,
            *(int(reform[k]) for k, _n in COUNT_COLUMNS),
            *("" if rates[k] is None else rates[k] for k, _n in RATE_COLUMNS),
        ]

    body = [[line[0], line[1], *line[3:]] for line in lines[1:]]
    assert body[0] == expected("合计", "", total)
    want = [expected("周期", s.isoformat(), periods.get(s, Reform())) for s, _r in figures.series]
    want += [expected("事项", c, r) for c, r in sorted(items.items())]
    want += [expected("部门", c, r) for c, r in sorted(departments.items())]
    assert body[1:] == want, per
    return total
