"""Who may see and do what: role × department × resource, enforced server-side."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import API, act, find_code, open_task, submitted

# (user, expected status) for reading a 企业开办 case of the enterprise 'minfeng'.
CASE_READERS = [
    ("minfeng", 200),  # the applicant
    ("zhangsan", 404),  # another applicant: the case does not exist for them
    ("clerk", 200),  # lead department's window
    ("scjg", 200),  # a reviewing department
    ("wjw", 404),  # a department with no part in this case
    ("supervisor", 200),  # e-supervision sees every case
]


@pytest.fixture
def accepted(client: TestClient, as_user: Any) -> dict[str, Any]:
    """A 企业开办 case in parallel review, with the SCJG task and a material id."""
    number = submitted(client, as_user("minfeng"), find_code(client, "企业开办", bundle=True))[
        "number"
    ]
    clerk = as_user("clerk")
    assert (
        act(client, clerk, open_task(client, clerk, number, "accept"), "accept").status_code == 200
    )
    material = client.get(f"{API}/cases/{number}/materials", headers=as_user("minfeng")).json()[0]
    return {
        "number": number,
        "scjg_task": open_task(client, as_user("scjg"), number, "review"),
        "material": material,
    }


@pytest.mark.parametrize(("username", "status"), CASE_READERS)
def test_reading_a_case(
    client: TestClient, as_user: Any, accepted: dict[str, Any], username: str, status: int
) -> None:
    number = accepted["number"]
    assert client.get(f"{API}/cases/{number}", headers=as_user(username)).status_code == status
    assert (
        client.get(f"{API}/cases/{number}/timeline", headers=as_user(username)).status_code
        == status
    )
    material = accepted["material"]["id"]
    assert (
        client.get(f"{API}/materials/{material}/content", headers=as_user(username)).status_code
        == status
    )


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("scjg", 200),
        ("ga", 404),
        ("clerk", 404),
        ("minfeng", 403),
        ("supervisor", 200),  # reads it to reassign it (人员随机分配)
        ("sm-jc", 404),  # a supervisor of another region
    ],
)
def test_reading_a_department_task(
    client: TestClient, as_user: Any, accepted: dict[str, Any], username: str, status: int
) -> None:
    task = accepted["scjg_task"]
    assert client.get(f"{API}/tasks/{task['id']}", headers=as_user(username)).status_code == status


@pytest.mark.parametrize(
    ("username", "status"), [("ga", 404), ("clerk", 404), ("minfeng", 403), ("scjg", 200)]
)
def test_deciding_a_department_task(
    client: TestClient, as_user: Any, accepted: dict[str, Any], username: str, status: int
) -> None:
    body = {"outcome": "approved", "opinion": "同意"}
    assert (
        act(client, as_user(username), accepted["scjg_task"], "review", **body).status_code
        == status
    )


def test_queues_hold_only_the_departments_own_tasks(
    client: TestClient, as_user: Any, accepted: dict[str, Any]
) -> None:
    for username, department in [
        ("scjg", "SCJG"),
        ("ga", "GA"),
        ("sw", "SW"),
        ("rs", "RS"),
        ("gjj", "GJJ"),
    ]:
        tasks = client.get(f"{API}/tasks", headers=as_user(username)).json()
        assert tasks and {t["department_code"] for t in tasks} == {department}
    assert all(
        t["case_number"] != accepted["number"]
        for t in client.get(f"{API}/tasks", headers=as_user("approver")).json()
    )


def test_a_role_without_the_stage_cannot_act_in_its_own_department(
    client: TestClient, as_user: Any
) -> None:
    number = submitted(client, as_user("minfeng"), find_code(client, "企业开办", bundle=True))[
        "number"
    ]
    task = open_task(client, as_user("clerk"), number, "accept")
    response = act(client, as_user("approver"), task, "accept")  # ZWFW approver, not a clerk
    assert response.status_code == 403
    assert "窗口受理" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("method", "path", "username", "status"),
    [
        ("get", "/tasks", None, 401),
        ("get", "/tasks", "zhangsan", 403),
        ("get", "/cases", None, 401),
        ("post", "/cases", "clerk", 403),
        ("put", "/calendar/years/2027", "supervisor", 403),
    ],
)
def test_endpoints_refuse_the_wrong_kind_of_user(
    client: TestClient, as_user: Any, method: str, path: str, username: str | None, status: int
) -> None:
    headers = as_user(username) if username else {}
    body = (
        {"code": "3501-WJW-002", "form_data": {}}
        if method == "post"
        else {"source": "x", "days": []}
    )
    response = client.request(
        method, f"{API}{path}", headers=headers, json=body if method != "get" else None
    )
    assert response.status_code == status
    assert response.json()["error"]["message"]


def test_staff_and_applicants_see_only_their_messages(
    client: TestClient, as_user: Any, accepted: dict[str, Any]
) -> None:
    topics = [
        m["topic"] for m in client.get(f"{API}/me/messages", headers=as_user("minfeng")).json()
    ]
    assert "case_received" in topics and "case_accepted" in topics
    assert client.get(f"{API}/me/messages", headers=as_user("zhangsan")).json() == []
