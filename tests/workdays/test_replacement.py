"""Replacing a year's calendar through the API: complete years only, preview first, then
a confirmed replacement that re-dates open cases and tells only those whose deadline moved.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tests.factories import API, act, open_task, submitted
from tests.workdays.support import YEAR_2027, package_days
from tongban.audit.models import AuditEntry
from tongban.cases.enums import ClockKind
from tongban.cases.models import Case
from tongban.cases.models import Clock as CaseClock
from tongban.outbox.models import OutboxMessage
from tongban.workdays.models import CalendarDay, CalendarYear
from tongban.workdays.service import parse_year_document
from tongban.workdays.statute import statutory_holidays

RADIATION = "3501-WJW-002"  # 放射工作人员证核发: legal 20, promised 3 working days
BEIJING = timedelta(hours=8)


def _end_of(year: int, month: int, day: int) -> datetime:
    """The end of a Beijing day, in UTC: how working-day deadlines are stored."""
    return datetime(year, month, day, tzinfo=UTC) + timedelta(days=1) - BEIJING


def _accepted_case(client: TestClient, as_user: Any) -> str:
    number = str(submitted(client, as_user("zhangsan"), RADIATION)["number"])
    task = open_task(client, as_user("wjw"), number, "accept")
    assert act(client, as_user("wjw"), task, "accept", opinion="受理").status_code == 200
    return number


def _legal(db: Session, number: str) -> CaseClock:
    db.expire_all()  # the API committed in other sessions; read afresh
    case = db.scalar(select(Case).where(Case.number == number))
    assert case is not None
    return next(c for c in case.clocks if c.kind == ClockKind.legal and c.stopped_at is None)


def _count(db: Session, model: type, *where: Any) -> int:
    return db.scalar(select(func.count()).select_from(model).where(*where)) or 0


def _body(days: list[tuple[date, bool, str]], **extra: Any) -> dict[str, Any]:
    return {
        "source": "国务院办公厅关于部分节假日安排的通知",
        "days": [{"date": d.isoformat(), "is_workday": w, "name": n} for d, w, n in days],
        **extra,
    }


def _longer_national_day_2025() -> list[tuple[date, bool, str]]:
    """The 2025 arrangement with Thursday 9 October off as well."""
    return [*package_days(2025), (date(2025, 10, 9), False, "国庆节")]


def test_a_one_line_year_is_refused_with_every_missing_holiday(
    client: TestClient, as_user: Any, db: Session
) -> None:
    number = _accepted_case(client, as_user)
    due = _legal(db, number).due_at
    outbox = _count(db, OutboxMessage)
    body = _body([(date(2025, 10, 1), False, "国庆节")], confirm="x")

    response = client.put(f"{API}/calendar/years/2025", json=body, headers=as_user("admin"))

    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "calendar_invalid"
    missing = [d["message_zh"] for d in error["details"]]
    assert "缺少春节法定假日 2025-01-29（正月初一）" in missing
    assert "缺少国庆节法定假日 2025-10-02（10月2日）" in missing
    assert len(missing) == len(statutory_holidays(2025)) - 1  # all but 1 October
    assert "缺少春节法定假日 2025-01-29（正月初一）" in error["message"]
    english = [d["message_en"] for d in error["details"]]
    assert "Missing statutory holiday 2025-01-28 (Spring Festival, lunar New Year's Eve)" in english
    # Nothing changed: the year, the deadline, the messages.
    assert _legal(db, number).due_at == due
    assert db.get(CalendarYear, 2025).source.startswith("chinesecalendar")  # type: ignore[union-attr]
    assert _count(db, OutboxMessage) == outbox


def test_preview_lists_the_moved_deadlines_and_changes_nothing(
    client: TestClient, as_user: Any, db: Session
) -> None:
    number = _accepted_case(client, as_user)
    assert _legal(db, number).due_at == _end_of(2025, 10, 24)
    admin = as_user("admin")  # signing in is audited: before counting
    audits, outbox = _count(db, AuditEntry), _count(db, OutboxMessage)

    response = client.post(
        f"{API}/calendar/years/2025/preview",
        json=_body(_longer_national_day_2025()),
        headers=admin,
    )

    assert response.status_code == 200, response.text
    preview = response.json()
    assert preview["day_changes"] == [{"date": "2025-10-09", "is_workday": False, "name": "国庆节"}]
    legal = [m for m in preview["moves"] if m["clock"] == "legal"]
    assert legal == [
        {
            "case_number": number,
            "clock": "legal",
            "unit": "working_days",
            "old_due_at": _end_of(2025, 10, 24).isoformat().replace("+00:00", "Z"),
            "new_due_at": _end_of(2025, 10, 27).isoformat().replace("+00:00", "Z"),
        }
    ]
    assert preview["cases_moved"] == [number] and preview["messages"] == 1
    assert preview["previous_status"] == "official" and preview["confirm"]
    # A preview is only a look.
    assert _legal(db, number).due_at == _end_of(2025, 10, 24)
    assert db.get(CalendarDay, date(2025, 10, 9)) is None
    assert (_count(db, AuditEntry), _count(db, OutboxMessage)) == (audits, outbox)


def test_replacing_a_year_needs_the_confirmation_of_its_preview(
    client: TestClient, as_user: Any, db: Session
) -> None:
    number = _accepted_case(client, as_user)
    admin, url = as_user("admin"), f"{API}/calendar/years/2025"
    days = _longer_national_day_2025()

    unconfirmed = client.put(url, json=_body(days), headers=admin)
    assert unconfirmed.status_code == 428, unconfirmed.text
    assert "1 个办件" in unconfirmed.json()["error"]["message"]
    preview = client.post(f"{url}/preview", json=_body(days), headers=admin).json()
    other = _body(days[:-1])  # not what was previewed
    assert (
        client.put(url, json={**other, "confirm": preview["confirm"]}, headers=admin).status_code
        == 409
    )
    assert _legal(db, number).due_at == _end_of(2025, 10, 24)

    done = client.put(url, json=_body(days, confirm=preview["confirm"]), headers=admin)

    assert done.status_code == 200, done.text
    assert done.json()["cases_recomputed"] == 1
    assert done.json()["change"]["moves"] == preview["moves"]
    assert _legal(db, number).due_at == _end_of(2025, 10, 27)
    moved = db.scalars(
        select(AuditEntry).where(AuditEntry.action == "calendar.deadline_recomputed")
    )
    assert [entry.object_id for entry in moved] == [number]
    topics = db.scalars(
        select(OutboxMessage.topic).where(OutboxMessage.topic == "deadline_changed")
    )
    assert list(topics) == ["deadline_changed"]
    year = db.scalar(select(AuditEntry).where(AuditEntry.action == "calendar.year_replaced"))
    assert year is not None and year.actor_name and year.data["cases_moved"] == [number]
    assert year.data["days_changed"] == ["2025-10-09"]
    # The same confirmation cannot replay: the year it was given for has changed.
    again = client.put(url, json=_body(days, confirm=preview["confirm"]), headers=admin)
    assert again.status_code == 409


def test_the_official_year_replaces_the_provisional_one_and_tells_only_moved_cases(
    client: TestClient, as_user: Any, clock: Clock, db: Session
) -> None:
    clock.now = datetime(2026, 12, 21, 1, 0, tzinfo=UTC)  # Monday 2026-12-21 09:00
    january = _accepted_case(client, as_user)  # 20 days: 元旦 only, the same in both
    clock.now = datetime(2027, 1, 25, 1, 0, tzinfo=UTC)  # Monday 2027-01-25 09:00
    spring = _accepted_case(client, as_user)  # 20 days across 春节
    assert _legal(db, january).provisional and _legal(db, january).due_at == _end_of(2027, 1, 19)
    assert _legal(db, spring).due_at == _end_of(2027, 2, 24)  # provisional: 2/5 and 2/8 off
    document = parse_year_document(YEAR_2027)
    days = [{"date": d.isoformat(), "is_workday": w, "name": n} for d, w, n in document.days]
    body, admin = {"source": "国办发明电〔2026〕X号", "days": days}, as_user("admin")

    preview = client.post(f"{API}/calendar/years/2027/preview", json=body, headers=admin).json()
    assert preview["previous_status"] == "provisional" and preview["previous_source"] is None
    assert preview["cases_moved"] == [spring] and preview["cases_confirmed"] == [january]
    done = client.put(
        f"{API}/calendar/years/2027", json={**body, "confirm": preview["confirm"]}, headers=admin
    )

    assert done.status_code == 200, done.text
    assert not _legal(db, january).provisional
    assert _legal(db, january).due_at == _end_of(2027, 1, 19)
    # 1/31 (Sunday) works; 2/5–2/11 are off: three more days off, one more on.
    assert _legal(db, spring).due_at == _end_of(2027, 2, 26)
    told = db.scalars(select(OutboxMessage).where(OutboxMessage.topic == "deadline_changed"))
    assert [message.payload["object_id"] for message in told] == [spring]


def test_only_the_system_administrator_previews_or_replaces(
    client: TestClient, as_user: Any
) -> None:
    body = _body(package_days(2026))
    for user in ("clerk", "supervisor"):
        headers = as_user(user)
        preview = client.post(f"{API}/calendar/years/2026/preview", json=body, headers=headers)
        assert preview.status_code == 403
        assert (
            client.put(f"{API}/calendar/years/2026", json=body, headers=headers).status_code == 403
        )
