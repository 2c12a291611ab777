"""What an expert panel holds on its case (issue 16's trial, fault 2): while it sits no
review opinion nor decision is given (the experts' opinions are what they wait for), and
an expert who declared a conflict on the case is never drawn for it again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Clock
from tests.experts.conftest import MONDAY, Unit
from tests.experts.support import answer, convene, recuse, seats_of
from tests.factories import act
from tongban import timefmt
from tongban.accounts import service as accounts
from tongban.audit.service import SYSTEM
from tongban.cases.stages import progress
from tongban.errors import Conflict
from tongban.experts import service as experts
from tongban.experts.models import Panel
from tongban.notifications.writing import write
from tongban.outbox.service import inbox


def test_no_review_opinion_while_a_panel_sits(
    client: TestClient, as_user: Any, register: dict[str, int], review: dict[str, Any], unit: Unit
) -> None:
    panel_id = convene(unit, review, MONDAY, size=1)
    held = act(client, as_user("wjw"), review, "review", outcome="approved", opinion="符合")
    assert held.status_code == 409, held.text
    assert "专家评审正在进行" in held.json()["error"]["message"]
    ((username, (seat, _state)),) = seats_of(unit, panel_id).items()
    answer(unit, username, seat, MONDAY)  # the last opinion closes the panel
    given = act(client, as_user("wjw"), review, "review", outcome="approved", opinion="符合")
    assert given.status_code == 200, given.text


def test_an_expert_who_recused_is_not_drawn_again_on_the_case(
    register: dict[str, int], review: dict[str, Any], unit: Unit, clock: Clock
) -> None:
    first = convene(unit, review, MONDAY, size=1)
    ((recused, (seat, _state)),) = seats_of(unit, first).items()
    recuse(unit, recused, seat, MONDAY, "曾为该企业做过环评咨询")
    for username, (other, state) in seats_of(unit, first).items():
        if state == "drawn":
            answer(unit, username, other, MONDAY)
    second = convene(unit, review, clock.advance(hours=1), size=len(register) - 1)
    assert recused not in seats_of(unit, second)


def test_the_applicant_is_told_the_time_the_panel_needs_not_the_question(
    register: dict[str, int], review: dict[str, Any], unit: Unit
) -> None:
    """行政许可法第四十五条: 所需时间书面告知申请人; the question is the experts'."""
    panel_id = convene(unit, review, MONDAY, working_days=3, question="辐射防护措施是否充分？")
    with unit() as session:
        panel = session.get_one(Panel, panel_id)
        applicant = accounts.find_user(session, username="zhangsan")
        assert applicant is not None
        (message,) = [m for m in inbox(session, user_id=applicant.id) if m.topic == "clock_paused"]
        case = (review["case_number"], "放射工作人员证核发")
        text = write(message, user=applicant, case=case, locale="zh_Hans").body
        english = write(message, user=applicant, case=case, locale="en").body
        due = timefmt.deadline(panel.due_at)
    assert f"所需时间：至 {due}" in text and f"until {due}" in english
    assert "辐射防护措施" not in text + english


def test_the_convener_is_told_when_no_expert_is_left_to_replace_one_who_recused(
    register: dict[str, int],
    review: dict[str, Any],
    unit: Unit,
    signed_in: Callable[[str], TestClient],
) -> None:
    panel_id = convene(unit, review, MONDAY, size=len(register))  # every expert of the field
    recusing, (seat, _state) = sorted(seats_of(unit, panel_id).items())[0]
    recuse(unit, recusing, seat, MONDAY, "曾为该企业做过环评咨询")
    assert len(seats_of(unit, panel_id)) == len(register)  # nobody drawn in its place
    with unit() as session:
        convener = accounts.find_user(session, username="wjw")
        assert convener is not None
        topics = [m.topic for m in inbox(session, user_id=convener.id)]
    assert "expert_not_replaced" in topics
    page = signed_in("wjw").get(f"/staff/tasks/{review['id']}").text
    n = len(register)
    assert f"已无可补抽的无利害关系专家：本次评审专家 {n - 1} 名（提请 {n} 名）" in page
    # an English timeline showed the platform's note in Chinese only
    english = signed_in("wjw").get(f"/cases/{review['case_number']}?lang=en").text
    assert f"{n - 1} experts review (of {n} asked for)" in english
    assert "专家回避后" not in english


def test_a_panel_ends_when_its_case_ends_first(
    register: dict[str, int],
    review: dict[str, Any],
    unit: Unit,
    signed_in: Callable[[str], TestClient],
) -> None:
    """A case ended without a decision (终止办理: 容缺 materials never came) while its panel
    sat: the experts are told the review is called off, and no declaration is taken."""
    panel_id = convene(unit, review, MONDAY, size=1)
    ((username, (seat, _state)),) = seats_of(unit, panel_id).items()
    with unit() as session:
        case = session.get_one(Panel, panel_id).case
        progress.terminate(session, case, actor=SYSTEM, reasons="容缺材料逾期未补齐", now=MONDAY)
    expert = signed_in(username)
    listed = expert.get("/experts/seats")
    assert "办件已终结，评审取消" in listed.text
    with unit() as session:
        user = accounts.find_user(session, username=username)
        assert user is not None
        with pytest.raises(Conflict):
            experts.declare(session, seat_id=seat, user=user, conflict=False, reason="", now=MONDAY)
