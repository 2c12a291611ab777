"""Acceptance with deficiencies (容缺受理) end to end through the API: a plain acceptance
is refused while a 容缺 material is missing; the applicant signs the deficiency commitment;
the clerk accepts; the notice lists what, in what form, by when; the applicant uploads
exactly that material after acceptance; results wait for it. A missed deadline ends the
case with a notice (test clock); one reminder goes out first."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tests.factories import API, act, open_task, opinions_en, run_worker, upload
from tests.lenient.support import (
    FOOD,
    MINFENG_CREDIT,
    credit_record,
    submitted_without,
    timeline_actions,
)
from tongban.outbox.models import OutboxMessage
from tongban.worker import run_once

MISSING = "FOOD_SAFETY_RULES"  # 保证食品安全的规章制度目录清单, 容缺


def _signed(client: TestClient, as_user: Any) -> str:
    number = submitted_without(client, as_user("minfeng"), FOOD, skip={MISSING})
    letter = client.get(f"{API}/cases/{number}/deficiency/letter", headers=as_user("minfeng"))
    assert letter.status_code == 200, letter.text
    assert letter.json()["materials"] == [MISSING] and letter.json()["days"] == 1
    assert "保证食品安全的规章制度目录清单" in letter.json()["text"]
    signed = client.post(
        f"{API}/cases/{number}/deficiency/signature",
        json={"name": "王五"},
        headers=as_user("minfeng"),
    )
    assert signed.status_code == 201, signed.text
    return number


def _accepted(client: TestClient, as_user: Any) -> tuple[str, dict[str, Any]]:
    number = _signed(client, as_user)
    response = client.post(
        f"{API}/cases/{number}/deficiency/accept",
        json={"opinion": "主件齐全，容缺受理"},
        headers=as_user("scjg"),
    )
    assert response.status_code == 200, response.text
    return number, response.json()


def _issue(client: TestClient, as_user: Any, number: str) -> Any:
    task = open_task(client, as_user("scjg"), number, "issue")
    return act(client, as_user("scjg"), task, "issue")


def test_a_plain_acceptance_is_refused_while_a_deficiency_material_is_missing(
    client: TestClient, as_user: Any
) -> None:
    number = submitted_without(client, as_user("minfeng"), FOOD, skip={MISSING})
    task = open_task(client, as_user("scjg"), number, "accept")
    plain = act(client, as_user("scjg"), task, "accept")
    assert plain.status_code == 409 and plain.json()["error"]["code"] == "deficiencies_missing"
    unsigned = client.post(
        f"{API}/cases/{number}/deficiency/accept", json={}, headers=as_user("scjg")
    )
    assert unsigned.status_code == 409
    assert unsigned.json()["error"]["code"] == "commitment_unsigned"
    page = client.get(f"/cases/{number}", headers=as_user("minfeng"))
    assert "容缺受理承诺书" in page.text and "签署承诺书" in page.text
    task_page = client.get(f"/staff/tasks/{task['id']}", headers=as_user("scjg"))
    assert "申请人尚未签署容缺受理承诺书" in task_page.text


def test_material_supplied_in_time_releases_the_licence(
    client: TestClient, as_user: Any, runtime: Any
) -> None:
    number, accepted = _accepted(client, as_user)
    assert accepted["state"] == "open" and accepted["outstanding"] == [MISSING]
    assert accepted["due_label"] == "2025-09-23"  # 1 working day, the promised limit too
    assert "PDF" in accepted["materials"][0]["form"]
    results = client.get(f"{API}/cases/{number}/results", headers=as_user("minfeng")).json()
    notice = next(r for r in results if r["kind"] == "deficiency_notice")
    assert re.fullmatch(r"SCJG容缺〔2025〕\d{6}号", notice["number"])  # 文号 of the department
    run_worker(client)  # prints it, sealed, with its QR code to /documents/verify
    pdf = client.get(f"{API}/results/{notice['id']}/document", headers=as_user("minfeng"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert b"/FontFile2" in pdf.content and b"/documents/verify?n=" in pdf.content

    withheld = _issue(client, as_user, number)  # the commitment decided it; the licence waits
    assert withheld.status_code == 409 and withheld.json()["error"]["code"] == "result_withheld"
    other = upload(client, as_user("minfeng"), number, "FOOD_LAYOUT")
    assert other.status_code == 409  # only what the notice lists
    supplied = upload(client, as_user("minfeng"), number, MISSING)
    assert supplied.status_code == 201, supplied.text
    standing = client.get(f"{API}/cases/{number}/lenient", headers=as_user("minfeng")).json()
    assert standing["deficiency"]["state"] == "supplied"
    assert standing["deficiency"]["outstanding"] == []
    assert _issue(client, as_user, number).status_code == 200
    results = client.get(f"{API}/cases/{number}/results", headers=as_user("minfeng")).json()
    assert any(r["kind"] == "licence" for r in results)
    with runtime.sessions() as session:
        topics = session.scalars(select(OutboxMessage.topic)).all()
    assert "deficiency_notice" in topics and "deficiency_supplied" in topics


def test_a_missed_deadline_ends_the_case_with_a_notice_after_one_reminder(
    client: TestClient, as_user: Any, clock: Clock, runtime: Any
) -> None:
    number, _ = _accepted(client, as_user)
    clock.advance(hours=12)  # 21:00 on the day of acceptance: nothing yet
    assert run_once(runtime)["deficiencies_due"] == []
    clock.advance(hours=12)  # 09:00 on 2025-09-23, the last working day: remind once
    assert run_once(runtime)["deficiencies_due"] == [number]
    assert run_once(runtime)["deficiencies_due"] == []
    clock.advance(hours=15)  # 00:00 on 2025-09-24: the deadline has passed
    assert run_once(runtime)["deficiencies_due"] == [number]
    assert run_once(runtime)["deficiencies_due"] == []  # idempotent
    case = client.get(f"{API}/cases/{number}", headers=as_user("minfeng")).json()
    assert case["state"] == "terminated"
    assert "case.terminate" in timeline_actions(client, as_user("minfeng"), number)
    english = opinions_en(client, as_user("minfeng"), number)["case.terminate"]
    assert english.endswith(
        "were not supplied by the deadline (2025-09-23): the case is terminated."
    )
    results = client.get(f"{API}/cases/{number}/results", headers=as_user("minfeng")).json()
    assert [r["title"] for r in results if r["kind"] == "termination"] == ["终止办理通知书"]
    late = upload(client, as_user("minfeng"), number, MISSING)
    assert late.status_code == 409
    assert client.get(f"{API}/post-checks", headers=as_user("scjg")).json()[0]["state"] == (
        "scheduled"
    )  # the commitment decision stands apart; no licence was issued
    with runtime.sessions() as session:  # the in-app messages (mail and SMS copy them)
        inapp = select(OutboxMessage.topic).where(OutboxMessage.channel == "inapp")
        topics = session.scalars(inapp).all()
    assert topics.count("deficiency_reminder") == 1 and "case_terminated" in topics
    page = client.get(f"/cases/{number}", headers=as_user("minfeng"))
    assert "已终止" in page.text and "逾期未补齐" in page.text


def test_a_bad_credit_record_refuses_the_deficiency_commitment(
    client: TestClient, as_user: Any, db: Session
) -> None:
    credit_record(db, MINFENG_CREDIT, rating="D", dishonest=False)
    number = submitted_without(client, as_user("minfeng"), FOOD, skip={MISSING})
    refused = client.post(
        f"{API}/cases/{number}/deficiency/signature",
        json={"name": "王五"},
        headers=as_user("minfeng"),
    )
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "lenient_refused"
    assert "D级" in refused.json()["error"]["message"]
    accept = client.post(
        f"{API}/cases/{number}/deficiency/accept", json={}, headers=as_user("scjg")
    )
    assert accept.status_code == 409 and accept.json()["error"]["code"] == "lenient_refused"
    assert "不适用容缺受理" in client.get(f"/cases/{number}", headers=as_user("minfeng")).text


def test_before_acceptance_the_missing_material_is_not_taken_by_upload(
    client: TestClient, as_user: Any
) -> None:
    number = _signed(client, as_user)  # submitted: the deficiency opens only at acceptance
    refused = upload(client, as_user("minfeng"), number, MISSING)
    assert refused.status_code == 409 and "容缺受理" in refused.json()["error"]["message"]
