"""协查 requests are watched like stages: warned at two thirds, overdue at their due time,
escalated a working day later across the 2025 National Day week; answering resolves
their alerts (a bad rating's rectification: tests/ratings/test_rectification_watch.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tests.factories import API, open_task, submitted
from tongban.alerts.models import Alert
from tongban.web.runtime import Runtime
from tongban.worker import run_once

RADIATION = "3501-WJW-002"
BEIJING = timedelta(hours=8)


def _midnight(month: int, day: int) -> datetime:
    return datetime(2025, month, day, tzinfo=UTC) - BEIJING


def _levels(db: Session, what: str) -> dict[str, tuple[str, datetime, datetime | None]]:
    db.expire_all()
    rows = db.scalars(select(Alert).where(Alert.what == what)).all()
    return {row.level: (row.department_code, row.raised_at, row.resolved_at) for row in rows}


def _at(clock: Clock, runtime: Runtime, moment: datetime) -> None:
    clock.now = moment
    run_once(runtime)


def test_a_verification_request_across_national_day(
    client: TestClient, as_user: Any, clock: Clock, runtime: Runtime, db: Session
) -> None:
    clock.now = datetime(2025, 9, 30, 2, tzinfo=UTC)  # Tuesday 10:00, before the holiday
    number = submitted(client, as_user("zhangsan"), RADIATION)["number"]
    accept = open_task(client, as_user("wjw"), number, "accept")
    body = {"to_department": "GA", "question": "请核实申请人是否有违法犯罪记录。"}
    asked = client.post(
        f"{API}/tasks/{accept['id']}/verifications", json=body, headers=as_user("wjw")
    )
    assert asked.status_code == 201, asked.text
    # Due with 10/11 (3 working days: 10/9, 10/10, the make-up Saturday 10/11); two of
    # them have run at the end of 10/10; escalated at the end of Monday 10/13.
    second = timedelta(seconds=1)
    _at(clock, runtime, _midnight(10, 11) - second)
    assert _levels(db, "verification") == {}
    _at(clock, runtime, _midnight(10, 11))
    assert _levels(db, "verification") == {"warning": ("GA", _midnight(10, 11), None)}
    _at(clock, runtime, _midnight(10, 12))
    assert set(_levels(db, "verification")) == {"warning", "overdue"}
    _at(clock, runtime, _midnight(10, 14) - second)  # Sunday 10/12 does not count
    assert "escalated" not in _levels(db, "verification")
    _at(clock, runtime, _midnight(10, 14))
    assert _levels(db, "verification")["escalated"][1] == _midnight(10, 14)

    answered = client.post(
        f"{API}/verifications/{asked.json()['id']}/answer",
        json={"answer": "经核查无违法犯罪记录。"},
        headers=as_user("ga"),
    )
    assert answered.status_code == 200, answered.text
    assert {resolved for _, _, resolved in _levels(db, "verification").values()} == {clock.now}


def test_two_requests_of_one_case_due_together_tell_each_person_once(
    client: TestClient, as_user: Any, clock: Clock, runtime: Runtime, db: Session
) -> None:
    """Issue 16's trial (fault 14): the same people got the same alert twice at the same
    second, one per watched thing of one case running out together."""
    clock.now = datetime(2025, 11, 3, 2, tzinfo=UTC)  # Monday 10:00
    number = submitted(client, as_user("zhangsan"), RADIATION)["number"]
    accept = open_task(client, as_user("wjw"), number, "accept")
    for question in ("请核实申请人是否有违法犯罪记录。", "请核实申请人的户籍登记。"):
        body = {"to_department": "GA", "question": question}
        path = f"{API}/tasks/{accept['id']}/verifications"
        assert client.post(path, json=body, headers=as_user("wjw")).status_code == 201
    _at(clock, runtime, _midnight(11, 20))  # past both requests' escalation: raised at once
    assert _levels(db, "verification") == {"escalated": ("GA", _midnight(11, 20), None)}
    assert len(db.scalars(select(Alert).where(Alert.what == "verification")).all()) == 2
    for head in ("ga-hz", "supervisor"):
        told = client.get(f"{API}/me/messages", headers=as_user(head)).json()
        about = [m["payload"]["alert"] for m in told if m["topic"] == "limit_escalated"]
        assert [a["what"] for a in about if a["department"] == "GA"] == ["verification"], head
