"""Verification among departments (协查): who may ask and answer, due times in working
days, the clock that keeps running, who may then see the case, and what stays internal.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from tests.cases.test_races import NOW, _review_task
from tests.conftest import Clock
from tests.factories import API, act, open_task, run_worker, submitted
from tests.races import at_once
from tongban.accounts import service as accounts
from tongban.alerts.enums import Watched
from tongban.alerts.models import Alert
from tongban.audit.models import AuditEntry
from tongban.cases.models import Case
from tongban.db import unit_of_work
from tongban.errors import Conflict
from tongban.files.store import LocalFileStore
from tongban.verification import service as verification
from tongban.verification.models import VerificationRequest

RADIATION = "3501-WJW-002"  # 放射工作人员证核发: 卫健委 alone accepts, reviews and decides
QUESTION = "请核实申请人是否有违法犯罪记录。"


def _local_midnight(year: int, month: int, day: int) -> datetime:
    """00:00 Beijing time at the start of that day, in UTC."""
    return datetime(year, month, day, tzinfo=UTC) - timedelta(hours=8)


@pytest.fixture
def review(client: TestClient, as_user: Any) -> dict[str, Any]:
    """A radiation-worker case in review at 卫健委, with its open review task."""
    number = submitted(client, as_user("zhangsan"), RADIATION)["number"]
    accept = open_task(client, as_user("wjw"), number, "accept")
    assert act(client, as_user("wjw"), accept, "accept").status_code == 200
    return open_task(client, as_user("wjw"), number, "review")


def _ask(client: TestClient, headers: dict[str, str], task: dict[str, Any], **body: Any) -> Any:
    body = {"to_department": "GA", "question": QUESTION, **body}
    return client.post(f"{API}/tasks/{task['id']}/verifications", json=body, headers=headers)


def _answer(client: TestClient, headers: dict[str, str], request_id: int, text: str) -> Any:
    return client.post(
        f"{API}/verifications/{request_id}/answer", json={"answer": text}, headers=headers
    )


@pytest.mark.parametrize(
    ("asked", "due"),
    [
        # Friday: Sunday 9/28 is a make-up working day, then Monday and Tuesday.
        (datetime(2025, 9, 26, 2, tzinfo=UTC), _local_midnight(2025, 10, 1)),
        # Tuesday before National Day: 10/1–10/8 are holidays; Saturday 10/11 works.
        (datetime(2025, 9, 30, 2, tzinfo=UTC), _local_midnight(2025, 10, 12)),
    ],
)
def test_the_answer_is_due_in_three_working_days_on_the_holiday_calendar(
    client: TestClient, as_user: Any, clock: Clock, asked: datetime, due: datetime
) -> None:
    clock.now = asked
    number = submitted(client, as_user("zhangsan"), RADIATION)["number"]
    accept = open_task(client, as_user("wjw"), number, "accept")
    response = _ask(client, as_user("wjw"), accept)
    assert response.status_code == 201, response.text
    body = response.json()
    assert datetime.fromisoformat(body["due_at"]) == due
    assert body["time_left"]["amount"] == 3 and body["time_left"]["urgency"] == "green"
    assert body["case_number"] == number and body["from_department"] == "WJW"


def test_asking_does_not_pause_the_case_clock(
    client: TestClient, as_user: Any, review: dict[str, Any], db: Session
) -> None:
    def running_dues() -> list[datetime]:
        db.expire_all()
        case = db.scalar(select(Case).where(Case.number == review["case_number"]))
        assert case is not None
        return [c.due_at for c in case.clocks if c.stopped_at is None]

    before = running_dues()
    assert _ask(client, as_user("wjw"), review).status_code == 201
    assert running_dues() == before
    case = client.get(f"{API}/cases/{review['case_number']}", headers=as_user("wjw")).json()
    assert case["time_left"]["paused"] is False


@pytest.mark.parametrize(
    ("username", "status"),
    # the supervisor sees the task (they supervise the case) and is told it is the
    # department's to act on (403), not that it does not exist
    [("wjw", 201), ("ga", 404), ("zhangsan", 403), ("supervisor", 403), ("clerk", 404)],
)
def test_only_who_may_act_on_the_task_asks(
    client: TestClient, as_user: Any, review: dict[str, Any], username: str, status: int
) -> None:
    assert _ask(client, as_user(username), review).status_code == status


@pytest.mark.parametrize(
    "body",
    [
        {"to_department": "WJW"},  # its own department
        {"to_department": "NOPE"},  # no such department
        {"question": "   "},
        {"question": "问" * 1001},
        {"to_department": ""},
    ],
)
def test_a_request_needs_another_department_and_a_question(
    client: TestClient, as_user: Any, review: dict[str, Any], body: dict[str, str]
) -> None:
    assert _ask(client, as_user("wjw"), review, **body).status_code == 422


def test_a_finished_task_can_no_longer_ask(
    client: TestClient, as_user: Any, review: dict[str, Any]
) -> None:
    assert act(client, as_user("wjw"), review, "review", outcome="approved").status_code == 200
    response = _ask(client, as_user("wjw"), review)
    assert response.status_code == 409, response.text


def test_the_asked_department_answers_once(
    client: TestClient, as_user: Any, review: dict[str, Any], clock: Clock
) -> None:
    asked = _ask(client, as_user("wjw"), review).json()
    assert _answer(client, as_user("wjw"), asked["id"], "自己答").status_code == 403
    assert _answer(client, as_user("zrzy"), asked["id"], "无关部门").status_code == 404
    assert _answer(client, as_user("zhangsan"), asked["id"], "申请人").status_code == 403
    assert _answer(client, as_user("ga"), asked["id"], "  ").status_code == 422
    clock.advance(hours=2)
    answered = _answer(client, as_user("ga"), asked["id"], "经查询，无违法犯罪记录。")
    assert answered.status_code == 200, answered.text
    body = answered.json()
    assert body["answer"] == "经查询，无违法犯罪记录。" and body["answered_by"] == "公安审查员"
    assert datetime.fromisoformat(body["answered_at"]) == clock.now
    assert body["time_left"] is None
    again = _answer(client, as_user("ga"), asked["id"], "再答一次")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_answered"


def test_the_review_cannot_approve_before_its_request_is_answered(
    client: TestClient, as_user: Any, review: dict[str, Any]
) -> None:
    asked = _ask(client, as_user("wjw"), review).json()
    early = act(client, as_user("wjw"), review, "review", outcome="approved", opinion="同意")
    assert early.status_code == 409, early.text
    error = early.json()["error"]
    assert error["code"] == "review_withheld" and "协查尚未回复" in error["message"]
    assert (
        _answer(client, as_user("ga"), asked["id"], "经查询，无违法犯罪记录。").status_code == 200
    )
    approved = act(client, as_user("wjw"), review, "review", outcome="approved", opinion="同意")
    assert approved.status_code == 200, approved.text


def test_a_refusal_need_not_wait_and_the_ended_case_stops_the_request(
    client: TestClient, as_user: Any, review: dict[str, Any], clock: Clock, db: Session
) -> None:
    asked = _ask(client, as_user("wjw"), review).json()
    clock.advance(days=10)  # overdue: the worker raises its alerts
    run_worker(client)
    alerts = select(Alert).where(
        Alert.watched == Watched.verification, Alert.watched_id == asked["id"]
    )
    assert db.scalars(alerts).all() and all(a.resolved_at is None for a in db.scalars(alerts))
    refused = act(client, as_user("wjw"), review, "review", outcome="refused", opinion="不符合条件")
    assert refused.status_code == 200, refused.text
    decide = open_task(client, as_user("wjw-hz"), review["case_number"], "decide")
    assert act(client, as_user("wjw-hz"), decide, "refuse", opinion="不符合条件").status_code == 200
    assert client.get(f"{API}/verifications", headers=as_user("ga")).json() == []
    late = _answer(client, as_user("ga"), asked["id"], "经查询，无违法犯罪记录。")
    assert late.status_code == 409 and late.json()["error"]["code"] == "case_ended"
    [read] = client.get(f"{API}/verifications?open=false", headers=as_user("ga")).json()
    assert read["lapsed"] is True and read["time_left"] is None
    db.expire_all()
    assert all(a.resolved_at is not None for a in db.scalars(alerts))


def test_open_requests_of_a_department_least_time_left_first(
    client: TestClient, as_user: Any, review: dict[str, Any], clock: Clock
) -> None:
    first = _ask(client, as_user("wjw"), review, question="第一件").json()
    clock.advance(days=1)
    second = _ask(client, as_user("wjw"), review, question="第二件").json()
    listed = client.get(f"{API}/verifications", headers=as_user("ga")).json()
    assert [r["id"] for r in listed] == [first["id"], second["id"]]
    assert listed[0]["time_left"]["amount"] < listed[1]["time_left"]["amount"]
    _answer(client, as_user("ga"), first["id"], "已核实。")
    listed = client.get(f"{API}/verifications?open=true", headers=as_user("ga")).json()
    assert [r["id"] for r in listed] == [second["id"]]
    everything = client.get(f"{API}/verifications?open=false", headers=as_user("ga")).json()
    assert {r["id"] for r in everything} == {first["id"], second["id"]}
    assert client.get(f"{API}/verifications", headers=as_user("wjw")).json() == []
    other = client.get(f"{API}/verifications?department=GA", headers=as_user("wjw"))
    assert other.status_code == 403
    watched = client.get(f"{API}/verifications?department=GA", headers=as_user("supervisor"))
    assert [r["id"] for r in watched.json()] == [second["id"]]
    assert client.get(f"{API}/verifications", headers=as_user("zhangsan")).status_code == 403


@pytest.mark.parametrize(("username", "status"), [("ga", 200), ("zrzy", 404)])
def test_the_asked_department_may_read_the_case_but_not_act_on_it(
    client: TestClient,
    as_user: Any,
    review: dict[str, Any],
    username: str,
    status: int,
) -> None:
    number = review["case_number"]
    assert _ask(client, as_user("wjw"), review).status_code == 201
    headers = as_user(username)
    assert client.get(f"{API}/cases/{number}", headers=headers).status_code == status
    material = client.get(f"{API}/cases/{number}/materials", headers=as_user("zhangsan")).json()[0]
    content = client.get(f"{API}/materials/{material['id']}/content", headers=headers)
    assert content.status_code == status
    assert client.get(f"{API}/tasks/{review['id']}", headers=headers).status_code == 404
    decided = act(client, headers, review, "review", outcome="approved", opinion="越权")
    assert decided.status_code == 404


def test_questions_and_answers_stay_internal(
    client: TestClient, as_user: Any, review: dict[str, Any], db: Session
) -> None:
    number = review["case_number"]
    asked = _ask(client, as_user("wjw"), review).json()
    _answer(client, as_user("ga"), asked["id"], "经查询，无违法犯罪记录。")
    staff = client.get(f"{API}/cases/{number}/timeline", headers=as_user("wjw")).json()
    internal = [e for e in staff["events"] if e["action"].startswith("verification.")]
    assert [(e["action"], e["opinion"]) for e in internal] == [
        ("verification.ask", QUESTION),
        ("verification.answer", "经查询，无违法犯罪记录。"),
    ]
    applicant = client.get(f"{API}/cases/{number}/timeline", headers=as_user("zhangsan")).json()
    assert applicant["events"] and not any(
        e["action"].startswith("verification.") for e in applicant["events"]
    )
    entries = db.scalars(select(AuditEntry).where(AuditEntry.action.startswith("verification.")))
    assert {(e.actor_name, e.department_code) for e in entries} == {
        ("卫健委工作人员", "WJW"),
        ("公安审查员", "GA"),
    }


@pytest.mark.usefixtures("committing_engine")
def test_two_answers_at_once_exactly_one_is_kept(engine: Engine, tmp_path: Path) -> None:
    """Both colleagues load the request open; the row lock lets only one answer it."""
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    task_id = _review_task(factory, LocalFileStore(tmp_path))
    with unit_of_work(factory) as session:
        reviewer = accounts.find_user(session, username="wjw")
        assert reviewer is not None
        request_id = verification.ask(
            session, task_id=task_id, user=reviewer, to_department="YB", question=QUESTION, now=NOW
        ).id
    seen = []
    for _colleague in ("甲", "乙"):
        with factory() as session:
            seen.append(session.get_one(VerificationRequest, request_id).answered_at)
    assert seen == [None, None]  # the race is real: a check without the lock passes twice

    def answer(text: str) -> Callable[[], None]:
        def act() -> None:
            with unit_of_work(factory) as session:
                user = accounts.find_user(session, username="yb")
                assert user is not None
                verification.answer(session, request_id=request_id, user=user, text=text, now=NOW)

        return act

    outcomes = at_once(answer("甲：属实"), answer("乙：属实"))
    assert sum(outcome is None for outcome in outcomes) == 1, outcomes
    assert any(isinstance(outcome, Conflict) for outcome in outcomes)
    with factory() as session:
        answers = session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(
                AuditEntry.action == "verification.answer",
                AuditEntry.object_id == str(request_id),
            )
        )
        assert answers == 1
