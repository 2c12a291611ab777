"""Two experts giving the last two opinions at the same moment: both count, and the panel
closes (and the clock resumes) exactly once, whoever commits second."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import sessionmaker

from tests.cases.test_races import NOW, _review_task
from tests.races import at_once
from tongban.accounts import service as accounts
from tongban.audit.models import AuditEntry
from tongban.db import unit_of_work
from tongban.experts import service as experts
from tongban.experts.models import Panel
from tongban.files.store import LocalFileStore


@pytest.mark.usefixtures("committing_engine")
def test_two_last_opinions_at_once_close_the_panel_once(engine: Engine, tmp_path: Path) -> None:
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    task_id = _review_task(factory, LocalFileStore(tmp_path))
    with unit_of_work(factory) as session:
        admin, reviewer = (accounts.find_user(session, username=n) for n in ("admin", "wjw"))
        assert admin is not None and reviewer is not None
        for name in ("zhuanjia1", "zhuanjia2"):
            entry = experts.Entry(fields=["health"], employer=f"{name} 医院")
            experts.register(
                session, username=name, entry=entry, actor=accounts.actor_of(admin), now=NOW
            )
        panel = experts.convene(
            session,
            task_id=task_id,
            user=reviewer,
            field="health",
            size=2,
            working_days=5,
            question="防护是否充分？",
            now=NOW,
            rng=random.Random(1),
        )
        seats = [(seat.id, seat.expert.user.username) for seat in panel.seats]
        panel_id = panel.id
    for seat_id, name in seats:
        with unit_of_work(factory) as session:
            user = accounts.find_user(session, username=name)
            assert user is not None
            experts.declare(session, seat_id=seat_id, user=user, conflict=False, reason="", now=NOW)

    def opinion(seat_id: int, name: str):  # type: ignore[no-untyped-def]
        def give() -> None:
            with unit_of_work(factory) as session:
                user = accounts.find_user(session, username=name)
                assert user is not None
                experts.give_opinion(
                    session, seat_id=seat_id, user=user, verdict="agree", text="充分。", now=NOW
                )

        return give

    assert at_once(*(opinion(seat_id, name) for seat_id, name in seats)) == [None, None]
    with factory() as session:
        panel = session.get_one(Panel, panel_id)
        assert panel.state == "closed" and {s.state for s in panel.seats} == {"answered"}
        counted = select(func.count()).select_from(AuditEntry)
        closed = counted.where(AuditEntry.action == "expert_panel.closed")
        resumed = counted.where(
            AuditEntry.action == "case.resume", AuditEntry.case_id == panel.case_id
        )
        assert (
            session.scalar(closed.where(AuditEntry.object_id == str(panel_id))),
            session.scalar(resumed),
        ) == (1, 1)
