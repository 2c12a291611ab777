"""企业开办 end to end through the API: one form, one correction round, five departments
reviewing in parallel, decision, issuing, online delivery; and the refusal path.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Clock
from tests.factories import API, act, find_code, open_task, run_worker, submitted, upload

REVIEWERS = ["scjg", "ga", "sw", "rs", "gjj"]


@pytest.fixture
def bundle(client: TestClient) -> str:
    return find_code(client, "企业开办", bundle=True)


def _accept(client: TestClient, as_user: Any, number: str) -> None:
    task = open_task(client, as_user("clerk"), number, "accept")
    assert (
        act(client, as_user("clerk"), task, "accept", opinion="材料齐全，予以受理").status_code
        == 200
    )


def test_five_departments_review_in_parallel_after_one_correction(
    client: TestClient, as_user: Any, clock: Clock, bundle: str
) -> None:
    applicant = as_user("minfeng")
    case = submitted(client, applicant, bundle)
    number = case["number"]
    assert case["state"] == "submitted" and case["joint"] is True

    clerk = as_user("clerk")
    task = open_task(client, clerk, number, "accept")
    problems = [
        {"target": "registered_address", "problem": "住所须写到门牌号"},
        {"target": "ARTICLES", "problem": "公司章程缺全体股东签字页"},
    ]
    clock.advance(hours=2)
    response = act(
        client, clerk, task, "correction", problems=problems, opinion="请一次性补正以下两项"
    )
    assert response.status_code == 201, response.text
    case = client.get(f"{API}/cases/{number}", headers=applicant).json()
    assert case["state"] == "correction_requested"
    assert case["time_left"]["paused"] is True
    assert all(t["case_number"] != number for t in client.get(f"{API}/tasks", headers=clerk).json())
    notice = client.get(f"{API}/cases/{number}/corrections", headers=applicant).json()
    assert [p["problem"] for p in notice[0]["problems"]] == [p["problem"] for p in problems]

    clock.advance(days=1)
    form = dict(case["form_data"], registered_address="福州市鼓楼区五四路158号")
    assert (
        client.patch(
            f"{API}/cases/{number}", json={"form_data": form}, headers=applicant
        ).status_code
        == 200
    )
    assert upload(client, applicant, number, "ARTICLES").status_code == 201
    assert client.post(f"{API}/cases/{number}/resubmit", headers=applicant).status_code == 200

    task = open_task(client, clerk, number, "accept")
    again = act(client, clerk, task, "correction", problems=problems)
    assert again.status_code == 409
    assert "一次性" in again.json()["error"]["message"]
    _accept(client, as_user, number)

    review_tasks = {}
    for username in REVIEWERS:
        mine = [
            t
            for t in client.get(f"{API}/tasks", headers=as_user(username)).json()
            if t["case_number"] == number
        ]
        assert len(mine) == 1, f"{username} should see exactly its own task"
        review_tasks[username] = mine[0]
    assert len({t["department_code"] for t in review_tasks.values()}) == 5

    for index, username in enumerate(REVIEWERS):
        clock.advance(hours=1)
        body = {"outcome": "approved", "opinion": f"{username} 审查通过"}
        response = act(client, as_user(username), review_tasks[username], "review", **body)
        assert response.status_code == 200, response.text
        state = client.get(f"{API}/cases/{number}", headers=applicant).json()["state"]
        assert state == ("in_decision" if index == 4 else "in_review")

    decide = open_task(client, as_user("approver"), number, "decide")
    assert (
        act(client, as_user("approver"), decide, "approve", opinion="准予许可").status_code == 200
    )
    issue = open_task(client, as_user("issuer"), number, "issue")
    done = act(client, as_user("issuer"), issue, "issue", opinion="")
    assert done.status_code == 200 and done.json()["state"] == "completed"

    results = client.get(f"{API}/cases/{number}/results", headers=applicant).json()
    assert len(results) >= 1
    run_worker(client)  # e-licence PDFs are printed by the worker right after issue
    pdf = client.get(f"{API}/results/{results[0]['id']}/document", headers=applicant)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    line = client.get(f"{API}/cases/{number}/timeline", headers=applicant).json()
    # the stages its items list; online delivery needs no 送达 stage of its own
    assert [s["stage"] for s in line["stages"]] == ["accept", "review", "decide", "issue"]
    review = line["stages"][1]
    assert {t["opinion"] for t in review["tasks"]} == {f"{u} 审查通过" for u in REVIEWERS}
    assert all(t["actor_name"] for stage in line["stages"] for t in stage["tasks"])
    actions = [e["action"] for e in line["events"]]
    assert actions.count("case.request_correction") == 1
    assert actions[-1] == "case.issue" and line["time_left"] is None


def test_a_refusal_ends_the_round_and_only_a_refusal_can_be_decided(
    client: TestClient, as_user: Any, bundle: str
) -> None:
    applicant = as_user("minfeng")
    number = submitted(client, applicant, bundle)["number"]
    _accept(client, as_user, number)

    scjg = as_user("scjg")
    task = open_task(client, scjg, number, "review")
    assert act(client, scjg, task, "review", outcome="refused", opinion="").status_code == 422
    response = act(
        client, scjg, task, "review", outcome="refused", opinion="名称与已登记企业近似，不予登记"
    )
    assert response.status_code == 200
    assert client.get(f"{API}/cases/{number}", headers=applicant).json()["state"] == "in_decision"
    assert all(
        t["case_number"] != number for t in client.get(f"{API}/tasks", headers=as_user("ga")).json()
    )

    approver = as_user("approver")
    decide = open_task(client, approver, number, "decide")
    blocked = act(client, approver, decide, "approve", opinion="准予")
    assert blocked.status_code == 409
    refused = act(client, approver, decide, "refuse", opinion="企业名称不符合规定")
    assert refused.status_code == 200 and refused.json()["state"] == "refused"
    documents = client.get(f"{API}/cases/{number}/results", headers=applicant).json()
    assert [d["kind"] for d in documents] == ["refusal"]
