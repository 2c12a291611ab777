"""Fees paid before issue (不动产登记费): ordered at the decision from the form's answers;
the result waits, the issue stage's clock standing still, until the fee arrives."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tests.factories import API, act, answer_verifications, draft, open_task
from tests.payments.helpers import orders, pay
from tongban.cases.enums import PauseReason
from tongban.cases.models import Case
from tongban.web.runtime import Runtime

HOME = "3501-ZRZY-001"


def test_the_result_waits_for_the_fee_computed_from_the_form(
    client: TestClient, as_user: Any, runtime: Runtime, clock: Clock, db: Session
) -> None:
    applicant = as_user("zhangsan")
    zrzy, sw, approver = as_user("zrzy"), as_user("sw"), as_user("zrzy-hz")
    case = draft(client, applicant, HOME)
    form = {**case["form_data"], "property_use": "住宅", "extra_certificates": 1}
    patched = client.patch(
        f"{API}/cases/{case['number']}", json={"form_data": form}, headers=applicant
    )
    assert patched.status_code == 200, patched.text
    number = case["number"]
    assert client.post(f"{API}/cases/{number}/submit", headers=applicant).status_code == 200
    assert orders(client, applicant, number) == []  # nothing to pay before the decision
    assert act(client, zrzy, open_task(client, zrzy, number, "accept"), "accept").status_code == 200
    for staff in (zrzy, sw):
        review = open_task(client, staff, number, "review")
        answer_verifications(client, review)  # its 协查 answered first
        assert (
            act(client, staff, review, "review", outcome="approved", opinion="同意").status_code
            == 200
        )
    decided = act(client, approver, open_task(client, approver, number, "decide"), "approve")
    assert decided.status_code == 200 and decided.json()["state"] == "issuing"

    [order] = orders(client, applicant, number)
    assert order["when"] == "before_issue" and order["amount"] == "90.00"  # 80 + one extra book
    row = db.scalar(select(Case).where(Case.number == number))
    assert row is not None
    assert [p.reason for p in row.pauses if p.ended_at is None] == [PauseReason.payment]
    withheld = act(client, zrzy, open_task(client, zrzy, number, "issue"), "issue")
    assert withheld.status_code == 409 and withheld.json()["error"]["code"] == "result_withheld"

    pay(client, runtime, applicant, number, clock.now)
    issued = act(client, zrzy, open_task(client, zrzy, number, "issue"), "issue")
    assert issued.status_code == 200, issued.text
