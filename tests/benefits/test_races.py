"""Two runs of one policy and period at once, in real concurrent transactions (SQLite
file or PostgreSQL): each eligible person is offered and told exactly once."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from tests.benefits.conftest import NOW, ZHOULAO, store_profiles
from tests.races import at_once
from tongban.audit.models import AuditEntry
from tongban.audit.service import SYSTEM
from tongban.benefits import service as benefits
from tongban.benefits.models import BenefitOffer
from tongban.db import reading_session, unit_of_work
from tongban.files.store import LocalFileStore

ALLOWANCE = "3501-MZ-002"


@pytest.fixture
def factory(committing_engine: Engine) -> sessionmaker[Session]:
    made = sessionmaker(bind=committing_engine, expire_on_commit=False)
    with unit_of_work(made) as session:
        store_profiles(session)
    return made


def test_without_the_unique_key_both_runs_would_find_nobody_offered(
    factory: sessionmaker[Session],
) -> None:
    """The race is real: two runs that look before either commits both find the person
    not offered yet, so a check-then-insert would offer (and tell) twice."""
    query = select(BenefitOffer.id).where(BenefitOffer.subject_key == ZHOULAO)
    with reading_session(factory) as first, reading_session(factory) as second:
        assert first.scalar(query) is None
        assert second.scalar(query) is None


def test_two_runs_at_once_tell_each_eligible_person_once(
    factory: sessionmaker[Session], tmp_path: Path
) -> None:
    store = LocalFileStore(tmp_path)

    def run() -> None:
        with unit_of_work(factory) as session:
            benefits.run_policy(
                session,
                code=ALLOWANCE,
                period=benefits.Period.parse("2026-11"),
                actor=SYSTEM,
                now=NOW,
                store=store,
            )

    assert at_once(run, run) == [None, None]
    with factory() as session:
        per_subject = session.execute(
            select(BenefitOffer.subject_key, func.count())
            .where(BenefitOffer.item_code == ALLOWANCE)
            .group_by(BenefitOffer.subject_key)
        ).all()
        assert per_subject and all(count == 1 for _, count in per_subject)
        told = session.scalar(select(func.count()).where(AuditEntry.action == "benefit.offered"))
        assert told == 1  # 周德福, the one eligible person with an account
