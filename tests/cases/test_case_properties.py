"""Property test: no sequence of actions by applicants and staff reaches an illegal state.

Hypothesis drives one 企业开办 case (five departments), and cases of items whose process
skips stages (a 备案 item without 核准 or 制证, an item decided without review), with
random actions, in random order, by the right and the wrong people. Every action runs in its own savepoint, like a
request: refused actions change nothing. After every step the case must be consistent.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests import figures
from tongban.accounts import service as accounts
from tongban.audit.models import AuditEntry
from tongban.cases import service as cases
from tongban.cases.core import definition
from tongban.cases.core.machine import runs as machine_runs
from tongban.cases.enums import FINAL_STATES, CaseState, PauseReason, Stage, TaskOutcome, TaskState
from tongban.cases.models import Case, CorrectionRequest
from tongban.catalog import service as catalog
from tongban.demo.samples import attach_materials, fill_form
from tongban.errors import DomainError
from tongban.files.store import LocalFileStore
from tongban.outbox.models import OutboxMessage

BUNDLE = "3501-BUNDLE-QYKB"
FILING = "3501-MZ-003"  # 受理, 审查
INSTANT = "3501-CGJ-001"  # 受理, 核准
FAR = datetime(2030, 12, 31, 16, 0, tzinfo=UTC)  # a hand-set pause's end (所需时间)
STAFF = ["clerk", "approver", "issuer", "scjg", "ga", "sw", "rs", "gjj", "wjw", "mz", "cgj"]
# Mostly the person whose job it is, sometimes anyone else.
ACTORS = st.sampled_from(["right"] * 12 + STAFF)
LEAD = {
    Stage.accept: "clerk",
    Stage.decide: "approver",
    Stage.issue: "issuer",
    Stage.deliver: "issuer",
}
OPEN_TASKS_BY_STATE = {
    CaseState.submitted: {Stage.accept},
    CaseState.correction_requested: {Stage.accept},
    CaseState.in_decision: {Stage.decide},
    CaseState.issuing: {Stage.issue},
    CaseState.delivering: {Stage.deliver},
}


def machine(db: Session, store: LocalFileStore, code: str) -> type[RuleBasedStateMachine]:
    class CaseLife(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.now = datetime(2025, 11, 3, 1, 0, tzinfo=UTC)
            self.users = {
                name: accounts.find_user(db, username=name)
                for name in [*STAFF, "minfeng", "zhangsan"]
            }
            spec = catalog.get_entry(db, code=code).current_version
            assert spec is not None
            # a company name serves one application (sharing.once): each case its own
            unique = {"enterprise_name": f"福州测试{uuid.uuid4().hex[:8]}有限公司"}
            self.case = cases.create_case(
                db,
                applicant=self.users["minfeng"],
                code=code,
                form_data=fill_form(spec.definition["form"], unique),
                now=self.now,
            )
            attach_materials(
                db,
                case=self.case,
                user=self.users["minfeng"],
                store=store,
                now=self.now,
                required_only=False,
            )
            cases.submit_case(
                db,
                case_id=self.case.id,
                user=self.users["minfeng"],
                now=self.now,
                store=store,
            )

        def attempt(self, action: Any, **kwargs: Any) -> None:
            """Run one action as a request would: all of it, or (on a domain error) none of it."""
            self.now += timedelta(hours=3)
            before = self.case.state
            savepoint = db.begin_nested()
            try:
                action(db, now=self.now, **kwargs)
            except DomainError:
                savepoint.rollback()
                db.expire_all()
                assert self.case.state == before
                return
            savepoint.commit()

        def _task(self, stage: Stage, pick: int) -> tuple[Any, Any]:
            tasks = [t for t in self.case.tasks if t.stage == stage and t.state == TaskState.open]
            tasks = tasks or self.case.tasks
            task = tasks[pick % len(tasks)] if tasks else None
            return task, task.id if task else 0

        def _user(self, who: str, stage: Stage, task: Any = None) -> Any:
            if who != "right":
                return self.users[who]
            if stage == Stage.review and task is not None:
                return self.users.get(task.department_code.lower(), self.users["clerk"])
            if self.case.lead_department != "ZWFW":  # one officer holds every role
                return self.users[self.case.lead_department.lower()]
            return self.users[LEAD.get(stage, "clerk")]

        @rule(who=st.sampled_from(["minfeng", "zhangsan"]))
        def submit(self, who: str) -> None:
            self.attempt(cases.submit_case, case_id=self.case.id, user=self.users[who], store=store)

        @rule(who=st.sampled_from(["minfeng", "clerk"]))
        def resubmit(self, who: str) -> None:
            self.attempt(
                cases.resubmit_case, case_id=self.case.id, user=self.users[who], store=store
            )

        @rule(who=st.sampled_from(["minfeng", "zhangsan"]), rarely=st.integers(0, 4))
        def withdraw(self, who: str, rarely: int) -> None:
            if rarely:  # ending a case early is rare, so that later stages get explored
                return
            self.attempt(cases.withdraw_case, case_id=self.case.id, user=self.users[who])

        @rule(who=ACTORS)
        def accept(self, who: str) -> None:
            self.attempt(
                cases.accept_case,
                case_id=self.case.id,
                user=self._user(who, Stage.accept),
                opinion="受理",
                store=store,
            )

        @rule(who=ACTORS, reason=st.sampled_from(["", "材料不属实"]), rarely=st.integers(0, 4))
        def reject(self, who: str, reason: str, rarely: int) -> None:
            if rarely:
                return
            self.attempt(
                cases.reject_case,
                case_id=self.case.id,
                user=self._user(who, Stage.accept),
                opinion=reason,
            )

        @rule(who=ACTORS)
        def correction(self, who: str) -> None:
            problems = [{"target": "registered_address", "problem": "请写明门牌号"}]
            self.attempt(
                cases.request_correction,
                case_id=self.case.id,
                user=self._user(who, Stage.accept),
                problems=problems,
                opinion=None,
            )

        @rule(who=ACTORS, pick=st.integers(0, 9), refuse=st.integers(0, 9))
        def review(self, who: str, pick: int, refuse: int) -> None:
            task, task_id = self._task(Stage.review, pick)
            outcome = TaskOutcome.refused if refuse == 0 else TaskOutcome.approved
            self.attempt(
                cases.review_task,
                task_id=task_id,
                user=self._user(who, Stage.review, task),
                outcome=outcome,
                opinion="意见",
                store=store,
            )

        @rule(order=st.permutations(range(5)), refuse_at=st.integers(-12, 4))
        def review_round(self, order: list[int], refuse_at: int) -> None:
            """Every department answers, in any order; perhaps one refuses."""
            tasks = [
                t for t in self.case.tasks if t.stage == Stage.review and t.state == TaskState.open
            ]
            for position, index in enumerate(order):
                if index < len(tasks):
                    task = tasks[index]
                    outcome = TaskOutcome.refused if position == refuse_at else TaskOutcome.approved
                    self.attempt(
                        cases.review_task,
                        task_id=task.id,
                        user=self._user("right", Stage.review, task),
                        outcome=outcome,
                        opinion="意见",
                        store=store,
                    )

        @rule(who=ACTORS, grant=st.booleans())
        def decide(self, who: str, grant: bool) -> None:
            _task, task_id = self._task(Stage.decide, 0)
            user = self._user(who, Stage.decide)
            if grant:
                self.attempt(
                    cases.approve_case, task_id=task_id, user=user, opinion="准予", store=store
                )
            else:
                self.attempt(cases.refuse_case, task_id=task_id, user=user, opinion="不符合条件")

        @rule(who=ACTORS)
        def issue(self, who: str) -> None:
            _task, task_id = self._task(Stage.issue, 0)
            self.attempt(
                cases.issue_result,
                task_id=task_id,
                user=self._user(who, Stage.issue),
                opinion=None,
                store=store,
            )

        @rule(who=st.sampled_from(STAFF), stop=st.booleans())
        def pause_or_resume(self, who: str, stop: bool) -> None:
            if stop:
                self.attempt(
                    cases.pause_clock,
                    case_id=self.case.id,
                    user=self.users[who],
                    reason=PauseReason.inspection,
                    note="现场核查",
                    until=FAR,
                )
            else:
                self.attempt(cases.resume_clock, case_id=self.case.id, user=self.users[who])

        @rule(who=st.sampled_from(STAFF))
        def extend(self, who: str) -> None:
            self.attempt(
                cases.extend_limit, case_id=self.case.id, user=self.users[who], opinion="需现场核查"
            )

        @invariant()
        def consistent(self) -> None:
            case = self.case
            open_stages = {t.stage for t in case.tasks if t.state == TaskState.open}
            corrections = db.scalar(
                select(func.count()).where(CorrectionRequest.case_id == case.id)
            )
            assert corrections is not None and corrections <= 1
            if case.state in FINAL_STATES:
                assert not open_stages
                assert all(clock.stopped_at is not None for clock in case.clocks)
            elif case.state == CaseState.in_review:
                assert open_stages == {Stage.review}
            elif case.state in OPEN_TASKS_BY_STATE:
                assert open_stages == OPEN_TASKS_BY_STATE[case.state]
            if case.state == CaseState.completed:
                assert case.review_outcome != "refused"
            # only the stages the item version lists: never a task or a state of another
            runs = definition.stages(cases.spec_of(db, case), delivery=case.delivery)
            assert {t.stage for t in case.tasks} <= set(runs)
            assert machine_runs(case.state, runs)
            trail = db.execute(
                select(AuditEntry.from_state, AuditEntry.to_state)
                .where(
                    AuditEntry.case_id == case.id,
                    AuditEntry.object_type == "case",
                    AuditEntry.to_state.isnot(None),
                )
                .order_by(AuditEntry.id)
            ).all()
            # The audit trail replays the case's life exactly: each move starts where the last ended.
            for (_, previous), (source, _) in pairwise(trail):
                assert source == previous
            assert trail[-1][1] == case.state
            # ... and every move after the draft left a message for the applicant, in the same transaction.
            messages = db.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .join(AuditEntry, AuditEntry.id == OutboxMessage.audit_entry_id)
                .where(
                    AuditEntry.case_id == case.id,
                    AuditEntry.object_type == "case",
                    AuditEntry.to_state.isnot(None),
                )
            )
            assert messages == len(trail) - 1

    return CaseLife


# Each example is a case lived through 40 actions on the database: ``make test`` tries a
# third of the long form (``bench/security.py``, TONGBAN_LONG_SUITES=1).
@pytest.mark.parametrize(
    ("code", "examples"),
    [
        (BUNDLE, figures.scaled(8, 25)),
        (FILING, figures.scaled(4, 10)),
        (INSTANT, figures.scaled(4, 10)),
    ],
)
def test_no_sequence_of_actions_reaches_an_illegal_state(  # type: ignore[no-untyped-def]
    db: Session, tmp_path, code: str, examples: int
) -> None:
    store = LocalFileStore(tmp_path)
    run_state_machine_as_test(
        machine(db, store, code),
        settings=settings(
            max_examples=examples,
            stateful_step_count=40,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    assert db.scalar(select(func.count()).select_from(Case)) is not None
