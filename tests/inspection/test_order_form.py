"""The reviewer's order form says how many inspectors the draw is made from, counted in
English as in Chinese, and, with fewer than two present, that none can be drawn instead
of promising a draw of 2 from 1."""

from __future__ import annotations

import html
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tests.factories import act, open_task, submitted
from tests.web.support import SignedIn
from tongban.inspection import drawing

FOOD_PRODUCTION = "3501-SCJG-005"  # 食品生产许可: requires an inspection


def _task_page(client: TestClient, as_user: Any) -> str:
    number = submitted(client, as_user("minfeng"), FOOD_PRODUCTION)["number"]
    staff = as_user("scjg")
    assert act(client, staff, open_task(client, staff, number, "accept"), "accept").is_success
    return f"/staff/tasks/{open_task(client, staff, number, 'review')['id']}"


def test_the_order_form_counts_the_inspectors_present_in_english(
    client: TestClient, as_user: Any, signed_in: SignedIn, db: Session, clock: Clock
) -> None:
    page = _task_page(client, as_user)
    reviewer = signed_in("scjg")
    reviewer.cookies.set("tongban_lang", "en")
    present = drawing.present_inspectors(db, department="SCJG")
    many = html.unescape(reviewer.get(page).text)
    assert f"2 of the department's {len(present)} inspectors present are drawn at random" in many
    for inspector in present[1:]:
        inspector.active = False
    db.flush()
    one = html.unescape(reviewer.get(page).text)
    assert "1 inspectors" not in one and "inspector present" not in one
    assert "fewer than 2 inspectors present; none can be drawn" in one
    reviewer.cookies.set("tongban_lang", "zh_Hans")
    assert "本部门在岗的踏勘人员不足 2 名，无法随机选派" in reviewer.get(page).text
