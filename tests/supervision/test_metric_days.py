"""The reform figures read from the pre-aggregated daily rows equal the same figures
computed directly from the cases, ratings and tasks of a generated month of traffic, for
the whole platform, one item, one department and a part of the period; rows written day by
day (the worker's refresh) equal rows written for the whole range at once (the CLI)."""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import START
from tests.supervision.conftest import FIRST, TODAY, TZ, load_month
from tongban.cases.core import clocks
from tongban.cases.core.queries import working_time
from tongban.cases.enums import CaseState, Channel, ClockKind, TaskState
from tongban.cases.models import Case, CorrectionRequest, Material, Task
from tongban.catalog.models import CatalogVersion
from tongban.ratings.models import Rating
from tongban.sharing.models import FieldFill
from tongban.supervision import daily
from tongban.supervision.models import MetricDay
from tongban.supervision.reform import ReformFilter, reform_figures


@pytest.fixture
def month(db: Session, tmp_path: Path) -> Session:
    return load_month(db, tmp_path, count=60)


def _local(moment: Any) -> date:
    return moment.astimezone(TZ).date() if moment else date.min


def _direct(db: Session, where: ReformFilter) -> dict[str, Any]:
    """Every figure straight from the rows it describes, case by case."""

    def wanted(moment: Any, item: str, department: str) -> bool:
        return (
            where.first <= _local(moment) <= where.last
            and (where.item is None or item == where.item)
            and (where.department is None or department == where.department)
        )

    cal = clocks.calendar(db)
    cases = list(db.scalars(select(Case).where(Case.state != CaseState.draft)))
    received = [c for c in cases if wanted(c.submitted_at, c.catalog_code, c.lead_department)]
    decided = [c for c in cases if wanted(c.decided_at, c.catalog_code, c.lead_department)]
    online = {Channel.web, Channel.mobile, Channel.api, Channel.proactive}
    out: dict[str, Any] = {
        "received": len(received),
        "received_online": sum(c.channel in online for c in received),
        "decided": len(decided),
        "guided": sum(c.materials_listed is not None for c in received),
        "materials_listed": sum(c.materials_listed or 0 for c in received),
        "materials_asked": sum(c.materials_asked or 0 for c in received),
    }
    trips = baseline = uploaded = materials = steps = 0
    fully = on_time = 0
    elapsed = legal = fields = pulled = 0.0
    for case in decided:
        definition = db.get(CatalogVersion, case.catalog_version_id).definition  # type: ignore[union-attr]
        late = any(
            c.kind == ClockKind.promised and c.stopped_at and c.stopped_at >= c.due_at
            for c in case.clocks
        )
        on_time += not late
        corrections = len(
            db.scalars(select(CorrectionRequest).where(CorrectionRequest.case_id == case.id)).all()
        )
        visits = sum(int(i.get("visits") or 0) for i in definition["items"])
        in_person = case.channel in (Channel.window, Channel.kiosk)
        case_trips = in_person + (case.delivery == "window") + visits
        case_trips += corrections if in_person else 0
        trips += case_trips
        fully += case_trips == 0
        baseline += 2 + corrections + visits
        up = {
            m.material_code
            for m in db.scalars(select(Material).where(Material.case_id == case.id))
            if m.way == "upload" and m.replaced_at is None
        }
        required = {m["code"] for m in definition["materials"] if m.get("required")}
        uploaded += len(up & required)
        materials += sum(
            sum(1 for m in item["materials"] if m.get("required")) for item in definition["items"]
        )
        steps += len({t.stage for t in case.tasks if t.state != TaskState.cancelled})
        limits = definition["time_limit"]
        start = case.received_at or case.submitted_at
        if limits["unit"] == "hours":
            elapsed += working_time(cal, start, case.decided_at, "hours") / 8  # type: ignore[arg-type]
        else:
            elapsed += working_time(cal, start, case.decided_at, "days")  # type: ignore[arg-type]
        # the legal limit in the unit the law states it in; hours at 8 a working day, a
        # limit in calendar days (日) as the working days of its weeks
        legal_unit = limits.get("legal_unit") or limits["unit"]
        share = {"hours": 1 / 8, "calendar_days": 5 / 7}.get(legal_unit, 1)
        legal += limits["legal"] * share
        for fill in db.scalars(select(FieldFill).where(FieldFill.case_id == case.id)):
            fields += 1
            pulled += fill.state == "pulled"
    out.update(
        decided_on_time=on_time,
        fully_online=fully,
        trips=trips,
        trips_baseline=baseline,
        materials_uploaded=uploaded,
        materials_baseline=materials,
        steps=steps,
        steps_baseline=5 * len(decided),
        elapsed_days=round(elapsed, 6),
        legal_days=round(legal, 6),
        fields=fields,
        fields_pulled=pulled,
    )
    ratings = [(r, db.get(Case, r.case_id)) for r in db.scalars(select(Rating))]
    given = [r for r, c in ratings if wanted(r.created_at, c.catalog_code, r.department_code)]  # type: ignore[union-attr]
    done = [r for r, c in ratings if wanted(r.rectified_at, c.catalog_code, r.department_code)]  # type: ignore[union-attr]
    out.update(
        rated=len(given),
        rated_good=sum(r.score >= 4 for r in given),
        rated_bad=sum(r.score <= 2 for r in given),
        rectified=len(done),
    )
    stage_hours: dict[str, list[float]] = {}
    for task in db.scalars(select(Task).where(Task.state == TaskState.done)):
        case = db.get(Case, task.case_id)
        if wanted(task.finished_at, case.catalog_code, task.department_code):  # type: ignore[union-attr]
            hours = working_time(cal, task.started_at, task.finished_at, "hours")  # type: ignore[arg-type]
            stage_hours.setdefault(str(task.stage), []).append(hours)
    out["stages"] = {
        stage: (
            len(hours),
            round(sum(hours) / len(hours), 1),
            sorted(math.ceil(round(h, 1)) for h in hours)[math.ceil(0.9 * len(hours)) - 1],
        )
        for stage, hours in stage_hours.items()
    }
    return out


def _aggregated(db: Session, where: ReformFilter) -> dict[str, Any]:
    figures = reform_figures(db, tz=TZ, where=where)
    out = {name: figures.total[name] for name in _direct_keys()}
    out["elapsed_days"] = round(out["elapsed_days"], 6)
    out["legal_days"] = round(out["legal_days"], 6)
    out["stages"] = {
        stage: (time.n, time.average, time.p90) for stage, time in figures.total.stages.items()
    }
    return out


def _direct_keys() -> tuple[str, ...]:
    return (
        "received", "received_online", "decided", "decided_on_time", "fully_online", "trips",
        "trips_baseline", "materials_uploaded", "materials_baseline", "steps", "steps_baseline",
        "elapsed_days", "legal_days", "fields", "fields_pulled", "rated", "rated_good",
        "rated_bad", "rectified", "guided", "materials_listed", "materials_asked",
    )  # fmt: skip


def test_aggregate_equals_direct_computation(month: Session) -> None:
    db = month
    busiest = db.scalars(select(Case.catalog_code).where(Case.decided_at.is_not(None))).first()
    department = db.scalars(select(Task.department_code).where(Task.stage == "review")).first()
    filters = [
        ReformFilter(FIRST, TODAY),
        ReformFilter(FIRST, TODAY, item=busiest),
        ReformFilter(FIRST, TODAY, department=department),
        ReformFilter(TODAY - timedelta(days=12), TODAY - timedelta(days=3)),
    ]
    for where in filters:
        direct, aggregated = _direct(db, where), _aggregated(db, where)
        exact, summed = direct.pop("stages"), aggregated.pop("stages")
        assert aggregated == direct, where
        assert exact.keys() == summed.keys(), where
        for stage, (n, average, p90) in exact.items():  # the rows keep minutes: ±0.1 h
            assert (summed[stage][0], summed[stage][2]) == (n, p90), (where, stage)
            assert abs(summed[stage][1] - average) <= 0.1 + 1e-9, (where, stage)
    whole = _direct(db, filters[0])
    assert whole["decided"] > 10 and whole["rated"] > 0 and whole["stages"]  # a real month


def test_rows_written_at_once_equal_rows_written_day_by_day(month: Session) -> None:
    db = month

    def snapshot() -> list[tuple[Any, ...]]:
        rows = db.scalars(
            select(MetricDay).order_by(
                MetricDay.day, MetricDay.item_code, MetricDay.department_code, MetricDay.channel
            )
        )
        return [
            (
                r.day,
                r.item_code,
                r.department_code,
                r.channel,
                r.decided,
                r.trips,
                r.rated,
                r.stages,
            )
            for r in rows
        ]

    day_by_day = snapshot()
    assert day_by_day
    daily.compute_days(db, first=FIRST, last=TODAY, tz=TZ, now=START)
    assert snapshot() == day_by_day


def test_the_dashboard_reads_rows_not_cases(month: Session) -> None:
    figures = reform_figures(month, tz=TZ, where=ReformFilter(FIRST, TODAY), per="week")
    assert figures.rows_read == len(month.scalars(select(MetricDay)).all())
    assert len(figures.series) == 5 or len(figures.series) == 6
    line = figures.headline()
    assert line.startswith("材料 −") and "跑动 −" in line and "时间 −" in line
