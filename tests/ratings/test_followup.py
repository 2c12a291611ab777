"""Ratings in full: a bad rating tells the department, is rectified within its limit (hours,
or working days across a holiday), called back, and rated again by the applicant; a
department appeals and a supervisor decides; each stage is rated once it is reached;
a finished case not rated in 3 days gets one invitation.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import START
from tests.factories import API, submitted
from tests.ratings.conftest import Finish, case_id, user
from tests.web.support import sign_in
from tongban import timefmt
from tongban.alerts.models import Alert
from tongban.cases.enums import Channel
from tongban.config import Settings, get_settings
from tongban.errors import Conflict, InvalidInput, NotAllowed
from tongban.notifications import service as notifications
from tongban.outbox.models import OutboxMessage
from tongban.ratings import followup, service, tasks

NOW = START + timedelta(days=10)  # 2025-10-02: inside the National Day holiday
QUIET = Settings(environment="test", smtp_host=None, sms_provider="console")


def _rate(db: Session, number: str, score: int, comment: str | None = None, **extra: Any):  # type: ignore[no-untyped-def]
    return service.rate_case(
        db,
        case_id=case_id(db, number),
        user=user(db, "zhangsan"),
        score=score,
        comment=comment,
        now=extra.pop("now", NOW),
        channel=extra.pop("channel", Channel.kiosk),
        **extra,
    )


def _topics(db: Session, username: str) -> list[str]:
    query = select(OutboxMessage.topic).where(
        OutboxMessage.recipient_id == user(db, username).id, OutboxMessage.channel == "inapp"
    )
    return list(db.scalars(query.order_by(OutboxMessage.id)))


def test_a_bad_rating_is_rectified_called_back_and_rated_again(db: Session, finish: Finish) -> None:
    number = finish()
    rating = _rate(
        db, number, 1, "等了很久。", tags=["办理时间长"], indicators={"speed": 1, "guide": 4}
    )
    assert (rating.stage, rating.channel, rating.round) == (
        "completion",
        "kiosk",
        1,
    )  # rated at a hall's terminal, though applied for through the API
    assert rating.tags == ["办理时间长"] and rating.indicators == {"speed": 1, "guide": 4}
    assert rating.rectify_due_at == NOW + timedelta(hours=24)
    # the department's staff hear of it, in their message centre
    notifications.run_due_notifications(db, now=NOW, settings=QUIET)
    topics = _topics(db, "rs")  # and the review task the draw gave rs (人员随机分配)
    assert topics.count("bad_rating_received") == 1
    assert set(topics) <= {"bad_rating_received", "task_assigned"}
    [row] = [r for r in notifications.inbox(db, user=user(db, "rs")) if "差评" in r.title]
    assert row.title == f"收到差评，请按时整改：{number}" and "非常不满意" in row.body
    assert row.link == "/staff/ratings"
    # the applicant cannot rate again before the rectification and the call-back
    with pytest.raises(Conflict) as early:
        _rate(db, number, 4, "好了。")
    assert "整改并回访后" in early.value.message_zh
    staff = user(db, "rs")
    with pytest.raises(Conflict) as not_yet:
        followup.record_callback(
            db, rating_id=rating.id, user=staff, note="已电话联系。", reached=True, now=NOW
        )
    assert "请先填写整改情况" in not_yet.value.message_zh
    service.rectify(db, rating_id=rating.id, user=staff, text="已优化流程并致歉。", now=NOW)
    with pytest.raises(Conflict):
        _rate(db, number, 4, "好了。")  # rectified, but not called back yet
    with pytest.raises(NotAllowed):
        followup.record_callback(
            db, rating_id=rating.id, user=user(db, "ga"), note="x", reached=True, now=NOW
        )
    with pytest.raises(InvalidInput):
        followup.record_callback(
            db, rating_id=rating.id, user=staff, note=" ", reached=True, now=NOW
        )
    followup.record_callback(
        db, rating_id=rating.id, user=staff, note="申请人表示认可整改。", reached=True, now=NOW
    )
    assert rating.callback_by == "人社审查员" and rating.callback_reached is True
    assert "rating_rectified" in _topics(db, "zhangsan")
    again = _rate(db, number, 4, "整改后满意。", now=NOW + timedelta(hours=1))
    assert (again.round, again.previous_id, again.rectify_due_at) == (2, rating.id, None)
    with pytest.raises(Conflict):
        _rate(db, number, 5, now=NOW + timedelta(hours=2))
    figures = service.figures(db, now=NOW + timedelta(hours=2), department_code="RS").total
    assert (figures.count, figures.bad, figures.called_back, figures.rectified_on_time) == (
        2,
        1,
        1,
        1,
    )


def test_the_rectification_limit_may_be_working_days_across_a_holiday(
    db: Session, finish: Finish, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = finish()
    monkeypatch.setenv("TONGBAN_RATING_RECTIFY_WORKING_DAYS", "15")
    get_settings.cache_clear()
    try:
        rating = _rate(db, number, 2, "材料要求太多。")
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    # given on 2 October 2025 (国庆): the clock starts when offices reopen on the 9th (not
    # counted, like every clock), then 10, 11 (make-up Saturday), 13–17, 20–24, 27–29 October
    assert timefmt.deadline(rating.rectify_due_at) == "2025-10-29"


def test_each_stage_is_rated_once_it_is_reached(
    client: TestClient, as_user: Any, db: Session
) -> None:
    number = str(submitted(client, as_user("zhangsan"), "3501-RS-003")["number"])
    with pytest.raises(InvalidInput):
        _rate(db, number, 5, stage="receipt", tags=["不存在的标签"])
    with pytest.raises(InvalidInput):
        _rate(db, number, 5, stage="receipt", indicators={"speed": 9})
    received = _rate(db, number, 5, stage="receipt", tags=["服务热情"])
    assert received.stage == "receipt"
    with pytest.raises(Conflict) as early:
        _rate(db, number, 5, stage="acceptance")
    assert "尚未受理" in early.value.message_zh
    with pytest.raises(Conflict):
        _rate(db, number, 4, stage="receipt")


def test_a_department_appeals_and_a_supervisor_decides(db: Session, finish: Finish) -> None:
    number = finish()
    rating = _rate(db, number, 1, "与本事项无关的抱怨。")
    with pytest.raises(NotAllowed):
        followup.appeal(db, rating_id=rating.id, user=user(db, "ga"), reason="x", now=NOW)
    followup.appeal(
        db, rating_id=rating.id, user=user(db, "rs"), reason="评价内容与办件无关。", now=NOW
    )
    with pytest.raises(Conflict):
        followup.appeal(db, rating_id=rating.id, user=user(db, "rs"), reason="再次", now=NOW)
    with pytest.raises(NotAllowed):
        followup.decide_appeal(
            db, rating_id=rating.id, user=user(db, "rs"), outcome="upheld", decision="x", now=NOW
        )
    before = service.figures(db, now=NOW, department_code="RS").total
    assert (before.count, before.bad, before.appeals) == (1, 1, 1)
    decided = followup.decide_appeal(
        db,
        rating_id=rating.id,
        user=user(db, "supervisor"),
        outcome="upheld",
        decision="经核实，评价与服务无关。",
        now=NOW,
    )
    assert decided.outcome == "upheld" and decided.decided_by == "赵监察"
    with pytest.raises(Conflict):
        followup.decide_appeal(
            db,
            rating_id=rating.id,
            user=user(db, "supervisor"),
            outcome="dismissed",
            decision="x",
            now=NOW,
        )
    after = service.figures(db, now=NOW + timedelta(days=2), department_code="RS").total
    assert (after.count, after.bad, after.open_overdue, after.appeals_upheld) == (0, 0, 0, 1)
    assert not service.get_row(db, rating=rating, now=NOW + timedelta(days=2)).open
    notifications.run_due_notifications(db, now=NOW, settings=QUIET)
    assert _topics(db, "rs")[-1] == "rating_appeal_decided"


def test_an_upheld_appeal_ends_the_rectification_and_its_alerts(
    db: Session, finish: Finish, client: TestClient
) -> None:
    """An upheld appeal resolves the rectification's open alerts, raises no more, and the
    card says so (not "已整改", which was never done) (issue 12)."""
    rating = _rate(db, finish(), 1, "与本事项无关的抱怨。")
    later = NOW + timedelta(hours=20)  # past the warning (16 of 24 hours)
    tasks.run_watch(db, payload={"id": rating.id}, now=later)
    raised = list(db.scalars(select(Alert).where(Alert.watched_id == rating.id)))
    assert [a.level for a in raised] == ["warning"] and raised[0].resolved_at is None
    followup.appeal(db, rating_id=rating.id, user=user(db, "rs"), reason="与服务无关。", now=later)
    followup.decide_appeal(
        db,
        rating_id=rating.id,
        user=user(db, "supervisor"),
        outcome="upheld",
        decision="经核实，评价与服务无关。",
        now=later,
    )
    db.flush()
    assert all(a.resolved_at == later for a in raised)
    assert tasks.run_watch(db, payload={"id": rating.id}, now=NOW + timedelta(days=30)) is None
    alerts = db.scalars(select(Alert).where(Alert.watched_id == rating.id)).all()
    assert len(alerts) == 1  # no overdue, no escalation afterwards
    db.commit()
    sign_in(client, "rs")
    page = client.get("/staff/ratings").text
    card = page[page.index(f'id="rating-{rating.id}"') :]
    card = card[: card.index("</article>")]
    assert "申诉成立，无需整改" in card and "已整改" not in card


@pytest.mark.parametrize("score", [5, 4, 3])
def test_a_department_cannot_appeal_a_rating_that_is_not_bad(
    db: Session, finish: Finish, score: int
) -> None:
    rating = _rate(db, finish(), score, "一般。")
    with pytest.raises(Conflict) as refused:
        followup.appeal(db, rating_id=rating.id, user=user(db, "rs"), reason="不公正。", now=NOW)
    assert refused.value.code == "not_a_bad_rating" and "只能对差评" in refused.value.message_zh
    assert followup.appeal_of(db, rating_id=rating.id) is None


def test_a_finished_case_not_rated_in_three_days_gets_one_invitation(
    db: Session, finish: Finish
) -> None:
    invited_number, rated_number = finish(), finish()
    _rate(db, rated_number, 5, now=START + timedelta(hours=1))
    assert service.run_due_invitations(db, now=START + timedelta(days=2), after_days=3) == []
    later = START + timedelta(days=3, minutes=1)
    assert service.run_due_invitations(db, now=later, after_days=3) == [invited_number]
    assert service.run_due_invitations(db, now=later + timedelta(days=1), after_days=3) == []
    assert _topics(db, "zhangsan").count("rating_invited") == 1
    notifications.run_due_notifications(db, now=later, settings=QUIET)
    [row] = [
        r
        for r in notifications.inbox(db, user=user(db, "zhangsan"))
        if r.message.topic == "rating_invited"
    ]
    assert row.title == f"邀请您评价：{invited_number}" and row.link == f"/cases/{invited_number}"


def test_the_api_rates_a_stage_with_tags_and_indicators_and_lists_them(
    client: TestClient, as_user: Any, finish: Finish
) -> None:
    number = finish()
    headers = as_user("zhangsan")
    body = {
        "score": 2,
        "comment": "指南写得不清楚。",
        "stage": "completion",
        "tags": ["指南不准确"],
        "indicators": {"guide": 1, "speed": 4},
    }
    made = client.post(f"{API}/cases/{number}/rating", json=body, headers=headers)
    assert made.status_code == 201, made.text
    rating = made.json()
    assert rating["tags"] == ["指南不准确"] and rating["indicators"] == {"guide": 1, "speed": 4}
    assert rating["bad"] and rating["may_rate_again"] is False
    rs = as_user("rs")
    client.post(
        f"{API}/ratings/{rating['id']}/rectification", json={"text": "已修订指南。"}, headers=rs
    )
    missed = {"note": "电话无人接听。", "reached": False}
    client.post(f"{API}/ratings/{rating['id']}/callback", json=missed, headers=rs)
    called = client.post(
        f"{API}/ratings/{rating['id']}/callback", json={"note": "申请人认可。"}, headers=rs
    )
    assert called.status_code == 200, called.text
    assert called.json()["may_rate_again"] is True
    # each attempt, the one that did not reach the applicant too: who, when, what
    listed = client.get(f"{API}/ratings", params={"bad": True}, headers=rs).json()
    [calls] = [r["callbacks"] for r in listed if r["id"] == rating["id"]]
    assert [(c["note"], c["reached"], c["by"]) for c in calls] == [
        ("电话无人接听。", False, "人社审查员"),
        ("申请人认可。", True, "人社审查员"),
    ]
    assert all(c["at"] for c in calls)
    again = client.post(f"{API}/cases/{number}/rating", json={"score": 5}, headers=headers)
    assert again.status_code == 201 and again.json()["round"] == 2
    listed = client.get(f"{API}/cases/{number}/ratings", headers=headers).json()
    assert [(r["round"], r["score"]) for r in listed] == [(1, 2), (2, 5)]
    appealed = client.post(
        f"{API}/ratings/{rating['id']}/appeal", json={"reason": "不公正。"}, headers=rs
    )
    assert appealed.status_code == 201, appealed.text
    decided = client.post(
        f"{API}/ratings/{rating['id']}/appeal/decision",
        json={"outcome": "dismissed", "decision": "评价属实。"},
        headers=as_user("supervisor"),
    )
    assert decided.status_code == 200, decided.text
    assert decided.json()["appeal"]["outcome"] == "dismissed"
