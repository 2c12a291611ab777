"""The expert review pages from end to end, and what they refuse."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from tests.experts.tour import expert_pages
from tests.web.support import csrf


def test_register_panel_declaration_opinion_and_the_reviewer_reading_it(
    client: TestClient, signed_in: Callable[[str], TestClient]
) -> None:
    assert len(expert_pages(client, signed_in)) == 9


def test_a_declared_conflict_needs_its_reason_and_nothing_typed_is_lost(
    client: TestClient,
    signed_in: Callable[[str], TestClient],
    register: dict[str, int],
    review: dict[str, Any],
) -> None:
    staff = signed_in("wjw")
    task = f"/staff/tasks/{review['id']}"
    ask = {"csrf_token": csrf(staff.get(task).text), "field": "health", "size": "5"}
    sent = staff.post(f"{task}/experts", data={**ask, "working_days": "5", "question": "防护？"})
    assert sent.status_code == 200 and "专家评审" in sent.text
    seat = next(iter(_seats(sent.text)))
    expert = signed_in(seat)
    page = expert.get("/experts/seats").text
    path = page.split('href="/experts/seats/')[1].split('"')[0]
    declared = {"csrf_token": csrf(page), "conflict": "yes", "reason": " "}
    refused = expert.post(f"/experts/seats/{path}/declaration", data=declared)
    assert refused.status_code == 422 and "请填写回避理由" in refused.text
    assert 'id="conflict-yes" name="conflict" value="yes" checked' in refused.text


def _seats(html: str) -> set[str]:
    """Usernames of the experts a task page lists (the demo experts' names)."""
    names = {"郑海峰": "zhuanjia1", "何静怡": "zhuanjia2", "许国栋": "zhuanjia3"}
    names |= {"梁思远": "zhuanjia4", "蔡文博": "zhuanjia5"}
    return {user for name, user in names.items() if f"<td>{name}</td>" in html}


def test_an_expert_has_no_workbench_tasks_even_of_a_case_on_their_panel(
    client: TestClient,
    signed_in: Callable[[str], TestClient],
    register: dict[str, int],
    review: dict[str, Any],
) -> None:
    staff = signed_in("wjw")
    task = f"/staff/tasks/{review['id']}"
    ask = {"csrf_token": csrf(staff.get(task).text), "field": "health", "size": "5"}
    staff.post(f"{task}/experts", data={**ask, "working_days": "5", "question": "防护？"})
    expert = signed_in("zhuanjia1")
    assert review["case_number"] not in expert.get("/staff").text
    assert expert.get(task).status_code == 404
    assert review["case_number"] in expert.get("/experts/seats").text
