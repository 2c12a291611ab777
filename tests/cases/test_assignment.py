"""Work assignment (人员随机分配): a department's task is held by one person drawn by the
platform among the qualified present staff, fairly; only the holder acts; a colleague takes
over from someone absent; a supervisor or the department's head reassigns with a reason;
every change is audited and tells the person it concerns."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import account_of, new_staff
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.audit.models import AuditEntry
from tongban.cases import service as cases
from tongban.cases.assignment import pool
from tongban.cases.core.transition import Opening, open_tasks
from tongban.cases.enums import Stage, TaskOutcome, TaskState
from tongban.cases.models import Case, Task
from tongban.catalog import service as catalog
from tongban.catalog.models import Department
from tongban.demo.samples import attach_materials, fill_form
from tongban.errors import Conflict, InvalidInput, NotAllowed
from tongban.files.store import LocalFileStore
from tongban.outbox.models import OutboxMessage

CODE = "3501-CGJ-003"  # 临时占用城市道路: reviewed by 城管 (CGJ) and 公安 (GA) in parallel
NOW = datetime(2025, 11, 3, 2, 0, tzinfo=UTC)  # a Monday; 2025-11-03 in Beijing too
TODAY = date(2025, 11, 3)


def _submitted(db: Session, store: LocalFileStore) -> Case:
    """A case of ``CODE`` submitted: its acceptance task at CGJ's counter is open."""
    applicant = account_of(db, "zhangsan")
    spec = catalog.get_entry(db, code=CODE).current_version
    assert spec is not None
    form = fill_form(spec.definition["form"], {"project_name": uuid.uuid4().hex[:8]})
    case = cases.create_case(db, applicant=applicant, code=CODE, form_data=form, now=NOW)
    attach_materials(db, case=case, user=applicant, store=store, now=NOW, required_only=True)
    return cases.submit_case(db, case_id=case.id, user=applicant, now=NOW, store=store)


def _in_review(db: Session, store: LocalFileStore) -> Case:
    """A case of ``CODE`` accepted: its review tasks for CGJ and GA are open."""
    case = _submitted(db, store)
    return cases.accept_case(
        db, case_id=case.id, user=account_of(db, "cgj"), opinion="受理", now=NOW, store=store
    )


def _review_task(case: Case, department: str = "CGJ") -> Task:
    return next(
        t for t in case.tasks if t.stage == Stage.review and t.department_code == department
    )


def _entries(db: Session, action: str, task: Task) -> list[AuditEntry]:
    query = select(AuditEntry).where(
        AuditEntry.action == action, AuditEntry.object_id == str(task.id)
    )
    return list(db.scalars(query.order_by(AuditEntry.id)))


def _messages(db: Session, topic: str, user: User) -> list[OutboxMessage]:
    query = select(OutboxMessage).where(
        OutboxMessage.topic == topic, OutboxMessage.recipient_id == user.id
    )
    return list(db.scalars(query))


@pytest.fixture
def store(tmp_path: Path) -> LocalFileStore:
    return LocalFileStore(tmp_path)


@pytest.fixture
def case(db: Session, store: LocalFileStore) -> Case:
    """A case of CGJ and GA in review, its review tasks drawn."""
    return _in_review(db, store)


def _approve(db: Session, store: LocalFileStore, task: Task, user: User) -> None:
    cases.review_task(
        db,
        task_id=task.id,
        user=user,
        outcome=TaskOutcome.approved,
        opinion="同意",
        now=NOW,
        store=store,
    )


@pytest.fixture
def seeded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "RANDOM", random.Random(20251103))


def assert_drawn_evenly(db: Session, case: Case, opening: Opening, qualified: list[User]) -> None:
    """600 tasks of ``opening`` go to ``qualified`` only, spread evenly: the chi-square of
    the counts against an even spread below 13.82 (the 0.1 % critical value at 2 degrees
    of freedom, three people)."""
    opened: list[Task] = []
    for _ in range(12):
        opened += open_tasks(db, case=case, openings=[opening] * 50, now=NOW)
    counts = Counter(task.assignee_id for task in opened)
    assert set(counts) == {user.id for user in qualified}
    expected = len(opened) / len(qualified)
    chi_square = sum((counts[u.id] - expected) ** 2 / expected for u in qualified)
    assert chi_square < 13.82, counts


def test_random_assignment_is_fair_and_never_picks_the_unqualified_or_absent(
    db: Session, store: LocalFileStore, seeded: None, case: Case
) -> None:
    """600 review tasks over three qualified reviewers: a chi-square test of the counts
    against an even spread (2 degrees of freedom, 0.1 % critical value 13.82), and none
    to the absent, the switched-off, the one without the role or the department system."""
    qualified = [
        account_of(db, "cgj"),
        new_staff(db, "r1", Role.reviewer, department="CGJ"),
        new_staff(db, "r2", Role.reviewer, department="CGJ"),
    ]
    absent = new_staff(db, "away", Role.reviewer, department="CGJ")
    absent.absent_from, absent.absent_until = date(2025, 11, 1), date(2025, 11, 7)
    switched_off = new_staff(db, "gone", Role.reviewer, department="CGJ")
    switched_off.active = False
    system = new_staff(db, "client.cgj", Role.reviewer, department="CGJ")
    system.takes_tasks = False
    new_staff(db, "clerk2", Role.clerk, department="CGJ")
    new_staff(db, "elsewhere", Role.reviewer, department="GA")
    item = _review_task(case).item_code
    assert_drawn_evenly(db, case, Opening(Stage.review, "CGJ", "working_days", 5, item), qualified)


def test_least_loaded_gives_each_new_task_to_whoever_holds_fewest(
    db: Session, store: LocalFileStore, seeded: None, case: Case
) -> None:
    department = db.get(Department, "CGJ")
    assert department is not None
    department.assignment = pool.Policy.least_loaded
    others = [
        new_staff(db, "l1", Role.reviewer, department="CGJ"),
        new_staff(db, "l2", Role.reviewer, department="CGJ"),
    ]
    item = _review_task(case).item_code
    reviewers = [account_of(db, "cgj"), *others]
    before = {u.id: _held(db, u) for u in reviewers}
    for _ in range(9):
        open_tasks(
            db, case=case, openings=[Opening(Stage.review, "CGJ", "working_days", 5, item)], now=NOW
        )
    after = {u.id: _held(db, u) for u in reviewers}
    assert max(after.values()) - min(after.values()) <= max(
        1, max(before.values()) - min(before.values())
    )
    assert sum(after.values()) - sum(before.values()) == 9


def _held(db: Session, user: User) -> int:
    query = select(Task).where(Task.assignee_id == user.id, Task.state == TaskState.open)
    return len(db.scalars(query).all())


def test_the_drawn_holder_is_audited_and_told_and_the_applicant_sees_neither(
    db: Session, store: LocalFileStore, case: Case
) -> None:
    task = _review_task(case)
    cgj = account_of(db, "cgj")
    assert task.assignee_id == cgj.id  # the only reviewer of CGJ
    (entry,) = _entries(db, "task.assigned", task)
    assert entry.actor_name == "系统" and entry.data["assignee_id"] == cgj.id
    assert entry.data["policy"] == "random"
    assert entry.id in [m.audit_entry_id for m in _messages(db, "task_assigned", cgj)]
    assert not cases.may_see_event(case.applicant, "task.assigned")


def test_only_the_holder_acts_and_others_are_refused_in_chinese(
    db: Session, store: LocalFileStore, case: Case
) -> None:
    colleague = new_staff(
        db, "late", Role.reviewer, department="CGJ"
    )  # after the draw: cgj holds the task
    task = _review_task(case)
    with pytest.raises(NotAllowed) as refused:
        _approve(db, store, task, colleague)
    assert refused.value.code == "not_assignee"
    assert "已分配给城管局工作人员办理" in refused.value.message("zh_Hans")
    assert task.state == TaskState.open
    with pytest.raises(Conflict) as present:  # the holder is at work: no taking over
        cases.take_task(db, task_id=task.id, user=colleague, now=NOW)
    assert present.value.code == "holder_present"
    _approve(db, store, task, account_of(db, "cgj"))
    assert task.state == TaskState.done


def test_a_colleague_takes_over_from_an_absent_holder_who_is_told(
    db: Session, store: LocalFileStore, case: Case
) -> None:
    colleague = new_staff(db, "standin", Role.reviewer, department="CGJ")
    task = _review_task(case)
    cgj = account_of(db, "cgj")
    cases.set_absence(
        db,
        user_id=cgj.id,
        absent_from=TODAY,
        absent_until=date(2025, 11, 5),
        actor=cgj,
        now=NOW,
    )
    cases.take_task(db, task_id=task.id, user=colleague, now=NOW)
    assert task.assignee_id == colleague.id
    (taken,) = _entries(db, "task.taken", task)
    assert taken.actor_id == colleague.id and taken.data["previous_id"] == cgj.id
    assert [m.audit_entry_id for m in _messages(db, "task_taken", cgj)] == [taken.id]
    _approve(db, store, task, colleague)
    # the absent person gets no new task: the next draw skips them
    others = open_tasks(
        db,
        case=case,
        openings=[Opening(Stage.review, "CGJ", "working_days", 5, task.item_code)] * 5,
        now=NOW,
    )
    assert {t.assignee_id for t in others} == {colleague.id}


def test_reassignment_needs_a_head_or_supervisor_and_a_reason_and_is_audited(
    db: Session, store: LocalFileStore, case: Case
) -> None:
    other = new_staff(db, "other", Role.reviewer, department="CGJ")
    task = _review_task(case)
    cgj, head, supervisor = (
        account_of(db, "cgj"),
        account_of(db, "cgj-hz"),
        account_of(db, "supervisor"),
    )
    with pytest.raises(NotAllowed):  # a reviewer does not reassign
        cases.reassign_task(
            db, task_id=task.id, to_user_id=other.id, reason="忙", user=other, now=NOW
        )
    with pytest.raises(NotAllowed):  # nor the head of another department
        cases.reassign_task(
            db,
            task_id=task.id,
            to_user_id=other.id,
            reason="忙",
            user=account_of(db, "ga-hz"),
            now=NOW,
        )
    with pytest.raises(InvalidInput) as no_reason:
        cases.reassign_task(
            db, task_id=task.id, to_user_id=other.id, reason=" ", user=head, now=NOW
        )
    assert no_reason.value.field == "reason"
    with pytest.raises(InvalidInput) as unqualified:  # the head holds no reviewer role
        cases.reassign_task(
            db, task_id=task.id, to_user_id=head.id, reason="调整", user=supervisor, now=NOW
        )
    assert unqualified.value.field == "assignee"
    cases.reassign_task(
        db, task_id=task.id, to_user_id=other.id, reason="原经办人手头案件过多", user=head, now=NOW
    )
    assert task.assignee_id == other.id
    (entry,) = _entries(db, "task.reassigned", task)
    assert entry.actor_id == head.id and entry.opinion == "原经办人手头案件过多"
    assert entry.data["previous_id"] == cgj.id and entry.data["assignee_id"] == other.id
    assert [m.audit_entry_id for m in _messages(db, "task_reassigned", other)] == [entry.id]
    cases.reassign_task(
        db, task_id=task.id, to_user_id=cgj.id, reason="回到原经办人", user=supervisor, now=NOW
    )
    assert task.assignee_id == cgj.id


def test_who_reviewed_a_case_is_never_drawn_to_decide_it(
    db: Session, store: LocalFileStore, seeded: None, case: Case
) -> None:
    both = new_staff(db, "both", Role.reviewer, Role.approver, department="CGJ")
    head = account_of(db, "cgj-hz")
    task = _review_task(case)
    cases.reassign_task(db, task_id=task.id, to_user_id=both.id, reason="试办", user=head, now=NOW)
    for dept, who in (("CGJ", both), ("GA", account_of(db, "ga"))):
        _approve(db, store, _review_task(case, dept), who)
    decide = next(t for t in case.tasks if t.stage == Stage.decide)
    assert decide.assignee_id == head.id


def test_the_queue_marks_a_task_nobody_present_may_hold_by_the_rule_of_the_draw(
    db: Session, store: LocalFileStore, seeded: None, case: Case
) -> None:
    """Issue 16 (fault 1): the queue showed such a task like any other; it is now marked
    by the rule that recorded it ``task.unstaffed``, separation of duties included."""
    both = new_staff(db, "both", Role.reviewer, Role.approver, department="CGJ")
    head = account_of(db, "cgj-hz")
    cases.set_absence(
        db, user_id=head.id, absent_from=TODAY, absent_until=TODAY, actor=head, now=NOW
    )
    task = _review_task(case)
    cases.reassign_task(db, task_id=task.id, to_user_id=both.id, reason="试办", user=head, now=NOW)
    rows = cases.queue_page(db, user=both, now=NOW).rows
    assert [row.unstaffed for row in rows if row.task.id == task.id] == [False]
    for dept, who in (("CGJ", both), ("GA", account_of(db, "ga"))):
        _approve(db, store, _review_task(case, dept), who)
    decide = next(t for t in case.tasks if t.stage == Stage.decide)
    assert decide.assignee_id is None and _entries(db, "task.unstaffed", decide)
    (row,) = [r for r in cases.queue_page(db, user=both, now=NOW).rows if r.task.id == decide.id]
    assert row.unstaffed  # its only approver present reviewed it; the head is away
    cases.set_absence(db, user_id=head.id, absent_from=None, absent_until=None, actor=head, now=NOW)
    (row,) = [r for r in cases.queue_page(db, user=both, now=NOW).rows if r.task.id == decide.id]
    assert not row.unstaffed


def test_absence_needs_both_days_in_order_and_the_right_person(db: Session) -> None:
    cgj, ga = account_of(db, "cgj"), account_of(db, "ga")
    with pytest.raises(InvalidInput):
        cases.set_absence(
            db, user_id=cgj.id, absent_from=TODAY, absent_until=None, actor=cgj, now=NOW
        )
    with pytest.raises(InvalidInput):
        cases.set_absence(
            db,
            user_id=cgj.id,
            absent_from=TODAY,
            absent_until=date(2025, 11, 1),
            actor=cgj,
            now=NOW,
        )
    with pytest.raises(NotAllowed):
        cases.set_absence(
            db, user_id=cgj.id, absent_from=TODAY, absent_until=TODAY, actor=ga, now=NOW
        )
    cases.set_absence(db, user_id=cgj.id, absent_from=TODAY, absent_until=TODAY, actor=cgj, now=NOW)
    assert cgj.absent_on(TODAY) and not cgj.absent_on(date(2025, 11, 4))


CANDIDATES = st.lists(
    st.builds(pool.Candidate, st.integers(1, 50), st.just("某人"), st.integers(0, 20)),
    unique_by=lambda c: c.user_id,
    max_size=8,
)


@given(CANDIDATES, st.sampled_from(list(pool.Policy)), st.integers(0, 2**32))
def test_choose_picks_a_candidate_and_least_loaded_one_of_the_fewest(
    candidates: list[pool.Candidate], policy: pool.Policy, seed: int
) -> None:
    chosen = pool.choose(candidates, policy, random.Random(seed))
    if not candidates:
        assert chosen is None
        return
    assert chosen in candidates
    if policy == pool.Policy.least_loaded:
        assert chosen.load == min(c.load for c in candidates)
    again = pool.choose(list(reversed(candidates)), policy, random.Random(seed))
    assert again == chosen  # the order candidates come in does not steer the draw


def test_the_load_counts_every_open_task_held_by_no_one_the_counters_apart(
    db: Session, store: LocalFileStore, case: Case
) -> None:
    _submitted(db, store)  # its acceptance drawn to CGJ's only clerk
    deliver = open_tasks(
        db, case=case, openings=[Opening(Stage.deliver, "CGJ", "working_days", 1)], now=NOW
    )[0]
    (load,) = cases.load_by_department(db, day=TODAY, department="CGJ")
    held = {p.user_id: p.open_tasks for p in load.people}
    assert held[account_of(db, "cgj").id] == 2  # the review of ``case``, the new acceptance
    assert deliver.assignee_id is None and deliver.state == TaskState.open
    assert (load.unassigned, load.at_counter, load.total) == (1, 1, 3)


def test_a_person_marked_absent_acts_on_no_task_until_back(
    db: Session, store: LocalFileStore, case: Case
) -> None:
    """Issue 16's trial (fault 3): an absent holder approved its own task directly."""
    task = _review_task(case)
    cgj = account_of(db, "cgj")
    until = date(2025, 11, 5)
    cases.set_absence(db, user_id=cgj.id, absent_from=TODAY, absent_until=until, actor=cgj, now=NOW)
    with pytest.raises(NotAllowed) as refused:
        _approve(db, store, task, cgj)
    assert "不在岗，不能办理任务" in refused.value.message("zh_Hans")
    assert task.state == TaskState.open
    cases.set_absence(db, user_id=cgj.id, absent_from=None, absent_until=None, actor=cgj, now=NOW)
    _approve(db, store, task, cgj)
    assert task.state == TaskState.done
