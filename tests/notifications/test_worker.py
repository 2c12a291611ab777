"""The worker's round invites and delivers: a case finished three days ago gets its one
invitation to rate, as a message and an SMS, and a second round sends nothing again."""

from __future__ import annotations

import json

from tests.conftest import Clock
from tests.ratings.conftest import Finish
from tongban.web.runtime import Runtime
from tongban.worker import run_once


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
