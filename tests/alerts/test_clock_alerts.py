"""电子监察 on the working-day calendar: a case's limits are warned about at two thirds,
overdue at the limit and escalated a working day later, across the 2025 National Day week
(10/1–10/8 off, 9/28 and 10/11 make-up working days), pauses left out; each alert is
raised once, audited, and told to the staff concerned.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Connection, event, select
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tests.factories import API, act, open_task, submitted
from tongban.accounts.models import User
from tongban.alerts.models import Alert
from tongban.audit.models import AuditEntry
from tongban.cases.models import Case
from tongban.outbox.models import OutboxMessage
from tongban.web.runtime import Runtime
from tongban.workdays.service import package_days, set_official_year
from tongban.worker import run_once

RADIATION = "3501-WJW-002"  # 放射工作人员证核发: legal 20, promised 3 working days
BEIJING = timedelta(hours=8)


def _midnight(month: int, day: int) -> datetime:
    """00:00 Beijing time starting that day of 2025 (the end of the day before), in UTC."""
    return datetime(2025, month, day, tzinfo=UTC) - BEIJING


def _accepted_on_friday(client: TestClient, as_user: Any, clock: Clock) -> str:
    clock.now = datetime(2025, 9, 26, 2, 0, tzinfo=UTC)  # Friday 10:00 in Fuzhou
    number = submitted(client, as_user("zhangsan"), RADIATION)["number"]
    task = open_task(client, as_user("wjw"), number, "accept")
    assert act(client, as_user("wjw"), task, "accept", opinion="受理").status_code == 200
    return str(number)


def _alerts(db: Session, number: str, what: str) -> dict[str, datetime]:
    db.expire_all()
    case = db.scalar(select(Case).where(Case.number == number))
    assert case is not None
    rows = db.scalars(select(Alert).where(Alert.case_id == case.id, Alert.what == what)).all()
    return {row.level: row.raised_at for row in rows}


def _at(clock: Clock, runtime: Runtime, moment: datetime) -> None:
    clock.now = moment
    run_once(runtime)


def test_promised_limit_warned_overdue_and_escalated_across_national_day(
    client: TestClient, as_user: Any, clock: Clock, runtime: Runtime, db: Session
) -> None:
    number = _accepted_on_friday(client, as_user, clock)
    # Promised 3 working days from Friday 9/26: 9/28 (Sunday, make-up), 9/29, 9/30.
    # Two thirds (2 days) have run at the end of 9/29; the limit ends with 9/30; the first
    # working day after it is 10/9, past the holiday: escalated at its end.
    second = timedelta(seconds=1)
    _at(clock, runtime, _midnight(9, 30) - second)
    assert _alerts(db, number, "promised") == {}
    _at(clock, runtime, _midnight(9, 30))
    assert _alerts(db, number, "promised") == {"warning": _midnight(9, 30)}
    _at(clock, runtime, _midnight(10, 1) - second)
    assert set(_alerts(db, number, "promised")) == {"warning"}
    _at(clock, runtime, _midnight(10, 1))
    assert _alerts(db, number, "promised")["overdue"] == _midnight(10, 1)
    _at(clock, runtime, _midnight(10, 8))  # the holiday week: nothing escalates
    assert set(_alerts(db, number, "promised")) == {"warning", "overdue"}
    _at(clock, runtime, _midnight(10, 10) - second)
    assert set(_alerts(db, number, "promised")) == {"warning", "overdue"}
    _at(clock, runtime, _midnight(10, 10))
    assert _alerts(db, number, "promised")["escalated"] == _midnight(10, 10)
    _at(clock, runtime, _midnight(10, 20))  # raised once each, however often the worker runs
    assert len(_alerts(db, number, "promised")) == 3


def test_legal_limit_times_and_who_hears_of_them(
    client: TestClient, as_user: Any, clock: Clock, runtime: Runtime, db: Session
) -> None:
    number = _accepted_on_friday(client, as_user, clock)
    # Legal 20 working days from 9/26 end with 10/30; 13 of them (2/3 of 20, rounded
    # down: warned early rather than late) with 10/21; escalated at the end of 10/31.
    for moment in (_midnight(10, 22), _midnight(10, 31), _midnight(11, 1)):
        _at(clock, runtime, moment - timedelta(seconds=1))
        _at(clock, runtime, moment)
    assert _alerts(db, number, "legal") == {
        "warning": _midnight(10, 22),
        "overdue": _midnight(10, 31),
        "escalated": _midnight(11, 1),
    }
    case = db.scalar(select(Case).where(Case.number == number))
    assert case is not None
    entries = db.scalars(
        select(AuditEntry)
        .where(AuditEntry.case_id == case.id, AuditEntry.action.like("alert.%"))
        .order_by(AuditEntry.seq)  # in the chain's order (PostgreSQL's rows come in any)
    ).all()
    legal = [e for e in entries if e.data["alert"]["what"] == "legal"]
    assert [e.action for e in legal] == ["alert.warning", "alert.overdue", "alert.escalated"]
    assert legal[1].data["alert"]["due_label"] == "2025-10-30"

    def told(entry: AuditEntry) -> set[str]:
        ids = db.scalars(
            select(OutboxMessage.recipient_id).where(OutboxMessage.audit_entry_id == entry.id)
        )
        return set(db.scalars(select(User.username).where(User.id.in_(list(ids)))))

    assert "wjw" in told(legal[0]) and "supervisor" not in told(legal[0])
    assert {"wjw-hz", "supervisor"} <= told(
        legal[2]
    )  # the department's approver (wjw-hz), 电子监察
    assert "ga" not in told(legal[2])  # another department's approver is not told


def test_a_pause_holds_the_warning_back_by_the_working_days_it_took(
    client: TestClient, as_user: Any, clock: Clock, runtime: Runtime, db: Session
) -> None:
    number = _accepted_on_friday(client, as_user, clock)
    reviewer = as_user("wjw")
    body = {"reason": "expert_review", "note": "组织专家评审剂量监测报告", "until": "2030-12-31"}
    clock.now = datetime(2025, 9, 29, 1, 0, tzinfo=UTC)  # Monday 09:00
    assert (
        client.post(f"{API}/cases/{number}/pause", json=body, headers=reviewer).status_code == 201
    )
    _at(clock, runtime, _midnight(10, 1))  # the promised limit would have run out: paused
    assert _alerts(db, number, "promised") == {}
    clock.now = datetime(2025, 10, 9, 1, 0, tzinfo=UTC)  # Thursday after the holiday
    assert client.post(f"{API}/cases/{number}/resume", headers=reviewer).status_code == 200
    # Paused from Monday 9/29 to 10/9: 9/30 and 10/9 did not count (the clock ran on
    # Monday), so the 2 days of the warning end with 10/10 less two: with 10/9 … plus the
    # two paused days: the warning comes at the end of 10/9, the limit with 10/10.
    _at(clock, runtime, _midnight(10, 10) - timedelta(seconds=1))
    assert _alerts(db, number, "promised") == {}
    _at(clock, runtime, _midnight(10, 10))
    assert set(_alerts(db, number, "promised")) == {"warning"}
    _at(clock, runtime, _midnight(10, 11))
    assert set(_alerts(db, number, "promised")) == {"warning", "overdue"}


def test_a_finished_stage_is_not_warned_about_and_its_alerts_are_resolved(
    client: TestClient, as_user: Any, clock: Clock, runtime: Runtime, db: Session
) -> None:
    number = _accepted_on_friday(client, as_user, clock)
    # The review stage (2 days, 9/28 and 9/29): warned after one, overdue after both.
    _at(clock, runtime, _midnight(9, 29))
    assert _alerts(db, number, "review") == {"warning": _midnight(9, 29)}
    _at(clock, runtime, _midnight(9, 30))
    assert set(_alerts(db, number, "review")) == {"warning", "overdue"}
    task = open_task(client, as_user("wjw"), number, "review")
    done = act(client, as_user("wjw"), task, "review", outcome="approved", opinion="同意")
    assert done.status_code == 200, done.text
    db.expire_all()
    rows = db.scalars(select(Alert).where(Alert.what == "review")).all()
    assert rows and all(row.resolved_at == clock.now for row in rows)
    _at(clock, runtime, _midnight(10, 20))
    assert "escalated" not in _alerts(db, number, "review")


def test_alerts_shown_on_the_workbench_and_the_dashboard(
    client: TestClient, as_user: Any, clock: Clock, runtime: Runtime
) -> None:
    number = _accepted_on_friday(client, as_user, clock)
    _at(clock, runtime, _midnight(10, 10))  # promised limit overdue and escalated
    queue = client.get("/staff", headers=as_user("wjw")).text
    assert "本部门的预警与督办" in queue and number in queue
    assert "督办" in queue and "承诺期限" in queue and "2025-09-30" in queue
    assert number not in client.get("/staff", headers=as_user("ga")).text  # not GA's
    dashboard = client.get("/supervision", headers=as_user("supervisor")).text
    assert "预警与督办（电子监察）" in dashboard and number in dashboard
    client.cookies.set("tongban_lang", "en")
    english = client.get("/supervision", headers=as_user("supervisor")).text
    assert "Time-limit alerts" in english and "Escalated" in english


def test_a_watch_that_catches_up_raises_only_the_level_reached_once(
    client: TestClient, as_user: Any, clock: Clock, runtime: Runtime, db: Session
) -> None:
    """The worker was down from the acceptance until after the promised limit ran out
    (9/30) and was escalated (10/10): it sends the 督办 alone, to everyone the skipped
    warning and overdue alert would have told, and never the skipped levels later."""
    number = _accepted_on_friday(client, as_user, clock)
    _at(clock, runtime, _midnight(10, 10) + timedelta(hours=3))
    assert _alerts(db, number, "promised") == {"escalated": clock.now}
    case = db.scalar(select(Case).where(Case.number == number))
    assert case is not None
    entries = db.scalars(
        select(AuditEntry).where(AuditEntry.case_id == case.id, AuditEntry.action.like("alert.%"))
    ).all()
    promised = [e for e in entries if e.data["alert"]["what"] == "promised"]
    assert [e.action for e in promised] == ["alert.escalated"]
    ids = db.scalars(
        select(OutboxMessage.recipient_id).where(OutboxMessage.audit_entry_id == promised[0].id)
    )
    told = set(db.scalars(select(User.username).where(User.id.in_(list(ids)))))
    assert {"wjw", "wjw-hz", "supervisor"} <= told  # the staff, the head, 电子监察
    _at(clock, runtime, _midnight(10, 20))
    assert set(_alerts(db, number, "promised")) == {"escalated"}


def test_a_watch_late_past_the_limit_sends_overdue_then_escalates_on_time(
    client: TestClient, as_user: Any, clock: Clock, runtime: Runtime, db: Session
) -> None:
    """Down over the warning and the limit (9/30 end), up before the escalation: red once,
    no yellow; the escalation still comes at its own time (the end of 10/9)."""
    number = _accepted_on_friday(client, as_user, clock)
    _at(clock, runtime, _midnight(10, 3))
    assert _alerts(db, number, "promised") == {"overdue": _midnight(10, 3)}
    _at(clock, runtime, _midnight(10, 10) - timedelta(seconds=1))
    assert set(_alerts(db, number, "promised")) == {"overdue"}
    _at(clock, runtime, _midnight(10, 10))
    assert _alerts(db, number, "promised") == {
        "overdue": _midnight(10, 3),
        "escalated": _midnight(10, 10),
    }


def test_escalation_messages_link_to_where_each_reader_acts(
    client: TestClient, as_user: Any, clock: Clock, runtime: Runtime
) -> None:
    """督办: the supervisor's message opens the supervision dashboard (where escalations are
    followed), the department head's opens the case; neither the empty workbench."""
    number = _accepted_on_friday(client, as_user, clock)
    _at(clock, runtime, _midnight(10, 10))  # promised limit overdue and escalated
    supervisor = client.get("/messages", headers=as_user("supervisor")).text
    assert "超期督办" in supervisor
    assert 'name="go" value="/supervision"' in supervisor
    assert 'name="go" value="/staff"' not in supervisor
    head = client.get("/messages", headers=as_user("wjw-hz")).text
    assert f'name="go" value="/cases/{number}"' in head
    assert 'name="go" value="/staff"' not in head
    assert client.get(f"/cases/{number}", headers=as_user("wjw-hz")).status_code == 200


def test_a_calendar_changed_outside_the_holiday_screen_moves_the_watch_once(
    client: TestClient,
    as_user: Any,
    clock: Clock,
    runtime: Runtime,
    db: Session,
    connection: Connection,
) -> None:
    """A year changed without recomputing open deadlines (the package's seed at startup):
    the watch counts the clock on the calendar in force, its stored due time (the one the
    workbench and the alert's message show) moves with it, and it is recomputed once, not
    at every later run."""
    number = _accepted_on_friday(client, as_user, clock)
    no_make_up_day = [day for day in package_days(2025) if day[0] != date(2025, 9, 28)]
    set_official_year(session=db, year=2025, days=no_make_up_day, source="国办发明电（更正）")
    db.commit()
    updates: list[Any] = []

    def count(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.startswith("UPDATE clocks"):
            updates.append(parameters)

    event.listen(connection, "before_cursor_execute", count)
    try:
        # Promised 3 working days from Friday 9/26, 9/28 no longer worked: 9/29, 9/30 and
        # 10/9 (warned with 9/30, overdue with 10/9), no longer 9/28-9/30.
        _at(clock, runtime, _midnight(10, 1))
        assert set(_alerts(db, number, "promised")) == {"warning"}
        assert updates  # the running clocks took the new calendar
        updates.clear()
        _at(clock, runtime, _midnight(10, 10))
    finally:
        event.remove(connection, "before_cursor_execute", count)
    assert set(_alerts(db, number, "promised")) == {"warning", "overdue"}
    assert updates == []  # recomputed once
    case = db.scalar(select(Case).where(Case.number == number))
    assert case is not None
    overdue = db.scalars(
        select(AuditEntry).where(
            AuditEntry.case_id == case.id, AuditEntry.action == "alert.overdue"
        )
    ).all()
    assert [
        e.data["alert"]["due_label"] for e in overdue if e.data["alert"]["what"] == "promised"
    ] == ["2025-10-09"]
    assert "2025-10-09" in client.get("/staff", headers=as_user("wjw")).text
