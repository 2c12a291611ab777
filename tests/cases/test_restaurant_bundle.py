"""我要开餐馆 (issue 16): the applicant says whether the restaurant is run as an individual
business (个体工商户) or a company, which decides the registration item, its materials and
its form; the food licence comes after the business licence, as the law requires
(《食品经营许可和备案管理办法》: 先行取得营业执照等合法主体资格), and carries the credit
code registered in the same case, filled in for the applicant, never typed."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.cases.test_situations import _create, _guide, _provide_required
from tests.factories import API, act, open_task
from tests.sharing.conftest import population
from tongban.cases.core.definition import in_order
from tongban.cases.models import Case
from tongban.demo.samples import fill_form, typed_by_a_person
from tongban.licences.models import Licence

__all__ = ["population"]

KCG = "3501-BUNDLE-KCG"
COMPANY, SOLE, FOOD = "3501-SCJG-001", "3501-SCJG-003", "3501-SCJG-002"
ANSWERS = {"licence": "none", "premises": "leased", "agent": "self"}


def test_individual_or_company_decides_the_registration_its_materials_and_form(
    client: TestClient,
) -> None:
    sole = _guide(client, KCG, {**ANSWERS, "operator": "individual"}).json()["definition"]
    company = _guide(client, KCG, {**ANSWERS, "operator": "company"}).json()["definition"]
    assert [i["code"] for i in sole["items"]] == [SOLE, FOOD]
    assert [i["code"] for i in company["items"]] == [COMPANY, FOOD]
    sole_materials = {m["code"] for m in sole["materials"]}
    company_materials = {m["code"] for m in company["materials"]}
    assert {"ARTICLES", "SHAREHOLDER_ID"} <= company_materials - sole_materials
    assert "organization_form" in sole["form"]["properties"]
    assert "shareholders" in company["form"]["properties"]
    assert "shareholders" not in sole["form"]["properties"]
    held = _guide(client, KCG, {**ANSWERS, "licence": "held", "operator": "company"}).json()
    assert [i["code"] for i in held["definition"]["items"]] == [FOOD]
    page = client.get(f"/bundles/{KCG}").text
    assert "以什么形式经营" in page and "个体工商户" in page


def test_unanswered_the_bundle_runs_one_registration_not_both(client: TestClient) -> None:
    """An API client that answers nothing gets the first option, a company, as before the
    question was asked: never a company and an individual business at once."""
    unanswered = client.get(f"{API}/bundles/{KCG}").json()["definition"]
    assert [i["code"] for i in unanswered["items"]] == [COMPANY, FOOD]
    assert "organization_form" not in unanswered["form"]["required"]


def test_the_food_licence_is_issued_after_the_business_licence_under_its_code(
    client: TestClient, as_user: Any, db: Session
) -> None:
    applicant, scjg = as_user("minfeng"), as_user("scjg")
    created = _create(client, applicant, KCG, {**ANSWERS, "operator": "company"})
    assert created.status_code == 201, created.text
    number = created.json()["number"]
    _provide_required(client, applicant, number)
    assert client.post(f"{API}/cases/{number}/submit", headers=applicant).status_code == 200
    assert act(client, scjg, open_task(client, scjg, number, "accept"), "accept").is_success
    review = open_task(client, scjg, number, "review")
    assert review["item_code"] == COMPANY
    assert act(client, scjg, review, "review", outcome="approved", opinion="符合").is_success
    approver = as_user("scjg-hz")
    assert act(
        client, approver, open_task(client, approver, number, "decide"), "approve"
    ).is_success
    assert act(client, scjg, open_task(client, scjg, number, "issue"), "issue").is_success

    db.expire_all()
    case = db.scalar(select(Case).where(Case.number == number))
    assert case is not None
    issued = db.scalars(select(Licence).where(Licence.case_id == case.id).order_by(Licence.id))
    (business, food) = list(issued)
    assert (business.name, food.name) == ("营业执照", "食品经营许可证")
    assert food.holder_code == business.holder_code and len(business.holder_code) == 18
    # the form's code is the one registered here (filled in, whatever was typed before)
    assert case.form_data["credit_code"] == business.holder_code


def test_results_are_issued_prerequisites_first_whatever_the_listed_order() -> None:
    spec = {
        "items": [{"code": FOOD}, {"code": COMPANY}, {"code": "other"}],
        "requires": {FOOD: [COMPANY, SOLE]},
    }
    assert [i["code"] for i in in_order(spec)] == [COMPANY, FOOD, "other"]


@pytest.mark.usefixtures("population")  # the registration's table reads the register
def test_an_individual_business_restaurant_is_decided_on_the_spot_at_acceptance(
    client: TestClient, as_user: Any
) -> None:
    """Found in trial: 我要开餐馆 (告知承诺, "签署承诺书后当场作出许可决定") as an individual
    business waited for an approver after acceptance, and its 秒批 registration never went
    through its rule table. Now the registration is decided by its table and the food
    licence on the commitment when the window accepts; only the issue is left."""
    applicant, scjg = as_user("zhangsan"), as_user("scjg")
    answers = {**ANSWERS, "operator": "individual"}
    spec = _guide(client, KCG, answers).json()["definition"]
    # what the population register fills and locks is left to it; the shop's own scope
    form = typed_by_a_person(spec["form"], fill_form(spec["form"], {"business_scope": "餐饮服务"}))
    body = {"code": KCG, "form_data": form, "situations": answers}
    created = client.post(f"{API}/cases", json=body, headers=applicant)
    assert created.status_code == 201, created.text
    number = created.json()["number"]
    _provide_required(client, applicant, number)
    assert client.post(f"{API}/cases/{number}/submit", headers=applicant).status_code == 200
    assert act(client, scjg, open_task(client, scjg, number, "accept"), "accept").is_success
    case = client.get(f"{API}/cases/{number}", headers=applicant).json()
    assert case["state"] != "in_decision", case["state"]  # nobody left to decide
    tasks = client.get(f"{API}/tasks", headers=as_user("scjg-hz")).json()
    assert all(t["case_number"] != number or t["stage"] != "decide" for t in tasks)
    decision = client.get(f"{API}/cases/{number}/instant", headers=scjg)
    assert decision.status_code == 200, decision.text
    assert decision.json()["outcome"] == "approve"
    assert act(client, scjg, open_task(client, scjg, number, "issue"), "issue").is_success
