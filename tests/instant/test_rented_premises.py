"""Rented premises (租赁) need the tenancy contract or the lessor's consent: an individual
business registration (秒批) on rented premises without it is not approved by the rules
(a trial's case got its 营业执照 with no proof of premises at all); it goes to a clerk,
who may accept with deficiencies, which lists the contract on the notice."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import API, sign, upload
from tongban.demo.samples import fill_form

SCJG = "3501-SCJG-003"  # 个体工商户设立登记 (秒批)
RENTED = {"premises": "leased"}
SHOP = {"business_scope": "日用百货零售", "funding_amount": 5, "phone": "13800000001"}


def _submitted(client: TestClient, headers: dict[str, str], *, contract: bool) -> dict[str, Any]:
    """A rented shop's registration, every required material given (the contract only
    with ``contract``); the submit response."""
    spec = client.get(f"{API}/items/{SCJG}", params={"s_premises": "leased"}).json()["definition"]
    body = {"code": SCJG, "form_data": {}, "situations": RENTED}
    created = client.post(f"{API}/cases", json=body, headers=headers)
    assert created.status_code == 201, created.text
    number = created.json()["number"]
    form = {**fill_form(spec["form"], created.json()["form_data"]), **SHOP}
    saved = client.patch(f"{API}/cases/{number}", json={"form_data": form}, headers=headers)
    assert saved.status_code == 200, saved.text
    ways = client.get(f"{API}/cases/{number}/material-ways", headers=headers).json()
    asked = {way["code"]: way for way in ways}
    assert asked["LEASE_CONTRACT"]["required"] and "PREMISES_PROOF" not in asked
    for way in ways:
        if way["code"] == "LEASE_CONTRACT" and not contract:
            continue
        if way["required"] and way["way"] is None:
            if "signed" in way["ways"]:
                sign(client, headers, number, way["code"])
            else:
                assert upload(client, headers, number, way["code"]).status_code == 201
    submitted = client.post(f"{API}/cases/{number}/submit", headers=headers)
    assert submitted.status_code == 200, submitted.text
    return dict(submitted.json())


def test_a_rented_shop_without_the_tenancy_contract_is_not_licensed_by_the_rules(
    client: TestClient,
    as_user: Any,
    population: dict,  # type: ignore[type-arg]
) -> None:
    applicant = as_user("zhangsan")
    case = _submitted(client, applicant, contract=False)
    assert case["state"] == "submitted"
    assert client.get(f"{API}/licences", headers=applicant).json() == []
    decision = client.get(f"{API}/cases/{case['number']}/instant", headers=as_user("scjg")).json()
    assert decision["outcome"] == "to_person"
    assert "房屋租赁合同" in decision["reason"] and "容缺受理" in decision["reason"]
    letter = client.get(f"{API}/cases/{case['number']}/deficiency/letter", headers=applicant)
    assert letter.status_code == 200, letter.text
    assert letter.json()["materials"] == ["LEASE_CONTRACT"]


def test_a_rented_shop_with_its_contract_is_licensed_at_once(
    client: TestClient,
    as_user: Any,
    population: dict,  # type: ignore[type-arg]
) -> None:
    applicant = as_user("zhangsan")
    case = _submitted(client, applicant, contract=True)
    assert case["state"] == "completed"
    assert [lic["name"] for lic in client.get(f"{API}/licences", headers=applicant).json()] == [
        "营业执照"
    ]
