"""The department table's period figures (已办结, 超期办结 per department) from
pre-aggregated rows (``metric_department_days``) instead of the tasks of the period.

A figure counts distinct cases ("cases in which the department finished a task within the
dates", as ``measures.task_conditions`` and the drill-down say), which daily counts cannot
sum: one department finishes several tasks of one case on different days. Each row
therefore also keeps the department's previous day of the same kind for the case
(``since``): over any dates, the cases are the rows of those days whose ``since`` is before
the first day, each case counted once, on its first day within them. A day's rows depend
only on tasks finished on or before it, so they never change once the day is over.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, ScalarSelect, and_, delete, func, or_, select
from sqlalchemy.orm import Session, aliased

from tongban.cases.enums import TaskState
from tongban.cases.models import Task
from tongban.supervision.measures import Dates, Status
from tongban.supervision.models import DepartmentDay

Key = tuple[date, str, str, date | None]  # day, department, status, since


def _late(task: type[Task]) -> ColumnElement[bool]:
    """The task was finished at or after its due time (``measures``: a late task)."""
    return task.finished_at >= task.due_at


def _before(dates: Dates, *, late: bool) -> ScalarSelect[datetime | None]:
    """The latest finishing time, before ``dates``, of a task (a late one if ``late``) of
    the same case and department as ``Task`` (correlated: the case's few tasks)."""
    earlier = aliased(Task)
    conditions = [
        earlier.case_id == Task.case_id,
        earlier.department_code == Task.department_code,
        earlier.state == TaskState.done,
        earlier.finished_at < dates.start,
    ]
    if late:
        conditions.append(_late(earlier))
    return select(func.max(earlier.finished_at)).where(*conditions).scalar_subquery()


def count(session: Session, *, first: date, last: date, tz: ZoneInfo) -> dict[Key, int]:
    """The ``metric_department_days`` values of the local days ``first`` … ``last``, by
    (day, department, status, since): read from the tasks finished on those days (a range
    of ``ix_tasks_state_finished_at``) and their cases' earlier tasks; nothing written."""
    dates = Dates.of(first, last, tz)
    query = select(
        Task.case_id,
        Task.department_code,
        Task.finished_at,
        _late(Task),
        _before(dates, late=False),
        _before(dates, late=True),
    ).where(Task.state == TaskState.done, dates.holds(Task.finished_at))
    days: dict[tuple[int, str, Status], set[date]] = defaultdict(set)
    since: dict[tuple[int, str, Status], date | None] = {}

    def local(moment: datetime | None) -> date | None:
        return None if moment is None else moment.astimezone(tz).date()

    for case_id, department, finished, late, before, late_before in session.execute(query):
        assert finished is not None
        for status, earlier in ((Status.finished, before), (Status.late, late_before)):
            if status == Status.late and not late:
                continue
            key = (case_id, department, status)
            days[key].add(local(finished))  # type: ignore[arg-type]
            since[key] = local(earlier)
    counted: dict[Key, int] = defaultdict(int)
    for key, found in days.items():
        _case, department, status = key
        previous = since[key]
        for day in sorted(found):
            counted[(day, department, str(status), previous)] += 1
            previous = day
    return dict(counted)


def write(
    session: Session, counted: Mapping[Key, int], *, first: date, last: date, now: datetime
) -> None:
    """Replace the rows of the local days ``first`` … ``last`` with ``counted``."""
    session.execute(
        delete(DepartmentDay).where(DepartmentDay.day >= first, DepartmentDay.day <= last)
    )
    session.add_all(
        DepartmentDay(
            day=day,
            department_code=department,
            status=status,
            since=since,
            cases=n,
            computed_at=now,
        )
        for (day, department, status, since), n in counted.items()
    )


def first_in(first: date) -> ColumnElement[bool]:
    """The row counts its cases for dates starting on ``first``: none of them had a
    task of the kind earlier within the dates."""
    return or_(DepartmentDay.since.is_(None), DepartmentDay.since < first)


def summed(
    session: Session,
    *,
    first: date,
    last: date,
    departments: tuple[str, ...] | None,
    live: Iterable[tuple[Key, int]] = (),
) -> dict[str, dict[str, int]]:
    """Distinct cases per department and status ("finished", "late") over the local days
    ``first`` … ``last``: the stored rows summed by the database, plus ``live`` (rows
    counted now, of days not stored yet). Only the region's ``departments`` if given."""
    conditions = [DepartmentDay.day >= first, DepartmentDay.day <= last, first_in(first)]
    if departments is not None:
        conditions.append(DepartmentDay.department_code.in_(departments))
    query = (
        select(DepartmentDay.department_code, DepartmentDay.status, func.sum(DepartmentDay.cases))
        .where(and_(*conditions))
        .group_by(DepartmentDay.department_code, DepartmentDay.status)
    )
    found: dict[str, dict[str, int]] = defaultdict(dict)
    for department, status, n in session.execute(query):
        found[department][status] = int(n)
    for (_day, department, status, since), n in live:
        if (since is None or since < first) and (departments is None or department in departments):
            found[department][status] = found[department].get(status, 0) + n
    return dict(found)
