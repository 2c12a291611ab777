"""Time limits by the law (行政许可法 arts. 32, 42, 44, 45) on the Chinese calendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tests.factories import API, act, open_task, submitted
from tests.workdays.support import YEAR_2027
from tongban.audit.models import AuditEntry
from tongban.cases.enums import ClockKind
from tongban.cases.models import Case
from tongban.cases.models import Clock as CaseClock
from tongban.web.runtime import Runtime
from tongban.workdays.service import parse_year_document
from tongban.worker import run_once

RADIATION = "3501-WJW-002"  # 放射工作人员证核发: legal 20, promised 3 working days


def _clock(db: Session, number: str, kind: ClockKind) -> CaseClock:
    db.expire_all()  # the API committed in other sessions; read afresh
    case = db.scalar(select(Case).where(Case.number == number))
    assert case is not None
    return next(c for c in case.clocks if c.kind == kind and c.stopped_at is None)


def _local_midnight(year: int, month: int, day: int) -> datetime:
    """00:00 Beijing time at the start of that day, in UTC."""
    return datetime(year, month, day, tzinfo=UTC).replace(hour=0) - (
        datetime(2000, 1, 1, 8) - datetime(2000, 1, 1)
    )


def _accept(client: TestClient, as_user: Any, number: str) -> None:
    task = open_task(client, as_user("wjw"), number, "accept")
    assert act(client, as_user("wjw"), task, "accept", opinion="受理").status_code == 200


def test_decision_due_twenty_working_days_after_acceptance_across_national_day(
    client: TestClient, as_user: Any, clock: Clock, db: Session
) -> None:
    clock.now = datetime(2025, 9, 26, 2, 0, tzinfo=UTC)  # Friday 10:00 in Fuzhou
    number = submitted(client, as_user("zhangsan"), RADIATION)["number"]
    _accept(client, as_user, number)
    # 9/28 (Sunday) is a make-up working day, 10/1–10/8 are holidays, 10/11 (Saturday) works.
    assert _clock(db, number, ClockKind.legal).due_at == _local_midnight(2025, 10, 31)
    assert _clock(db, number, ClockKind.promised).due_at == _local_midnight(2025, 10, 1)


def test_no_correction_notice_within_five_working_days_means_accepted_from_receipt(
    client: TestClient, as_user: Any, clock: Clock, runtime: Runtime, db: Session
) -> None:
    received = clock.now  # Monday 2025-09-22 09:00
    number = submitted(client, as_user("zhangsan"), RADIATION)["number"]
    clock.now = datetime(2025, 9, 28, 8, 0, tzinfo=UTC)  # make-up Sunday, 16:00: day 5 not over
    assert run_once(runtime)["deemed_accepted"] == []
    clock.now = datetime(2025, 9, 28, 16, 1, tzinfo=UTC)  # Monday 9/29 00:01 in Fuzhou
    assert run_once(runtime)["deemed_accepted"] == [number]
    assert run_once(runtime)["deemed_accepted"] == []  # idempotent

    case = client.get(f"{API}/cases/{number}", headers=as_user("zhangsan")).json()
    assert case["state"] == "in_review"
    assert datetime.fromisoformat(case["accepted_at"]) == received
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "case.deem_accept"))
    assert (
        entry is not None and entry.actor_name == "系统" and "第三十二条" in (entry.opinion or "")
    )


def test_correction_pauses_the_clock_until_resubmission(
    client: TestClient, as_user: Any, clock: Clock, runtime: Runtime, db: Session
) -> None:
    applicant = as_user("zhangsan")
    number = submitted(client, applicant, RADIATION)["number"]
    before = _clock(db, number, ClockKind.stage).due_at
    task = open_task(client, as_user("wjw"), number, "accept")
    body = {"problems": [{"target": "photo", "problem": "照片须为近期免冠"}]}
    assert act(client, as_user("wjw"), task, "correction", **body).status_code == 201
    clock.advance(days=10)  # the applicant takes ten days; nothing is deemed meanwhile
    assert run_once(runtime)["deemed_accepted"] == []
    assert client.post(f"{API}/cases/{number}/resubmit", headers=applicant).status_code == 200
    after = _clock(db, number, ClockKind.stage).due_at
    assert after > before
    assert (
        client.get(f"{API}/cases/{number}", headers=applicant).json()["time_left"]["paused"]
        is False
    )


def test_art45_pause_moves_every_due_time_by_the_working_days_it_took(
    client: TestClient, as_user: Any, clock: Clock, db: Session
) -> None:
    number = submitted(client, as_user("zhangsan"), RADIATION)["number"]
    _accept(client, as_user, number)
    legal_before = _clock(db, number, ClockKind.legal).due_at
    reviewer = as_user("wjw")
    body = {"reason": "expert_review", "note": "组织专家评审剂量监测报告", "until": "2030-12-31"}
    assert (
        client.post(f"{API}/cases/{number}/pause", json=body, headers=reviewer).status_code == 201
    )
    assert (
        client.post(f"{API}/cases/{number}/pause", json=body, headers=reviewer).status_code == 409
    )
    clock.now = datetime(2025, 9, 25, 1, 0, tzinfo=UTC)  # three working days later (Thursday)
    assert client.post(f"{API}/cases/{number}/resume", headers=reviewer).status_code == 200
    legal_after = _clock(db, number, ClockKind.legal).due_at
    # 23, 24, 25 Sept did not count: 20 working days from the 22nd end on 10/24, now 10/29.
    assert legal_before == _local_midnight(2025, 10, 25)
    assert legal_after == _local_midnight(2025, 10, 30)


def test_the_legal_limit_extends_once_with_the_approvers_reasons(
    client: TestClient, as_user: Any, db: Session
) -> None:
    number = submitted(client, as_user("zhangsan"), RADIATION)["number"]
    _accept(client, as_user, number)
    before = _clock(db, number, ClockKind.legal).due_at
    approver = as_user("wjw-hz")
    assert (
        client.post(
            f"{API}/cases/{number}/extension", json={"opinion": ""}, headers=approver
        ).status_code
        == 422
    )
    ok = client.post(
        f"{API}/cases/{number}/extension",
        json={"opinion": "需补充现场检测，经负责人批准延长"},
        headers=approver,
    )
    assert ok.status_code == 200 and ok.json()["extended"] is True
    assert _clock(db, number, ClockKind.legal).due_at > before
    again = client.post(
        f"{API}/cases/{number}/extension", json={"opinion": "再次延期"}, headers=approver
    )
    assert again.status_code == 409
    assert (
        client.post(
            f"{API}/cases/{number}/extension", json={"opinion": "x"}, headers=as_user("clerk")
        ).status_code
        == 403
    )


def test_unpublished_year_gives_a_provisional_date_until_the_official_calendar_is_entered(
    client: TestClient, as_user: Any, clock: Clock, db: Session
) -> None:
    clock.now = datetime(2026, 12, 21, 1, 0, tzinfo=UTC)  # Monday 2026-12-21 09:00
    applicant = as_user("zhangsan")
    number = submitted(client, applicant, RADIATION)["number"]
    _accept(client, as_user, number)
    legal = _clock(db, number, ClockKind.legal)
    assert legal.provisional is True
    # Provisional rule: weekends plus 元旦 (2027-01-01) off; 20 working days end on 2027-01-19.
    assert legal.due_at == _local_midnight(2027, 1, 20)

    days = [
        {"date": day.isoformat(), "is_workday": is_workday, "name": name}
        for day, is_workday, name in parse_year_document(YEAR_2027).days
    ]
    official = {"source": "国务院办公厅关于2027年部分节假日安排的通知", "days": days}
    url = f"{API}/calendar/years/2027"
    preview = client.post(f"{url}/preview", json=official, headers=as_user("admin")).json()
    confirmed = {**official, "confirm": preview["confirm"]}
    response = client.put(url, json=confirmed, headers=as_user("admin"))
    assert response.status_code == 200, response.text
    assert response.json()["change"]["cases_confirmed"] == [number]
    legal = _clock(db, number, ClockKind.legal)
    assert legal.provisional is False
    assert legal.due_at == _local_midnight(2027, 1, 20)  # January as the rule had it
    # The deadline did not move: nothing to tell the applicant.
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "calendar.deadline_recomputed"))
    assert entry is None
    assert client.put(url, json=confirmed, headers=as_user("clerk")).status_code == 403


def test_hour_limits_count_office_hours_of_working_days_only(
    client: TestClient, as_user: Any, clock: Clock, db: Session
) -> None:
    clock.now = datetime(2025, 9, 26, 8, 30, tzinfo=UTC)  # Friday 16:30 in Fuzhou
    number = submitted(client, as_user("minfeng"), "3501-CGJ-001")["number"]  # 渣土运输备案, hours
    accept = _clock(db, number, ClockKind.stage)
    assert accept.unit == "hours"
    # Half an hour on Friday, the rest on the make-up working Sunday from 09:00.
    assert accept.due_at == datetime(2025, 9, 28, 1, 30, tzinfo=UTC)


def test_a_same_day_limit_submitted_on_a_rest_day_is_due_at_the_end_of_the_next_working_day(
    client: TestClient, as_user: Any, clock: Clock, db: Session
) -> None:
    applicant = as_user("zhangsan")
    clock.now = datetime(2025, 11, 2, 2, 53, tzinfo=UTC)  # Sunday 10:53 in Fuzhou
    sunday = submitted(client, applicant, RADIATION)["number"]  # acceptance stage: 0 days (即办)
    assert _clock(db, sunday, ClockKind.stage).due_at == _local_midnight(2025, 11, 4)
    left = client.get(f"{API}/cases/{sunday}", headers=applicant).json()["time_left"]
    assert left["overdue"] is False and left["urgency"] != "red"

    clock.now = datetime(2025, 10, 31, 15, 30, tzinfo=UTC)  # Friday 23:30 in Fuzhou
    friday = submitted(client, applicant, RADIATION)["number"]
    assert _clock(db, friday, ClockKind.stage).due_at == _local_midnight(2025, 11, 4)
    # The art. 32 five days start on Monday too: Tuesday to Monday 11-10.
    assert _clock(db, friday, ClockKind.acceptance).due_at == _local_midnight(2025, 11, 11)
    clock.now = datetime(2025, 11, 1, 0, 30, tzinfo=UTC)  # an hour later: still not red
    left = client.get(f"{API}/cases/{friday}", headers=applicant).json()["time_left"]
    assert left["overdue"] is False and left["urgency"] != "red"


def test_an_hour_clock_submitted_on_a_rest_day_starts_at_the_next_office_hours(
    client: TestClient, as_user: Any, clock: Clock, db: Session
) -> None:
    clock.now = datetime(2025, 10, 10, 10, 0, tzinfo=UTC)  # Friday 18:00 in Fuzhou
    number = submitted(client, as_user("minfeng"), "3501-GA-001")["number"]  # accept: 0 hours
    accept = _clock(db, number, ClockKind.stage)
    assert accept.unit == "hours"
    # Saturday 2025-10-11 is a make-up working day: the same-day (0 hours) acceptance is due
    # when its office hours close (the old expectation, 09:00, had it overdue on opening).
    assert accept.due_at == datetime(2025, 10, 11, 9, 0, tzinfo=UTC)


HOUR_ITEM = "3501-GA-001"  # 刻章备案: accept 0 office hours (当场), promised 2, legal 8


def _time_left(client: TestClient, headers: dict[str, str], number: str) -> dict[str, Any]:
    return dict(client.get(f"{API}/cases/{number}", headers=headers).json()["time_left"])


def test_hours_left_are_whole_minutes_never_rounded_up(
    client: TestClient, as_user: Any, clock: Clock
) -> None:
    applicant, ga = as_user("minfeng"), as_user("ga")
    number = submitted(client, applicant, HOUR_ITEM)["number"]  # Monday 09:00
    assert act(client, ga, open_task(client, ga, number, "accept"), "accept").status_code == 200
    promised = datetime(2025, 9, 22, 3, 0, tzinfo=UTC)  # 2 office hours: 11:00 in Fuzhou
    for left_seconds, minutes in ((57 * 60, 57), (57 * 60 + 59, 57), (3 * 60, 3), (30, 0)):
        clock.now = promised - timedelta(seconds=left_seconds)
        left = _time_left(client, applicant, number)
        assert (left["amount"], left["unit"], left["overdue"]) == (minutes, "minutes", False)
        assert left["limit"] == 120 and left["due_label"] == "2025-09-22 11:00"
    clock.now = promised  # due: overdue from that moment, a minute begun counts
    left = _time_left(client, applicant, number)
    assert (left["amount"], left["overdue"], left["urgency"]) == (-1, True, "red")
    clock.now = promised + timedelta(minutes=12)
    assert _time_left(client, applicant, number)["amount"] == -12


def test_an_instant_acceptance_is_due_at_the_close_of_that_days_office_hours(
    client: TestClient, as_user: Any, clock: Clock, db: Session
) -> None:
    applicant = as_user("minfeng")
    clock.now = datetime(2025, 9, 22, 2, 0, tzinfo=UTC)  # Monday 10:00 in Fuzhou
    number = submitted(client, applicant, HOUR_ITEM)["number"]
    accept = _clock(db, number, ClockKind.stage)
    assert (accept.unit, accept.limit) == ("hours", 0)
    assert accept.due_at == datetime(2025, 9, 22, 9, 0, tzinfo=UTC)  # 17:00: 当场, same day
    left = _time_left(client, applicant, number)
    assert (left["amount"], left["unit"], left["overdue"]) == (7 * 60, "minutes", False)
    assert left["due_label"] == "2025-09-22 17:00"
    clock.now = datetime(2025, 9, 22, 9, 5, tzinfo=UTC)  # 17:05: past the close
    left = _time_left(client, applicant, number)
    assert left["overdue"] is True and left["amount"] <= -1


def test_an_instant_acceptance_paused_for_correction_goes_on_where_it_stood(
    client: TestClient, as_user: Any, clock: Clock, db: Session
) -> None:
    applicant, ga = as_user("minfeng"), as_user("ga")
    clock.now = datetime(2025, 9, 22, 2, 0, tzinfo=UTC)  # Monday 10:00
    number = submitted(client, applicant, HOUR_ITEM)["number"]
    clock.now = datetime(2025, 9, 22, 7, 0, tzinfo=UTC)  # 15:00: two office hours left
    body = {"problems": [{"target": "APPLICATION_FORM", "problem": "申请表未签名"}]}
    task = open_task(client, ga, number, "accept")
    assert act(client, ga, task, "correction", **body).status_code == 201
    clock.now = datetime(2025, 9, 23, 2, 0, tzinfo=UTC)  # Tuesday 10:00: still frozen
    left = _time_left(client, applicant, number)
    assert (left["paused"], left["amount"], left["overdue"]) == (True, 120, False)
    assert client.post(f"{API}/cases/{number}/resubmit", headers=applicant).status_code == 200
    left = _time_left(client, applicant, number)
    assert (left["paused"], left["amount"], left["overdue"]) == (False, 120, False)
    assert _clock(db, number, ClockKind.stage).due_at == datetime(2025, 9, 23, 4, 0, tzinfo=UTC)
