"""Who hears of alerts raised together: a worker's round raises alerts of many departments
and levels at once, and reads the staff concerned once, not once per department and level.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from tests.conftest import START
from tongban.alerts import service as alerts
from tongban.alerts.enums import AlertLevel, Watched
from tongban.alerts.recipients import recipients
from tongban.audit.models import AuditEntry
from tongban.catalog.models import Department


@contextmanager
def staff_reads(db: Session) -> Iterator[list[str]]:
    """The statements that read the users table while the block runs."""
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "FROM users" in statement:
            seen.append(statement)

    engine = db.get_bind().engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_alerts_of_many_departments_read_their_staff_once(db: Session) -> None:
    departments = db.scalars(select(Department.code).order_by(Department.code).limit(3)).all()
    assert len(departments) == 3
    day = timedelta(days=1)
    warned = [(AlertLevel.warning, START - day), (AlertLevel.overdue, START + day)]
    escalated = [(AlertLevel.overdue, START - 2 * day), (AlertLevel.escalated, START - day)]
    watched = [
        (
            alerts.Target(
                watched=Watched.clock,
                id=900_000 + n,
                department_code=code,
                what="review",
                due_at=START,
            ),
            moments,
        )
        for n, (code, moments) in enumerate(
            (code, moments) for code in departments for moments in (warned, escalated)
        )
    ]
    with staff_reads(db) as seen:
        again = alerts.raise_all(db, watched, now=START)
    assert len(seen) == 1
    assert again == [START + day, None] * 3
    entries = db.scalars(
        select(AuditEntry).where(AuditEntry.object_id.in_([str(t.id) for t, _ in watched]))
    ).all()
    told = {(e.data["alert"]["department"], e.action): e.data["recipients"] for e in entries}
    for code in departments:
        staff = recipients(db, department=code, level=AlertLevel.warning)
        assert told[(code, "alert.warning")] == staff
        heads = recipients(db, department=code, level=AlertLevel.escalated)
        overdue = recipients(db, department=code, level=AlertLevel.overdue)
        assert told[(code, "alert.escalated")] == sorted(set(heads) | set(overdue))
    assert any(told.values())  # the demo's departments have staff to tell
