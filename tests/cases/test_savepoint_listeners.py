"""A savepoint inside a unit of work (a licence's identifier, a claim of a fact used once)
is not the unit's end: what waits for the commit (watch jobs of the clocks still running,
the audit seal: ``tests/audit/test_chain.py``) waits for the real one."""

from __future__ import annotations

from datetime import datetime

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import submitted
from tongban.cases.core import clocks
from tongban.cases.enums import Stage
from tongban.cases.models import Case, Task
from tongban.jobs.models import Job
from tongban.timeutil import utcnow

EIA = "3501-ST-001"  # 环评报告表审批


def test_a_clock_stopped_after_a_savepoint_gets_no_watch_job(
    client: TestClient,
    as_user,  # type: ignore[no-untyped-def]
    db: Session,
) -> None:
    number = submitted(client, as_user("minfeng"), EIA)["number"]
    case = db.scalars(select(Case).where(Case.number == number)).one()
    now = utcnow()
    ended, kept = clocks.start_stage_clocks(
        db,
        case=case,
        now=now,
        limits=[(_review(db, case, now), "working_days", 5) for _ in range(2)],
    )
    with db.begin_nested():  # released: the unit of work goes on
        pass
    ended.stopped_at = now
    db.commit()
    keys = set(db.scalars(select(Job.key).where(Job.kind == "clock.watch")))
    assert f"clock.watch:{kept.id}" in keys
    assert f"clock.watch:{ended.id}" not in keys


def _review(db: Session, case: Case, now: datetime) -> Task:
    task = Task(case=case, stage=Stage.review, department_code=case.lead_department, started_at=now)
    db.add(task)
    return task
