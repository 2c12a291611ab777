"""Deemed acceptance (行政许可法 art. 32): the case's limits run from the day of receipt,
but the review tasks it opens run from when they are opened, so the window's delay is
recorded against the acceptance stage and not against the reviewing departments.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tests.factories import API, act, open_task, submitted
from tongban.cases import service as cases
from tongban.cases.enums import ClockKind, Stage
from tongban.cases.models import Case
from tongban.supervision import service as supervision
from tongban.web.runtime import Runtime
from tongban.worker import run_once

ROAD = "3501-CGJ-003"  # 临时占用城市道路: lead CGJ, reviewed by CGJ and GA in 2 working days
MONDAY = datetime(2025, 11, 3, 1, 0, tzinfo=UTC)  # 09:00 in Fuzhou
DEEMED = datetime(2025, 11, 10, 16, 1, tzinfo=UTC)  # Tuesday 11-11 00:01: day 5 is over


def test_deemed_acceptance_opens_review_tasks_that_run_from_now(
    client: TestClient, as_user: Any, clock: Clock, runtime: Runtime, db: Session
) -> None:
    clock.now = MONDAY
    number = submitted(client, as_user("zhangsan"), ROAD)["number"]
    clock.now = DEEMED
    assert run_once(runtime)["deemed_accepted"] == [number]

    db.expire_all()
    case = db.scalar(select(Case).where(Case.number == number))
    assert case is not None and case.accepted_at == MONDAY
    for kind in (ClockKind.legal, ClockKind.promised):  # the case's limits: from receipt
        assert next(c for c in case.clocks if c.kind == kind).started_at == MONDAY
    reviews = [t for t in case.tasks if t.stage == Stage.review]
    assert {t.department_code for t in reviews} == {"CGJ", "GA"}
    for task in reviews:
        assert task.started_at == DEEMED
        # 2 working days from Tuesday (the clock starts that morning): end of Thursday.
        assert task.due_at == datetime(2025, 11, 13, 16, tzinfo=UTC)

    [ga_task] = client.get(f"{API}/tasks", headers=as_user("ga")).json()
    assert ga_task["case_number"] == number and not ga_task["time_left"]["overdue"]

    figures = supervision.dashboard(db, now=clock.now, tz=cases.calendar(db).tz)
    assert figures.departments["GA"].overdue == 0 and figures.total.overdue == 0
    # The window was late: its acceptance task (即办, due 11-03) is counted against it.
    assert figures.departments["CGJ"].late == 1
    assert "GA" not in figures.departments or figures.departments["GA"].late == 0
    accept = next(t for t in case.tasks if t.stage == Stage.accept)
    assert accept.finished_at == DEEMED and accept.due_at is not None
    assert accept.finished_at > accept.due_at
    # found in trial: the platform's opinion was Chinese on English pages and in the API
    assert accept.opinion_en is not None and "accepted by law" in accept.opinion_en
    events = client.get(f"{API}/cases/{number}/timeline", headers=as_user("zhangsan")).json()
    deemed = next(e for e in events["events"] if e["action"] == "case.deem_accept")
    assert deemed["opinion_en"] == accept.opinion_en and deemed["actor_name_en"] == "System"


def test_past_the_five_days_no_correction_notice_and_acceptance_counts_from_receipt(
    client: TestClient, as_user: Any, clock: Clock, db: Session
) -> None:
    clock.now = MONDAY
    cgj = as_user("cgj")
    received = clock.now
    late = submitted(client, as_user("zhangsan"), ROAD)["number"]
    other = submitted(client, as_user("lisi"), ROAD)["number"]
    clock.now = datetime(2025, 11, 11, 2, 0, tzinfo=UTC)  # day 6; the worker has not run
    problems = [{"target": "photo", "problem": "照片须为近期免冠"}]
    task = open_task(client, cgj, late, "accept")
    refused = act(client, cgj, task, "correction", problems=problems)
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["code"] == "deemed_accepted"
    assert "第三十二条" in refused.json()["error"]["message"]
    task = open_task(client, cgj, other, "accept")
    assert act(client, cgj, task, "accept", opinion="受理").status_code == 200
    db.expire_all()
    case = db.scalar(select(Case).where(Case.number == other))
    assert case is not None and case.accepted_at == received
    legal = next(c for c in case.clocks if c.kind == ClockKind.legal)
    assert legal.started_at == received
    for review in (t for t in case.tasks if t.stage == Stage.review):
        assert review.started_at == clock.now  # the departments' time starts now
        assert review.due_at == datetime(2025, 11, 13, 16, tzinfo=UTC)
