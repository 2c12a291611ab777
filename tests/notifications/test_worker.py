"""The worker's round invites and delivers: a case finished three days ago gets its one
invitation to rate, as a message and an SMS, and a second round sends nothing again."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import START, Clock
from tests.ratings.conftest import Finish
from tongban.audit.models import AuditEntry
from tongban.cases.models import Case
from tongban.notifications.delivery import BATCH
from tongban.outbox.models import OutboxMessage
from tongban.web.runtime import Runtime
from tongban.worker import run_once

BACKLOG = 2 * BATCH + BATCH // 2


def test_a_round_of_the_worker_invites_to_rate_and_delivers_once(
    finish: Finish, runtime: Runtime, clock: Clock
) -> None:
    number = finish()
    first = run_once(runtime)
    assert first["ratings_invited"] == [] and first["notifications_sent"]  # the case's SMS
    clock.advance(days=3, minutes=1)
    second = run_once(runtime)
    assert second["ratings_invited"] == [number]
    assert len(second["notifications_sent"]) == 1
    third = run_once(runtime)
    assert third["ratings_invited"] == [] and third["notifications_sent"] == []
    texts = [
        json.loads(line)["text"]
        for line in runtime.settings.sms_path.read_text("utf-8").splitlines()
    ]
    invited = (
        f"【通办】办件 {number} 已办结，诚邀您评价本次服务：{runtime.settings.public_address}/rate/"
    )
    assert texts[-1].startswith(invited)  # the signed link rates it without signing in
    assert sum("诚邀您" in text for text in texts) == 1


def test_one_round_of_the_worker_sends_a_whole_backlog(
    finish: Finish, runtime: Runtime, db: Session
) -> None:
    """After an SMS gateway outage 250 copies wait: the next round sends every one, not the
    first 100 of them (the rest would have waited two more rounds, a minute, behind it)."""
    number = finish()
    run_once(runtime)  # the case's own messages, out of the way
    case = db.scalar(select(Case).where(Case.number == number))
    assert case is not None
    entry = db.scalar(select(AuditEntry.id).where(AuditEntry.case_id == case.id).limit(1))
    assert entry is not None
    db.add_all(
        OutboxMessage(
            created_at=START,
            audit_entry_id=entry,
            channel="sms",
            recipient_id=case.applicant_id,
            topic="case_accepted",
            payload={"case_id": case.id},
            status="pending",
            attempts=1,
            next_attempt_at=START,
            address="13800000001",
        )
        for _ in range(BACKLOG)
    )
    db.flush()
    sent = run_once(runtime)["notifications_sent"]
    assert len(sent) == BACKLOG
    lines = runtime.settings.sms_path.read_text("utf-8").splitlines()
    assert sum(f"（{number}）已受理" in json.loads(line)["text"] for line in lines) >= BACKLOG
