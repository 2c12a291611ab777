"""What the law allows with a running time limit, and what it refuses once the limit has
run out: the art. 42 extension and art. 45 pauses; and the legal deadline itself, shown in
the API.
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
from tongban.cases.enums import ClockKind
from tongban.cases.models import Case
from tongban.supervision import service as supervision

RADIATION = "3501-WJW-002"  # WJW; promised 3, legal 20 working days; accept 0, review 2
MONDAY = datetime(2025, 11, 3, 1, 0, tzinfo=UTC)  # 09:00 in Fuzhou
PAUSE = {"reason": "hearing", "note": "依申请举行听证", "until": "2030-12-31"}
ENGLISH = {"Accept-Language": "en"}


def _accepted(client: TestClient, as_user: Any) -> str:
    number = submitted(client, as_user("zhangsan"), RADIATION)["number"]
    task = open_task(client, as_user("wjw"), number, "accept")
    assert act(client, as_user("wjw"), task, "accept", opinion="受理").status_code == 200
    return number


def _case(client: TestClient, headers: dict[str, str], number: str) -> dict[str, Any]:
    response = client.get(f"{API}/cases/{number}", headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _error(response: Any, code: str) -> str:
    assert response.status_code == 409, response.text
    assert response.json()["error"]["code"] == code
    return str(response.json()["error"]["message"])


def test_the_legal_deadline_is_in_the_api_and_moves_with_the_extension(
    client: TestClient, as_user: Any, clock: Clock
) -> None:
    clock.now = MONDAY
    applicant, clerk, approver = as_user("zhangsan"), as_user("wjw"), as_user("wjw-hz")
    number = submitted(client, applicant, RADIATION)["number"]
    assert _case(client, applicant, number)["legal_time_left"] is None  # not accepted yet
    task = open_task(client, clerk, number, "accept")
    assert act(client, clerk, task, "accept", opinion="受理").status_code == 200
    legal = _case(client, applicant, number)["legal_time_left"]
    # 20 working days from Tuesday 11-04: the last is Monday 12-01.
    assert legal["amount"] == 20 and legal["limit"] == 20 and legal["extension"] == 0
    assert datetime.fromisoformat(legal["due_at"]) == datetime(2025, 12, 1, 16, tzinfo=UTC)
    timeline = client.get(f"{API}/cases/{number}/timeline", headers=applicant).json()
    assert timeline["legal_time_left"] == legal

    body = {"opinion": "需补充现场检测，经负责人批准延长"}
    extended = client.post(f"{API}/cases/{number}/extension", json=body, headers=approver)
    assert extended.status_code == 200, extended.text
    legal = extended.json()["legal_time_left"]
    assert legal["amount"] == 30 and legal["limit"] == 30 and legal["extension"] == 10
    assert datetime.fromisoformat(legal["due_at"]) == datetime(2025, 12, 15, 16, tzinfo=UTC)


def test_no_extension_once_the_legal_limit_has_run_out(
    client: TestClient, as_user: Any, clock: Clock, db: Session
) -> None:
    clock.now = MONDAY
    number = _accepted(client, as_user)
    clock.now = datetime(2025, 12, 22, 2, 0, tzinfo=UTC)  # three weeks after 12-01
    body = {"opinion": "需补充现场检测，经负责人批准延长"}
    url = f"{API}/cases/{number}/extension"
    refused = client.post(url, json=body, headers=as_user("wjw-hz"))
    message = _error(refused, "legal_limit_passed")
    assert "2025-12-01" in message and "第四十二条" in message
    english = client.post(url, json=body, headers={**as_user("wjw-hz"), **ENGLISH})
    assert "ran out on 2025-12-01" in _error(english, "legal_limit_passed")
    db.expire_all()
    case = db.scalar(select(Case).where(Case.number == number))
    assert case is not None and not case.extended
    legal = next(c for c in case.clocks if c.kind == ClockKind.legal)
    assert legal.extension == 0


def test_no_art45_pause_once_the_legal_limit_has_run_out(
    client: TestClient, as_user: Any, clock: Clock
) -> None:
    clock.now = MONDAY
    number = _accepted(client, as_user)
    clock.now = datetime(2025, 12, 2, 2, 0, tzinfo=UTC)  # the day after the last day
    response = client.post(f"{API}/cases/{number}/pause", json=PAUSE, headers=as_user("wjw"))
    assert "2025-12-01" in _error(response, "legal_limit_passed")
    assert not _case(client, as_user("zhangsan"), number)["time_left"]["paused"]


def test_a_correction_pause_is_not_resumed_by_staff(
    client: TestClient, as_user: Any, clock: Clock
) -> None:
    clock.now = MONDAY
    wjw = as_user("wjw")
    number = submitted(client, as_user("zhangsan"), RADIATION)["number"]
    task = open_task(client, wjw, number, "accept")
    problems = [{"target": "photo", "problem": "照片须为近期免冠"}]
    assert act(client, wjw, task, "correction", problems=problems).status_code == 201
    response = client.post(f"{API}/cases/{number}/resume", headers=wjw)
    assert "补正" in _error(response, "correction_pending")
    assert _case(client, as_user("zhangsan"), number)["time_left"]["paused"]


def test_a_decision_ends_the_pause_and_time_paused_is_not_late(
    client: TestClient, as_user: Any, clock: Clock, db: Session
) -> None:
    clock.now = MONDAY
    wjw = as_user("wjw")
    number = _accepted(client, as_user)
    clock.advance(hours=1)
    assert client.post(f"{API}/cases/{number}/pause", json=PAUSE, headers=wjw).status_code == 201
    clock.advance(days=14)  # the hearing takes two weeks; the review is given meanwhile
    review = open_task(client, wjw, number, "review")
    assert act(client, wjw, review, "review", outcome="approved", opinion="同意").status_code == 200
    clock.advance(hours=1)
    approver = as_user("wjw-hz")  # 审核与审批分离: not the reviewer
    decide = open_task(client, approver, number, "decide")
    approved = act(client, approver, decide, "approve", opinion="准予许可")
    assert approved.status_code == 200, approved.text
    issue = approved.json()["time_left"]  # the issue stage now
    assert issue is not None and not issue["paused"] and not issue["overdue"]

    db.expire_all()
    case = db.scalar(select(Case).where(Case.number == number))
    assert case is not None and all(p.ended_at == clock.now for p in case.pauses)
    promised = next(c for c in case.clocks if c.kind == ClockKind.promised)
    assert promised.stopped_at is not None and promised.stopped_at <= promised.due_at
    figures = supervision.dashboard(db, now=clock.now, tz=cases.calendar(db).tz)
    assert figures.total.finished == 1 and figures.total.late == 0
    assert figures.departments["WJW"].late == 0  # the review, given while paused, was on time
