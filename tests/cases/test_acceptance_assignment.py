"""Acceptance assigned to a person (人员随机分配 of 受理): an application submitted online
waits for no department pool from which a clerk could pick the cases they like; it is
drawn, as a review is, among the present clerks of the accepting office. A walk-in taken
at the counter stays with the clerk who took it in."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.cases.test_assignment import assert_drawn_evenly
from tests.factories import account_of, new_staff
from tongban.accounts import service as accounts
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.audit.models import AuditEntry
from tongban.cases import service as cases
from tongban.cases.assignment import pool
from tongban.cases.core.transition import Opening
from tongban.cases.enums import Stage
from tongban.cases.models import Case, Task
from tongban.catalog import service as catalog
from tongban.catalog.models import Department
from tongban.demo.samples import attach_materials, fill_form
from tongban.errors import NotAllowed
from tongban.files.store import LocalFileStore
from tongban.identifiers import make_resident_id
from tongban.outbox.models import OutboxMessage

CODE = "3501-CGJ-003"  # 临时占用城市道路: accepted by 城管 (CGJ)
NOW = datetime(2025, 11, 3, 2, 0, tzinfo=UTC)  # a Monday; 2025-11-03 in Beijing too
TODAY = date(2025, 11, 3)


def _apply(db: Session, store: LocalFileStore, *, by: User | None = None) -> Case:
    """A case of ``CODE`` submitted online by 张三, or taken in at the counter by the clerk
    ``by`` for a walk-in person (窗口代办)."""
    applicant = account_of(db, "zhangsan")
    if by is not None:
        resident = make_resident_id("350103", date(1988, 3, 9), 77)
        applicant = accounts.find_or_create_walk_in(db, id_number=resident, name="陈代办", phone="")
    spec = catalog.get_entry(db, code=CODE).current_version
    assert spec is not None
    form = fill_form(spec.definition["form"], {"project_name": uuid.uuid4().hex[:8]})
    case = cases.create_case(
        db, applicant=applicant, code=CODE, form_data=form, now=NOW, created_by=by
    )
    hand = by or applicant
    attach_materials(db, case=case, user=hand, store=store, now=NOW, required_only=True)
    return cases.submit_case(db, case_id=case.id, user=hand, now=NOW, store=store)


def _accept_task(case: Case) -> Task:
    return next(t for t in case.tasks if t.stage == Stage.accept)


def _assigned(db: Session, task: Task) -> AuditEntry:
    query = select(AuditEntry).where(
        AuditEntry.action == "task.assigned", AuditEntry.object_id == str(task.id)
    )
    (entry,) = db.scalars(query)
    return entry


@pytest.fixture
def store(tmp_path: Path) -> LocalFileStore:
    return LocalFileStore(tmp_path)


@pytest.fixture
def seeded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "RANDOM", random.Random(20251103))


def _away(db: Session, user: User) -> User:
    user.absent_from, user.absent_until = date(2025, 11, 1), date(2025, 11, 7)
    return user


def test_online_acceptance_is_drawn_fairly_and_never_to_the_unqualified_or_absent(
    db: Session, store: LocalFileStore, seeded: None
) -> None:
    """600 acceptances of an online case over three present clerks: a chi-square test of
    the counts against an even spread (2 degrees of freedom, 0.1 % critical value 13.82),
    and none to the absent, the switched-off, the reviewer without the clerk role, the
    department system or a clerk of another department."""
    qualified = [
        account_of(db, "cgj"),
        new_staff(db, "c1", Role.clerk, department="CGJ"),
        new_staff(db, "c2", Role.clerk, department="CGJ"),
    ]
    _away(db, new_staff(db, "away", Role.clerk, department="CGJ"))
    new_staff(db, "gone", Role.clerk, department="CGJ").active = False
    new_staff(db, "client.cgj", Role.clerk, department="CGJ").takes_tasks = False
    new_staff(db, "reviewer2", Role.reviewer, department="CGJ")
    new_staff(db, "elsewhere", Role.clerk, department="GA")
    case = _apply(db, store)
    first = _accept_task(case)
    assert first.assignee_id in {u.id for u in qualified}
    assert _assigned(db, first).data["policy"] == "random"
    assert_drawn_evenly(db, case, Opening(Stage.accept, "CGJ", "working_days", 5), qualified)


def test_least_loaded_acceptance_goes_to_the_clerk_holding_fewest(
    db: Session, store: LocalFileStore, seeded: None
) -> None:
    department = db.get(Department, "CGJ")
    assert department is not None
    department.assignment = pool.Policy.least_loaded
    busy, idle = account_of(db, "cgj"), new_staff(db, "c1", Role.clerk, department="CGJ")
    for _ in range(3):
        _accept_task(_apply(db, store))
    held = Counter(t.assignee_id for t in db.scalars(select(Task).where(Task.stage == "accept")))
    assert abs(held[busy.id] - held[idle.id]) <= 1 and held[busy.id] + held[idle.id] == 3


def test_a_walk_in_stays_with_the_clerk_who_took_it_in(
    db: Session, store: LocalFileStore, seeded: None
) -> None:
    clerk = account_of(db, "cgj")
    colleagues = [new_staff(db, f"c{n}", Role.clerk, department="CGJ") for n in range(3)]
    for _ in range(4):  # with three colleagues present, never drawn away from the counter
        task = _accept_task(_apply(db, store, by=clerk))
        assert task.assignee_id == clerk.id
        assert _assigned(db, task).data["policy"] == "intake"
    task = _accept_task(_apply(db, store, by=account_of(db, "clerk")))  # 综合窗口 of ZWFW
    assert task.department_code == "CGJ"  # accepted by CGJ, where the 综合窗口 clerk is not
    assert task.assignee_id in {c.id for c in [clerk, *colleagues]}
    assert _assigned(db, task).data["policy"] == "random"


def test_an_absent_clerk_taking_in_a_walk_in_does_not_hold_its_acceptance(
    db: Session, store: LocalFileStore
) -> None:
    clerk, colleague = (
        _away(db, account_of(db, "cgj")),
        new_staff(db, "c1", Role.clerk, department="CGJ"),
    )
    task = _accept_task(_apply(db, store, by=clerk))
    assert task.assignee_id == colleague.id


def test_only_the_drawn_clerk_accepts_it_shows_in_their_tasks_and_load(
    db: Session, store: LocalFileStore
) -> None:
    clerk, other = account_of(db, "cgj"), new_staff(db, "c1", Role.clerk, department="CGJ")
    other.absent_from, other.absent_until = TODAY, TODAY  # drawn: cgj, the one present
    case = _apply(db, store)
    task = _accept_task(case)
    other.absent_from = other.absent_until = None
    assert task.assignee_id == clerk.id
    mine = cases.queue_page(db, user=clerk, now=NOW, mine=True).rows
    theirs = cases.queue_page(db, user=other, now=NOW, mine=True).rows
    assert task.id in {row.task.id for row in mine}
    assert task.id not in {row.task.id for row in theirs}
    (load,) = cases.load_by_department(db, day=TODAY, department="CGJ")
    assert {p.user_id: p.open_tasks for p in load.people}[clerk.id] == 1
    assert (load.unassigned, load.at_counter) == (0, 0)
    with pytest.raises(NotAllowed) as refused:
        cases.accept_case(db, case_id=case.id, user=other, opinion="受理", now=NOW, store=store)
    assert refused.value.code == "not_assignee"


def test_a_supervisor_reassigns_an_acceptance_with_a_reason(
    db: Session, store: LocalFileStore
) -> None:
    clerk, other = account_of(db, "cgj"), new_staff(db, "c1", Role.clerk, department="CGJ")
    task = _accept_task(_apply(db, store, by=clerk))
    supervisor = account_of(db, "supervisor")
    cases.reassign_task(
        db, task_id=task.id, to_user_id=other.id, reason="窗口调整", user=supervisor, now=NOW
    )
    assert task.assignee_id == other.id
    query = select(AuditEntry).where(
        AuditEntry.action == "task.reassigned", AuditEntry.object_id == str(task.id)
    )
    (entry,) = db.scalars(query)
    assert entry.opinion == "窗口调整" and entry.data["previous_id"] == clerk.id
    case = cases.accept_case(
        db, case_id=task.case_id, user=other, opinion="受理", now=NOW, store=store
    )
    assert _accept_task(case).actor_id == other.id


def _told_unstaffed(db: Session, task: Task) -> list[OutboxMessage]:
    """The notices that ``task`` has nobody to hold it, to the supervisors and CGJ's head."""
    query = select(OutboxMessage).where(
        OutboxMessage.topic == "task_unstaffed",
        OutboxMessage.recipient_id == account_of(db, "supervisor").id,
    )
    return [m for m in db.scalars(query) if m.payload["object_id"] == str(task.id)]


def test_an_unstaffed_acceptance_is_told_once_though_drawn_again_at_resubmission(
    db: Session, store: LocalFileStore
) -> None:
    clerk = _away(db, account_of(db, "cgj"))  # CGJ's only clerk: nobody may hold it
    case = _apply(db, store)
    task = _accept_task(case)
    assert task.assignee_id is None and len(_told_unstaffed(db, task)) == 1
    clerk.absent_from = clerk.absent_until = None  # back an hour, acting from the pool
    problems = [{"target": "project_name", "problem": "名称有误"}]
    cases.request_correction(
        db, case_id=case.id, user=clerk, problems=problems, opinion=None, now=NOW
    )
    _away(db, clerk)
    applicant = account_of(db, "zhangsan")
    cases.resubmit_case(db, case_id=case.id, user=applicant, now=NOW, store=store)
    assert _accept_task(case).id == task.id and task.assignee_id is None  # drawn again
    assert len(_told_unstaffed(db, task)) == 1  # still unstaffed: the head knows already
    other = _accept_task(_apply(db, store))
    assert other.assignee_id is None and len(_told_unstaffed(db, other)) == 1
