"""A case runs exactly the stages its item version lists: no 核准 for an item without one,
no 制证 or review where none is listed, results issued with the decision when no 制证
stage makes them, and a refusal by the review round when there is no 核准 stage.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import API, act, answer_verifications, draft, open_task, submitted
from tongban.accounts import service as accounts
from tongban.audit.service import SYSTEM
from tongban.cases import service as cases
from tongban.cases.enums import CaseState, Stage
from tongban.catalog import service as catalog
from tongban.demo.samples import attach_materials, fill_form
from tongban.files.store import LocalFileStore

FILING = "3501-MZ-003"  # 养老机构备案: 受理, 审查 — no 核准, no 制证
INSTANT = "3501-CGJ-001"  # 受理, 核准 — no review, no 制证
NO_DECISION = "3501-GJJ-001"  # 受理, 审查, 制证
PAPER = "3501-WJW-006"  # 受理, 审查, 制证; online or at the window, no 送达 listed
NOW = datetime(2025, 11, 3, 1, 0, tzinfo=UTC)


def _stages(client: TestClient, headers: dict[str, str], number: str) -> list[str]:
    line = client.get(f"{API}/cases/{number}/timeline", headers=headers).json()
    return [stage["stage"] for stage in line["stages"]]


def _accept(client: TestClient, staff: dict[str, str], number: str) -> Any:
    response = act(client, staff, open_task(client, staff, number, "accept"), "accept")
    assert response.status_code == 200, response.text
    return response.json()


def _review(client: TestClient, staff: dict[str, str], number: str, outcome: str) -> None:
    task = open_task(client, staff, number, "review")
    answer_verifications(client, task)  # its 协查 answered first
    opinion = "备案材料不齐，不予备案" if outcome == "refused" else "符合备案条件"
    response = act(client, staff, task, "review", outcome=outcome, opinion=opinion)
    assert response.status_code == 200, response.text


def test_a_filing_without_a_decision_stage_is_done_when_review_approves(
    client: TestClient, as_user: Any
) -> None:
    applicant, mz = as_user("minfeng"), as_user("mz")
    number = submitted(client, applicant, FILING)["number"]
    assert _accept(client, mz, number)["state"] == "in_review"
    _review(client, mz, number, "approved")

    case = client.get(f"{API}/cases/{number}", headers=applicant).json()
    assert case["state"] == "completed" and case["decided_at"] and case["closed_at"]
    assert all(t["case_number"] != number for t in client.get(f"{API}/tasks", headers=mz).json())
    assert _stages(client, applicant, number) == ["accept", "review"]
    results = client.get(f"{API}/cases/{number}/results", headers=applicant).json()
    assert [r["title"] for r in results] == ["养老机构备案回执"]


def test_a_refusal_in_review_without_a_decision_stage_ends_the_case_with_a_written_decision(
    client: TestClient, as_user: Any
) -> None:
    applicant, mz = as_user("minfeng"), as_user("mz")
    number = submitted(client, applicant, FILING)["number"]
    _accept(client, mz, number)
    _review(client, mz, number, "refused")

    case = client.get(f"{API}/cases/{number}", headers=applicant).json()
    assert case["state"] == "refused" and case["time_left"] is None
    results = client.get(f"{API}/cases/{number}/results", headers=applicant).json()
    assert [r["kind"] for r in results] == ["refusal"]
    events = client.get(f"{API}/cases/{number}/timeline", headers=applicant).json()["events"]
    refusal = next(e for e in events if e["action"] == "case.refuse")
    assert refusal["opinion"] == "备案材料不齐，不予备案"


def test_an_item_without_review_goes_from_acceptance_to_its_decision(
    client: TestClient, as_user: Any
) -> None:
    applicant, cgj = as_user("minfeng"), as_user("cgj")
    number = submitted(client, applicant, INSTANT)["number"]
    assert _accept(client, cgj, number)["state"] == "in_decision"
    approver = as_user("cgj-hz")
    decide = open_task(client, approver, number, "decide")
    done = act(client, approver, decide, "approve", opinion="准予")
    assert done.status_code == 200 and done.json()["state"] == "completed"
    assert _stages(client, applicant, number) == ["accept", "decide"]
    assert client.get(f"{API}/cases/{number}/results", headers=applicant).json()


def test_an_item_without_a_decision_stage_goes_from_review_to_issuing(
    client: TestClient, as_user: Any
) -> None:
    applicant, gjj = as_user("minfeng"), as_user("gjj")
    number = submitted(client, applicant, NO_DECISION)["number"]
    _accept(client, gjj, number)
    _review(client, gjj, number, "approved")
    case = client.get(f"{API}/cases/{number}", headers=applicant).json()
    assert case["state"] == "issuing" and case["decided_at"]
    issue = open_task(client, gjj, number, "issue")
    assert act(client, gjj, issue, "issue").json()["state"] == "completed"
    assert _stages(client, applicant, number) == ["accept", "review", "issue"]


def test_a_result_collected_at_the_window_is_handed_over_in_a_delivery_stage(
    client: TestClient, as_user: Any
) -> None:
    """Online delivery needs no 送达 stage; a paper result is handed over and recorded."""
    applicant, wjw = as_user("lisi"), as_user("wjw")
    case = draft(client, applicant, PAPER)
    number, patch = case["number"], {"form_data": case["form_data"], "delivery": "window"}
    assert client.patch(f"{API}/cases/{number}", json=patch, headers=applicant).status_code == 200
    assert client.post(f"{API}/cases/{number}/submit", headers=applicant).status_code == 200
    _accept(client, wjw, number)
    _review(client, wjw, number, "approved")
    issue = open_task(client, wjw, number, "issue")
    assert act(client, wjw, issue, "issue").json()["state"] == "delivering"
    deliver = open_task(client, wjw, number, "deliver")
    code = client.get(f"{API}/cases/{number}/delivery", headers=applicant).json()["pickup_code"]
    handed = act(client, wjw, deliver, "deliver", opinion="申请人本人领取", pickup_code=code)
    assert handed.status_code == 200
    assert _stages(client, applicant, number) == ["accept", "review", "issue", "deliver"]


def test_an_instant_item_listing_only_acceptance_is_done_when_accepted(
    db: Session, tmp_path: Any
) -> None:
    """即办: an item whose process is acceptance alone is decided and issued at acceptance."""
    text = catalog.entry_text(db, code=FILING)
    start = text.index("process:")
    end = text.index("approval_mode:")
    only_accept = "process:\n  stages:\n  - stage: accept\n    limit: 0\n"
    catalog.save_entry_text(
        db, code=FILING, text=text[:start] + only_accept + text[end:], actor=SYSTEM, now=NOW
    )
    store = LocalFileStore(tmp_path)
    applicant = accounts.find_user(db, username="minfeng")
    clerk = accounts.find_user(db, username="mz")
    assert applicant is not None and clerk is not None
    spec = catalog.get_entry(db, code=FILING).current_version
    assert spec is not None
    case = cases.create_case(
        db, applicant=applicant, code=FILING, form_data=fill_form(spec.definition["form"]), now=NOW
    )
    attach_materials(db, case=case, user=applicant, store=store, now=NOW, required_only=False)
    cases.submit_case(db, case_id=case.id, user=applicant, now=NOW, store=store)
    cases.accept_case(db, case_id=case.id, user=clerk, opinion=None, now=NOW, store=store)
    assert case.state == CaseState.completed and case.closed_at is not None
    assert [t.stage for t in case.tasks] == [Stage.accept]
    assert [r.title for r in cases.results(db, case=case)] == ["养老机构备案回执"]
    assert all(clock.stopped_at is not None for clock in case.clocks)
