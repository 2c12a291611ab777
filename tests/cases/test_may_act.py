"""``may_act`` on the API's tasks: a department's head lists every stage of the department
(to reassign them) but acts only where the action endpoints let them; ``may_act`` says
which, by the same rule, so that a client knows before it tries."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import START, token
from tests.factories import API, act, open_task, submitted
from tests.licences.support import BUSINESS
from tongban.accounts import service as accounts
from tongban.accounts.enums import Role
from tongban.accounts.schemas import StaffCreate

PASSWORD = "a-long-passphrase-1"
REVIEW = {"outcome": "approved", "opinion": "符合许可条件"}


def _listed(client: TestClient, headers: dict[str, str], number: str) -> dict[str, Any]:
    """The one task of case ``number`` in the department view of the queue."""
    tasks = client.get(f"{API}/tasks", headers=headers).json()
    found = [t for t in tasks if t["case_number"] == number]
    assert len(found) == 1, found
    return found[0]


def _second_approver(client: TestClient) -> dict[str, str]:
    """Another approver of 市场监管 (``scjg-hz2``), signed in."""
    with client.app.state.runtime.sessions() as db:
        data = StaffCreate(
            username="scjg-hz2",
            password=PASSWORD,
            display_name="市场监管核准人乙",
            department_code="SCJG",
            roles=[Role.approver],
        )
        accounts.create_staff(db, data=data)
        db.commit()
    return token(client, "scjg-hz2", PASSWORD)


def test_a_head_sees_which_tasks_of_the_department_they_may_act_on(
    client: TestClient, as_user: Any
) -> None:
    head, reviewer = as_user("scjg-hz"), as_user("scjg")
    number = submitted(client, as_user("minfeng"), BUSINESS)["number"]
    accept = open_task(client, reviewer, number, "accept")
    assert accept["may_act"] is True
    assert act(client, reviewer, accept, "accept").status_code == 200

    review = _listed(client, head, number)  # a head lists the review to reassign it
    assert review["stage"] == "review" and review["may_act"] is False
    assert act(client, head, review, "review", **REVIEW).status_code == 403
    assert client.get(f"{API}/tasks/{review['id']}", headers=head).json()["may_act"] is False
    own = _listed(client, reviewer, number)
    assert own["assignee_id"] is not None and own["may_act"] is True
    assert act(client, reviewer, own, "review", **REVIEW).status_code == 200

    decision = _listed(client, head, number)
    assert decision["stage"] == "decide" and decision["may_act"] is True
    other = _second_approver(client)
    to = client.get(f"{API}/me", headers=other).json()["id"]
    moved = client.post(
        f"{API}/tasks/{decision['id']}/reassign",
        json={"assignee_id": to, "reason": "核准人甲外出培训"},
        headers=head,
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["assignee_id"] == to
    held_by_other = _listed(client, head, number)
    assert held_by_other["may_act"] is False  # still listed: the head may reassign it back
    refused = act(client, head, held_by_other, "approve", opinion="准予许可")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_assignee"
    assert _listed(client, other, number)["may_act"] is True


def test_may_act_is_described_in_the_openapi_document(client: TestClient) -> None:
    task = client.get(f"{API}/openapi.json").json()["components"]["schemas"]["TaskRead"]
    assert "may_act" in task["properties"]
    assert "403" in task["properties"]["may_act"]["description"]


def test_a_clerk_marked_absent_accepts_nothing_as_may_act_says(
    client: TestClient, as_user: Any
) -> None:
    """Acceptance checked the role alone: an absent clerk's may_act said false while the
    accept went through; an absent person acts on no task (they end the absence first)."""
    clerk = as_user("scjg")
    number = submitted(client, as_user("minfeng"), BUSINESS)["number"]
    with client.app.state.runtime.sessions() as db:
        user = accounts.find_user(db, username="scjg")
        user.absent_from = user.absent_until = START.date()
        db.commit()
    accept = open_task(client, clerk, number, "accept")
    assert accept["may_act"] is False
    refused = act(client, clerk, accept, "accept")
    assert refused.status_code == 403 and "不在岗" in refused.json()["error"]["message"]
    assert open_task(client, clerk, number, "accept")["state"] == "open"
