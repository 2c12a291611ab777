"""Asks of one unanswered question counted at once, by real concurrent transactions (on
SQLite and, with TONGBAN_TEST_DATABASE_URL, PostgreSQL): each counts once on one row,
whether the question was new or already on the list."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import sessionmaker

from tests.races import at_once
from tongban.assistant import unanswered
from tongban.assistant.enums import ReplyKind
from tongban.assistant.models import UnansweredQuestion
from tongban.assistant.service import Reply
from tongban.db import unit_of_work
from tongban.timeutil import utcnow

QUESTION = "开密室逃脱店要什么证"
ASKERS = 6


def _asking(factory: sessionmaker, asker: int) -> Callable[[], object]:
    def act() -> object:
        source = unanswered.Source(f"address 198.51.100.{asker}", "secret", per_day=20)
        reply = Reply(question=QUESTION, kind=ReplyKind.unanswered)
        with unit_of_work(factory) as session:
            return unanswered.record_unanswered(session, reply=reply, now=utcnow(), source=source)

    return act


@pytest.mark.usefixtures("committing_engine")
@pytest.mark.parametrize("rounds", [1, 2], ids=["new question", "and asked again"])
def test_asks_at_once_each_count_once_on_one_row(engine: Engine, rounds: int) -> None:
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    for _ in range(rounds):
        outcomes = at_once(*(_asking(factory, asker) for asker in range(ASKERS)))
        assert outcomes == [True] * ASKERS, outcomes
    with factory() as session:
        rows = session.execute(
            select(UnansweredQuestion.asks).where(UnansweredQuestion.question == QUESTION)
        ).all()
    assert [asks for (asks,) in rows] == [ASKERS * rounds]
