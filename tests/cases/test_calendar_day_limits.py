"""Limits the law counts in calendar days (日): the start day is not counted (《民法典》
第二百零一条, 《行政许可法》第八十二条), a last day on a holiday or rest day moves to the
next working day (《民法典》第二百零三条), and an art. 45 pause moves the due time by the
calendar days it took."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tests.factories import API, act, open_task, submitted
from tests.workdays.support import calendar_from_package, local
from tongban.cases.enums import ClockKind
from tongban.cases.models import Case
from tongban.cases.models import Clock as CaseClock

EIA = "3501-ST-001"  # 环评报告表审批: 《环境影响评价法》第二十二条, legal 30 日, promised 9 日


def _clock(db: Session, number: str, kind: ClockKind) -> CaseClock:
    db.expire_all()  # the API committed in other sessions; read afresh
    case = db.scalar(select(Case).where(Case.number == number))
    assert case is not None
    return next(c for c in case.clocks if c.kind == kind and c.stopped_at is None)


def _accepted(client: TestClient, as_user: Any) -> str:
    number = submitted(client, as_user("minfeng"), EIA)["number"]
    task = open_task(client, as_user("st"), number, "accept")
    assert act(client, as_user("st"), task, "accept", opinion="受理").status_code == 200
    return number


def test_calendar_days_count_from_the_next_day_and_end_on_a_working_day() -> None:
    cal = calendar_from_package()
    # Monday 2025-11-03 + 7 日 is Monday 11-10: due at its end.
    assert cal.add_calendar_days_checked(local(2025, 11, 3, 10), 7).due_at == local(2025, 11, 11)
    # Wednesday 11-05 + 3 日 is Saturday 11-08: the limit ends with Monday 11-10 (第二百零三条).
    assert cal.add_calendar_days_checked(local(2025, 11, 5, 10), 3).due_at == local(2025, 11, 11)
    # Sunday 2025-09-28 is a make-up working day: a limit ending then is not moved.
    assert cal.add_calendar_days_checked(local(2025, 9, 21, 10), 7).due_at == local(2025, 9, 29)
    # A calendar-day limit runs through holidays, unlike working days.
    assert cal.calendar_days_between(local(2025, 9, 30, 10), local(2025, 10, 9, 8)) == 9
    assert cal.working_days_between(local(2025, 9, 30, 10), local(2025, 10, 9, 8)) == 1


def test_thirty_days_ending_in_the_national_day_holiday_end_after_it(
    client: TestClient, as_user: Any, clock: Clock, db: Session
) -> None:
    clock.now = datetime(2025, 9, 5, 2, 0, tzinfo=UTC)  # Friday 10:00 in Fuzhou
    number = _accepted(client, as_user)
    legal = _clock(db, number, ClockKind.legal)
    assert legal.unit == "calendar_days"
    # 9/5 + 30 日 = 10/5, within the holiday of 10/1–10/8: due at the end of Thursday 10/9.
    assert not calendar_from_package().is_workday(date(2025, 10, 5))
    assert legal.due_at == local(2025, 10, 10)
    # 9/5 + 9 日 = Sunday 9/14: due at the end of Monday 9/15.
    assert _clock(db, number, ClockKind.promised).due_at == local(2025, 9, 16)


def test_an_art45_pause_moves_a_calendar_day_limit_by_the_days_it_took(
    client: TestClient, as_user: Any, clock: Clock, db: Session
) -> None:
    clock.now = datetime(2025, 11, 3, 1, 0, tzinfo=UTC)  # Monday 09:00
    number = _accepted(client, as_user)
    # 11/3 + 30 日 = Wednesday 12/3.
    assert _clock(db, number, ClockKind.legal).due_at == local(2025, 12, 4)
    reviewer = as_user("st")
    body = {"reason": "expert_review", "note": "组织专家评审环境影响报告表", "until": "2030-12-31"}
    assert (
        client.post(f"{API}/cases/{number}/pause", json=body, headers=reviewer).status_code == 201
    )
    clock.now = datetime(2025, 11, 6, 1, 0, tzinfo=UTC)  # Thursday: 3 calendar days later
    assert client.post(f"{API}/cases/{number}/resume", headers=reviewer).status_code == 200
    # 12/3 + 3 日 = Saturday 12/6: the limit ends with Monday 12/8.
    assert _clock(db, number, ClockKind.legal).due_at == local(2025, 12, 9)
    left = client.get(f"{API}/cases/{number}", headers=reviewer).json()["time_left"]
    assert left["unit"] == "calendar_days"


def test_the_guide_says_days_not_working_days(client: TestClient) -> None:
    guide = client.get(f"/items/{EIA}").text
    assert "30 日" in guide and "9 日" in guide
    assert "30 个工作日" not in guide
    client.cookies.set("tongban_lang", "en")
    english = client.get(f"/items/{EIA}").text
    assert "30 calendar days" in english and "working days" not in english
