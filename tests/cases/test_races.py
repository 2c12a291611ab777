"""Two staff acting on the same task at once: exactly one wins, on a real database with
real concurrent transactions (SQLite file or PostgreSQL, whichever the suite runs on).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from tests import figures
from tests.races import at_once
from tongban.accounts import service as accounts
from tongban.audit.models import AuditEntry
from tongban.cases import service as cases
from tongban.cases.enums import Stage, TaskOutcome, TaskState
from tongban.cases.models import Task
from tongban.catalog import service as catalog
from tongban.db import unit_of_work
from tongban.demo.samples import attach_materials, fill_form
from tongban.errors import Conflict
from tongban.files.store import LocalFileStore

NOW = datetime(2025, 11, 3, 2, 0, tzinfo=UTC)
CODE = "3501-WJW-002"  # 放射工作人员证: one department reviews


def _review_task(factory: sessionmaker[Session], tmp_store: LocalFileStore) -> int:
    """Commit a case of a single-department item in review; return its review task id."""
    with unit_of_work(factory) as session:
        applicant = accounts.find_user(session, username="zhangsan")
        clerk = accounts.find_user(session, username="wjw")
        assert applicant and clerk
        spec = catalog.get_entry(session, code=CODE).current_version
        assert spec is not None
        case = cases.create_case(
            session,
            applicant=applicant,
            code=CODE,
            form_data=fill_form(spec.definition["form"]),
            now=NOW,
        )
        attach_materials(session, case=case, user=applicant, store=tmp_store, now=NOW)
        cases.submit_case(session, case_id=case.id, user=applicant, now=NOW, store=tmp_store)
        cases.accept_case(
            session, case_id=case.id, user=clerk, opinion="受理", now=NOW, store=tmp_store
        )
        return next(t.id for t in case.tasks if t.stage == Stage.review)


@pytest.mark.usefixtures("committing_engine")
def test_without_a_lock_both_reviewers_would_see_the_task_open(engine: Engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The race is real: both reviewers load the task before either acts and find it open,
    so a check-then-act without the case lock would let both decide it."""
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    task_id = _review_task(factory, LocalFileStore(tmp_path))
    seen = []
    for _reviewer in ("甲", "乙"):
        with factory() as session:
            seen.append(session.get_one(Task, task_id).state)
    assert seen == [TaskState.open, TaskState.open]


REVIEWERS = figures.scaled(6, 20)  # at once on one task


@pytest.mark.usefixtures("committing_engine")
def test_reviewers_approving_at_once_exactly_one_wins(engine: Engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    task_id = _review_task(factory, LocalFileStore(tmp_path))

    def review(opinion: str) -> Callable[[], None]:
        def act() -> None:
            with unit_of_work(factory) as session:
                user = accounts.find_user(session, username="wjw")
                assert user is not None
                cases.review_task(
                    session,
                    task_id=task_id,
                    user=user,
                    outcome=TaskOutcome.approved,
                    opinion=opinion,
                    now=NOW,
                    store=LocalFileStore(tmp_path),
                )

        return act

    opinions = [f"第{i}人同意" for i in range(REVIEWERS)]
    outcomes = at_once(*(review(opinion) for opinion in opinions))
    with factory() as session:
        approvals = session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "task.approved", AuditEntry.object_id == str(task_id))
        )
    figures.count(
        "concurrency, parallel approvals of one task",
        approvals_at_once=REVIEWERS,
        winners=sum(outcome is None for outcome in outcomes),
        approvals_audited=approvals or 0,
    )
    assert sum(outcome is None for outcome in outcomes) == 1, outcomes
    losers = [outcome for outcome in outcomes if outcome is not None]
    assert all(isinstance(loser, Conflict) and "已由" in loser.message_zh for loser in losers)
    assert approvals == 1
    with factory() as session:
        assert session.get_one(Task, task_id).opinion in opinions
