"""A case decided by rules (秒批) opens and closes its tasks in one transaction: no person
is drawn to hold them, no one is told of a task they never had (人员随机分配), and no
watch job waits on clocks that stopped the moment they started (电子监察)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import act, open_task
from tests.instant.conftest import ZHANGSAN_ID, apply, set_record
from tests.instant.test_instant_api import FILING, INSURED, YB
from tongban.audit.models import AuditEntry
from tongban.cases.models import Case, Clock, Task
from tongban.jobs.models import Job
from tongban.outbox.models import OutboxMessage


def test_an_instant_case_holds_no_task_and_tells_no_staff(
    client: TestClient,
    as_user,  # type: ignore[no-untyped-def]
    db: Session,
    population: dict,
) -> None:
    set_record(db, "social_insurance", ZHANGSAN_ID, INSURED)
    case = apply(client, as_user("zhangsan"), YB, FILING)
    assert case["state"] == "completed"
    case_id = db.scalar(select(Case.id).where(Case.number == case["number"]))
    tasks = db.scalars(select(Task).where(Task.case_id == case_id)).all()
    assert tasks and all(task.assignee_id is None for task in tasks)
    assigned = select(AuditEntry.id).where(
        AuditEntry.case_id == case_id, AuditEntry.action == "task.assigned"
    )
    assert db.scalars(assigned).all() == []
    told = select(OutboxMessage).where(OutboxMessage.topic == "task_assigned")
    assert db.scalars(told).all() == []
    assert _watch_jobs(db, case_id) == []


def _watch_jobs(db: Session, case_id: int | None) -> list[str]:
    """The keys of the watch jobs of the case's clocks."""
    clocks = db.scalars(select(Clock.id).where(Clock.case_id == case_id)).all()
    keys = [f"clock.watch:{clock}" for clock in clocks]
    return list(db.scalars(select(Job.key).where(Job.key.in_(keys))))


def test_a_case_the_rules_leave_to_a_person_is_drawn_to_one(
    client: TestClient,
    as_user,  # type: ignore[no-untyped-def]
    db: Session,
    population: dict,
) -> None:
    set_record(db, "social_insurance", ZHANGSAN_ID, INSURED)
    headers = as_user("zhangsan")
    case = apply(client, headers, YB, {**FILING, "filing_type": "异地转诊人员"})
    assert case["state"] == "submitted"  # no row decided: the window accepts it
    staff = as_user("yb")
    assert (
        act(client, staff, open_task(client, staff, case["number"], "accept"), "accept").status_code
        == 200
    )
    decide = db.scalars(
        select(Task).join(Case).where(Case.number == case["number"], Task.stage == "decide")
    ).one()
    assert decide.assignee_id is not None
    # the clocks still running after the acceptance are watched: the decision's stage and
    # the case's promised and legal limits
    running = select(Clock.id).where(Clock.case_id == decide.case_id, Clock.stopped_at.is_(None))
    keys = {f"clock.watch:{clock}" for clock in db.scalars(running)}
    assert len(keys) >= 3 and keys <= set(_watch_jobs(db, decide.case_id))
