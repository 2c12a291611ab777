"""A paused clock stands still (行政许可法 art. 45 and the correction notice of art. 32):
while it is paused, the time left is what was left when the pause began, on the case, in
the queue, on the task, in the supervision figures and lists, and in the API.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tests.factories import API, act, open_task, submitted
from tongban.accounts.models import User
from tongban.cases import service as cases
from tongban.supervision import service as supervision

RADIATION = "3501-WJW-002"  # WJW; promised 3, legal 20 working days; accept 0, review 2
MONDAY = datetime(2025, 11, 3, 1, 0, tzinfo=UTC)  # 09:00 in Fuzhou, no holiday for weeks
PAUSE = {"reason": "expert_review", "note": "组织专家评审剂量监测报告", "until": "2030-12-31"}


def _accepted(client: TestClient, as_user: Any, applicant: str = "zhangsan") -> str:
    number = submitted(client, as_user(applicant), RADIATION)["number"]
    task = open_task(client, as_user("wjw"), number, "accept")
    assert act(client, as_user("wjw"), task, "accept", opinion="受理").status_code == 200
    return number


def _left(client: TestClient, headers: dict[str, str], number: str) -> dict[str, Any]:
    response = client.get(f"{API}/cases/{number}", headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json()["time_left"])


def _queue(client: TestClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    return list(client.get(f"{API}/tasks", headers=headers).json())


def _supervisor(db: Session) -> User:
    user = db.scalar(select(User).where(User.username == "supervisor"))
    assert user is not None
    return user


def _frozen(left: dict[str, Any], before: dict[str, Any]) -> bool:
    keys = ("amount", "unit", "overdue", "urgency", "limit")
    return left["paused"] and all(left[k] == before[k] for k in keys)


def test_an_art45_pause_freezes_the_time_left_everywhere(
    client: TestClient, as_user: Any, clock: Clock, db: Session
) -> None:
    clock.now = MONDAY
    applicant, wjw = as_user("zhangsan"), as_user("wjw")
    number = _accepted(client, as_user)
    clock.advance(hours=1)
    before = _left(client, applicant, number)
    [task_before] = [t for t in _queue(client, wjw) if t["case_number"] == number]
    assert before["amount"] == 3 and task_before["time_left"]["amount"] == 2
    assert client.post(f"{API}/cases/{number}/pause", json=PAUSE, headers=wjw).status_code == 201

    clock.advance(days=21)  # three weeks of expert review
    assert _frozen(_left(client, applicant, number), before)
    timeline = client.get(f"{API}/cases/{number}/timeline", headers=applicant).json()
    assert _frozen(timeline["time_left"], before)
    [task] = [t for t in _queue(client, wjw) if t["case_number"] == number]
    assert _frozen(task["time_left"], task_before["time_left"])

    db.expire_all()
    figures = supervision.dashboard(db, now=clock.now, tz=cases.calendar(db).tz)
    assert figures.total.overdue == 0 and figures.departments["WJW"].overdue == 0
    assert figures.overdue == []
    supervisor = _supervisor(db)
    overdue = supervision.list_supervised_cases(
        db,
        user=supervisor,
        where=supervision.CaseFilter(status=supervision.Status.overdue),
        now=clock.now,
    )
    assert overdue.total == 0
    listed = supervision.list_supervised_cases(
        db, user=supervisor, where=supervision.CaseFilter(), now=clock.now
    )
    [row] = [r for r in listed.rows if r.case.number == number]
    assert row.time_left is not None and row.time_left.paused and row.time_left.amount == 3

    # Resuming goes on from where the clock stood.
    assert client.post(f"{API}/cases/{number}/resume", headers=wjw).status_code == 200
    resumed = _left(client, applicant, number)
    assert resumed["amount"] == 3 and not resumed["paused"] and not resumed["overdue"]


def test_waiting_for_the_applicants_correction_freezes_the_acceptance_clock(
    client: TestClient, as_user: Any, clock: Clock, db: Session
) -> None:
    clock.now = MONDAY
    applicant, wjw = as_user("zhangsan"), as_user("wjw")
    number = submitted(client, applicant, RADIATION)["number"]
    clock.advance(hours=2)
    before = _left(client, applicant, number)
    assert not before["overdue"]
    task = open_task(client, wjw, number, "accept")
    problems = [{"target": "photo", "problem": "照片须为近期免冠"}]
    assert act(client, wjw, task, "correction", problems=problems).status_code == 201

    clock.advance(days=21)  # the applicant takes three weeks
    assert _frozen(_left(client, applicant, number), before)
    db.expire_all()
    figures = supervision.dashboard(db, now=clock.now, tz=cases.calendar(db).tz)
    assert figures.total.overdue == 0 and figures.departments["WJW"].overdue == 0


def test_a_task_overdue_before_the_pause_stays_overdue_and_counted(
    client: TestClient, as_user: Any, clock: Clock, db: Session
) -> None:
    """Pausing does not hide what was already late."""
    clock.now = MONDAY
    wjw = as_user("wjw")
    number = _accepted(client, as_user)
    clock.now = datetime(2025, 11, 6, 2, 0, tzinfo=UTC)  # Thursday: the review was due Wednesday
    [before] = [t for t in _queue(client, wjw) if t["case_number"] == number]
    assert before["time_left"]["overdue"]
    assert client.post(f"{API}/cases/{number}/pause", json=PAUSE, headers=wjw).status_code == 201
    clock.advance(days=14)
    [task] = [t for t in _queue(client, wjw) if t["case_number"] == number]
    assert _frozen(task["time_left"], before["time_left"])
    db.expire_all()
    figures = supervision.dashboard(db, now=clock.now, tz=cases.calendar(db).tz)
    assert figures.departments["WJW"].overdue == 1 and figures.total.overdue == 1
    assert [t.case.number for t in figures.overdue] == [number]
    overdue = supervision.list_supervised_cases(
        db,
        user=_supervisor(db),
        where=supervision.CaseFilter(status=supervision.Status.overdue),
        now=clock.now,
    )
    assert [r.case.number for r in overdue.rows] == [number]


def test_the_queue_orders_a_paused_task_by_the_time_it_has_left(
    client: TestClient, as_user: Any, clock: Clock, db: Session
) -> None:
    clock.now = MONDAY
    wjw = as_user("wjw")
    paused = _accepted(client, as_user)  # review: 2 working days left, frozen
    assert client.post(f"{API}/cases/{paused}/pause", json=PAUSE, headers=wjw).status_code == 201
    clock.now = datetime(2025, 11, 20, 2, 0, tzinfo=UTC)  # Thursday, two and a half weeks on
    running = _accepted(client, as_user, "lisi")
    clock.now = datetime(2025, 11, 21, 2, 0, tzinfo=UTC)  # Friday: 1 working day left
    reviews = [t for t in _queue(client, wjw) if t["stage"] == "review"]
    assert [t["case_number"] for t in reviews] == [running, paused]
    assert [t["time_left"]["amount"] for t in reviews] == [1, 2]

    db.expire_all()
    listed = supervision.list_supervised_cases(
        db, user=_supervisor(db), where=supervision.CaseFilter(), now=clock.now
    )
    assert [r.case.number for r in listed.rows] == [running, paused]


def test_a_pause_set_by_hand_tells_the_applicant_until_when(
    client: TestClient, as_user: Any, clock: Clock
) -> None:
    """行政许可法第四十五条 (所需时间书面告知申请人): a pause set by hand said no end; it
    now needs its last day, and the applicant's message gives it."""
    clock.now = MONDAY
    applicant, wjw = as_user("zhangsan"), as_user("wjw")
    number = _accepted(client, as_user)
    no_end = {"reason": "hearing", "note": "依申请举行听证"}
    refused = client.post(f"{API}/cases/{number}/pause", json=no_end, headers=wjw)
    assert refused.status_code == 422, refused.text
    past = client.post(
        f"{API}/cases/{number}/pause", json={**no_end, "until": "2025-11-02"}, headers=wjw
    )
    assert past.status_code == 422 and "所需时间的最后一天" in past.json()["error"]["message"]
    given = {**no_end, "until": "2025-11-14"}
    assert client.post(f"{API}/cases/{number}/pause", json=given, headers=wjw).status_code == 201
    (told,) = [
        m
        for m in client.get(f"{API}/me/messages", headers=applicant).json()
        if m["topic"] == "clock_paused"
    ]
    assert "所需时间：至 2025-11-14" in told["body"]
