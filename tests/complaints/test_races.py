"""Two colleagues act on one complaint at once: one answers while the other sends it back
(退单); the row lock lets exactly one of them through."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import sessionmaker

from tests.races import at_once
from tongban.accounts import service as accounts
from tongban.audit.models import AuditEntry
from tongban.complaints import service as complaints
from tongban.complaints.models import Complaint
from tongban.db import unit_of_work
from tongban.errors import Conflict

NOW = datetime(2025, 11, 3, 2, tzinfo=UTC)


@pytest.mark.usefixtures("committing_engine")
def test_an_answer_and_a_send_back_at_once_exactly_one_is_kept(engine: Engine) -> None:
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with unit_of_work(factory) as session:
        operator = accounts.find_user(session, username="rexian")
        assert operator is not None
        complaint_id = complaints.record_call(
            session,
            user=operator,
            caller_name="王先生",
            phone="13900001111",
            kind="complaint",
            content="窗口办理太慢。",
            department="GA",
            now=NOW,
        ).id
    seen = []
    for _colleague in ("甲", "乙"):
        with factory() as session:
            seen.append(session.get_one(Complaint, complaint_id).state)
    assert seen == ["routed", "routed"]  # the race is real: a check without the lock passes twice

    def acting(answer: bool) -> Callable[[], None]:
        def act() -> None:
            with unit_of_work(factory) as session:
                user = accounts.find_user(session, username="ga")
                assert user is not None
                if answer:
                    complaints.answer(
                        session, complaint_id=complaint_id, user=user, text="已处理。", now=NOW
                    )
                else:
                    complaints.send_back(
                        session,
                        complaint_id=complaint_id,
                        user=user,
                        reason="不属本部门职责。",
                        now=NOW,
                    )

        return act

    outcomes = at_once(acting(True), acting(False))
    assert sum(outcome is None for outcome in outcomes) == 1, outcomes
    assert any(isinstance(outcome, Conflict) for outcome in outcomes)
    with factory() as session:
        acts = session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(
                AuditEntry.action.in_(["complaint.answer", "complaint.send_back"]),
                AuditEntry.object_id == str(complaint_id),
            )
        )
        assert acts == 1
