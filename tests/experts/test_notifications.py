"""Experts hear of their panel (专家评审): each expert drawn, and one drawn in place of an
expert who recused, gets a message with the deadline; one working day before it, the
experts who have not answered yet are reminded, once, and nobody else is."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Clock
from tests.experts.conftest import MONDAY, Unit
from tests.experts.support import answer, convene, recuse, seats_of
from tests.factories import run_worker
from tongban import timefmt
from tongban.accounts import service as accounts
from tongban.experts.models import Panel
from tongban.notifications.writing import write
from tongban.outbox.service import inbox


def _topics(unit: Unit, username: str) -> list[str]:
    with unit() as session:
        user = accounts.find_user(session, username=username)
        assert user is not None
        return [message.topic for message in inbox(session, user_id=user.id)]


def test_the_experts_drawn_are_told_with_the_deadline(
    register: dict[str, int], review: dict[str, Any], unit: Unit
) -> None:
    panel_id = convene(unit, review, MONDAY, working_days=3)
    seats = seats_of(unit, panel_id)
    for username in register:
        assert _topics(unit, username) == (["expert_drawn"] if username in seats else [])
    with unit() as session:
        panel = session.get_one(Panel, panel_id)
        user = accounts.find_user(session, username=sorted(seats)[0])
        assert user is not None
        (message,) = inbox(session, user_id=user.id)
        text = write(
            message, user=user, case=(review["case_number"], "放射工作人员证核发"), locale="zh_Hans"
        )
        english = write(message, user=user, case=(review["case_number"], ""), locale="en")
        due = timefmt.deadline(panel.due_at)
    assert "请先声明是否需要回避" in text.body and f"于 {due} 前提交评审意见" in text.body
    assert "/experts/seats" in text.body
    assert f"give your opinion by {due}" in english.body


def test_the_expert_drawn_in_place_of_one_who_recused_is_told(
    register: dict[str, int], review: dict[str, Any], unit: Unit
) -> None:
    panel_id = convene(unit, review, MONDAY)
    seats = seats_of(unit, panel_id)
    recusing = sorted(seats)[0]
    recuse(unit, recusing, seats[recusing][0], MONDAY, "与申请人有亲属关系。")
    (replacement,) = set(seats_of(unit, panel_id)) - set(seats)
    assert _topics(unit, replacement) == ["expert_drawn"]
    assert _topics(unit, recusing) == ["expert_drawn"]  # nothing more for the one who left


def test_the_experts_yet_to_answer_are_reminded_a_working_day_before_the_deadline(
    client: TestClient, register: dict[str, int], review: dict[str, Any], unit: Unit, clock: Clock
) -> None:
    panel_id = convene(unit, review, MONDAY, working_days=3)  # due Thursday 24:00
    seats = seats_of(unit, panel_id)
    answering, waiting = sorted(seats)
    answer(unit, answering, seats[answering][0], clock.advance(days=1))

    wednesday_night = MONDAY.replace(day=5, hour=16)  # 24:00 in Fuzhou: Thursday is the last day
    clock.now = wednesday_night - timedelta(minutes=1)
    run_worker(client)
    assert _topics(unit, waiting) == ["expert_drawn"]
    clock.now = wednesday_night
    assert "expert_panel.remind" in " ".join(run_worker(client))
    run_worker(client)

    assert _topics(unit, waiting) == ["expert_opinion_due", "expert_drawn"]
    assert _topics(unit, answering) == ["expert_drawn"]


def test_a_panel_of_one_working_day_is_told_its_deadline_when_drawn_and_not_reminded(
    client: TestClient, register: dict[str, int], review: dict[str, Any], unit: Unit, clock: Clock
) -> None:
    panel_id = convene(unit, review, MONDAY, working_days=1)
    clock.now = MONDAY.replace(day=4, hour=15)  # Tuesday 23:00 Fuzhou time, before the end
    run_worker(client)
    for username in seats_of(unit, panel_id):
        assert _topics(unit, username) == ["expert_drawn"]
