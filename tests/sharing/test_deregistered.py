"""An enterprise struck off the register (准予注销登记通知书) ends: its licences are
cancelled and say so to anyone verifying them, it is neither deregistered again nor
granted anything, and its register record no longer proves a 营业执照 (trial10, fault 1)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import API, opinions_en
from tests.licences.support import FOOD, finish
from tests.sharing.conftest import MINFENG_CREDIT
from tests.sharing.test_registering import _draft

DEREGISTER = "3501-SCJG-004"
MINFENG = {"credit_code": MINFENG_CREDIT}


def _submitted(client: TestClient, headers: dict[str, str], code: str) -> Any:
    case = _draft(client, headers, code, MINFENG)
    return client.post(f"{API}/cases/{case['number']}/submit", headers=headers)


def test_a_struck_off_company_holds_no_valid_licence_and_is_granted_nothing_more(
    client: TestClient, as_user: Any, population: dict[str, int]
) -> None:
    headers = as_user("minfeng")
    permit = _submitted(client, headers, FOOD)
    assert permit.status_code == 200, permit.text
    finish(client, as_user("scjg"), as_user("scjg-hz"), number=permit.json()["number"])
    results = client.get(f"{API}/cases/{permit.json()['number']}/results", headers=headers)
    food = next(r for r in results.json() if r["kind"] == "licence")
    verify = client.get(f"{API}/licences/verify", params={"q": food["number"]})
    assert verify.json()["verdict"] == "valid"
    submitted = _submitted(client, headers, DEREGISTER)
    assert submitted.status_code == 200, submitted.text
    finish(client, as_user("scjg"), as_user("scjg-hz"), number=submitted.json()["number"])
    assert (
        client.get(f"{API}/cases/{submitted.json()['number']}", headers=headers).json()["state"]
        == "completed"
    )

    verify = client.get(f"{API}/licences/verify", params={"q": food["number"]}).json()
    assert verify["verdict"] == "cancelled"
    mine = client.get(f"{API}/licences", headers=headers).json()
    statuses = {item["name"]: item["status"] for item in mine}
    assert statuses["食品经营许可证"] == "cancelled"
    assert statuses["准予注销登记通知书"] == "valid"  # the notice itself stands
    english = opinions_en(client, headers, permit.json()["number"])["licence.cancelled"]
    assert english.startswith(
        f"The enterprise's registration was cancelled (case {submitted.json()['number']}"
    )

    again = _submitted(client, headers, DEREGISTER)
    assert again.status_code == 409, again.text
    error = again.json()["error"]
    assert error["code"] == "struck_off" and "已在市场主体登记库中注销登记" in error["message"]
    refused = _submitted(client, headers, FOOD)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "struck_off"
