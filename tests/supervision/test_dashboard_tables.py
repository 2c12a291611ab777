"""The dashboard's channel table (办事渠道) takes its period figures from the daily rows
(``metric_days``, now kept by channel) and equals what the case rows and its drill-downs
say on a generated month, as the department table (counted from the tasks) equals its
drill-downs; the reform export, summed by the database, equals the rows summed one by one
and the cases counted."""

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
from tongban.cases.enums import CaseState
from tongban.cases.models import Case
from tongban.supervision import service as supervision
from tongban.supervision.drilldown import CaseFilter
from tongban.supervision.export import COUNT_COLUMNS, DAY_COLUMNS, RATE_COLUMNS, table
from tongban.supervision.measures import Dates, Status, promised_late
from tongban.supervision.metrics import Dashboard
from tongban.supervision.models import MetricDay
from tongban.supervision.reform import Reform, ReformFilter, read_rows, reform_figures
from tongban.web.i18n import gettext_for


def within(dates: Dates, moment: datetime | None) -> bool:
    return moment is not None and dates.start <= moment < dates.end


@pytest.fixture
def month(db: Session, tmp_path: Path) -> Session:
    return load_month(db, tmp_path, count=60)


def test_channel_and_department_tables_equal_the_cases(month: Session) -> None:
    """A channel's figures, summed from the daily rows, are its cases'; the department
    table (counted from the tasks: distinct cases) equals its drill-down lists."""
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
    for department, counts in figures.departments.items():  # from the tasks: cases
        for status in (Status.finished, Status.late):
            where = CaseFilter(department=department, status=status, done=period)
            assert getattr(counts, status) == listed(db, where), (department, status)


def test_the_channel_table_reads_the_stored_rows(month: Session) -> None:
    """Changing the stored rows changes the channel table: its period figures are the rows'."""
    db = month
    before = supervision.dashboard(db, now=START, tz=TZ, days=30)
    stored = (MetricDay.day < TODAY - timedelta(days=1)) & (MetricDay.day >= before.period.first)
    decided = db.scalar(select(func.sum(MetricDay.decided)).where(stored))
    received = db.scalar(select(func.sum(MetricDay.received)).where(stored))
    assert decided and received
    db.execute(update(MetricDay).where(stored).values(decided=0, received=0))
    after = supervision.dashboard(db, now=START, tz=TZ, days=30)

    def summed(figures: Dashboard, name: str) -> int:
        return sum(getattr(entry, name) for entry in figures.channels.values())

    assert summed(after, "finished") == summed(before, "finished") - decided
    assert summed(after, "received") == summed(before, "received") - received


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
    figures = reform_figures(db, tz=TZ, where=where, per=per, stages=False)
    lines = table(figures, items={}, departments={}, gettext=gettext_for("zh_Hans"))
    rows = read_rows(db, where=where)
    total = Reform()
    items: dict[str, Reform] = {}
    departments: dict[str, Reform] = {}
    channels: dict[str, Reform] = {}
    periods: dict[date, Reform] = {}
    for row in rows:
        total.add(row)
        items.setdefault(row["item_code"], Reform()).add(row)
        departments.setdefault(row["department_code"], Reform()).add(row)
        channels.setdefault(row["channel"], Reform()).add(row)
        periods.setdefault(_start(row["day"], per), Reform()).add(row)
    assert figures.rows_read == len(rows) > 50
    assert set(periods) <= {start for start, _r in figures.series}

    def expected(group: str, code: str, reform: Reform) -> list[object]:
        rates = reform.rates
        return [
            group,
            code,
            *(int(reform[k]) for k, _n in COUNT_COLUMNS),
            *(round(reform[k], 1) for k, _n in DAY_COLUMNS),
            *("" if rates[k] is None else rates[k] for k, _n in RATE_COLUMNS),
        ]

    summed = 3 + len(COUNT_COLUMNS) + len(DAY_COLUMNS) + len(RATE_COLUMNS)
    body = [[line[0], line[1], *line[3:summed]] for line in lines[1:]]
    assert body[0] == expected("合计", "", total)
    want = [expected("周期", s.isoformat(), periods.get(s, Reform())) for s, _r in figures.series]
    want += [expected("事项", c, r) for c, r in sorted(items.items())]
    want += [expected("部门", c, r) for c, r in sorted(departments.items())]
    want += [expected("渠道", c, r) for c, r in sorted(channels.items())]
    assert body[1:] == want, per
    return total
