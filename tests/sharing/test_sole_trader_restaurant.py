"""A person opening a restaurant as a 个体工商户 (issue 16's trial, fault 1): the company
name the person reserved (企业名称自主申报库) fills neither the shop's registration nor its
food licence, and the business licence is a 个体工商户's (code 92…, type 个体工商户, the
person as 经营者, the premises as entered), not the reserved company's."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.cases.test_situations import _guide, _provide_required
from tests.licences.support import finish
from tests.sharing.test_once_and_feeding import _reserved
from tongban.cases.models import Case
from tongban.demo.samples import fill_form
from tongban.licences.models import Licence

KCG = "3501-BUNDLE-KCG"
SOLE = {"licence": "none", "operator": "individual", "premises": "leased", "agent": "self"}
SHOP = {
    "trade_name": "鼓楼区张三面馆",
    "enterprise_name": "鼓楼区张三面馆",
    "business_scope": "餐饮服务",
    "premises_address": "福州市鼓楼区东街100号",
    "legal_rep_name": "张三",
}


def test_a_sole_traders_restaurant_is_not_filled_from_a_company_reservation(
    client: TestClient, as_user: Any, db: Session, population: dict[str, int]
) -> None:
    reserved = _reserved(db)
    applicant = as_user("zhangsan")
    spec = _guide(client, KCG, SOLE).json()["definition"]
    blank = client.post(
        "/api/v1/cases", json={"code": KCG, "situations": SOLE, "form_data": {}}, headers=applicant
    )
    assert blank.status_code == 201, blank.text
    number, pulled = blank.json()["number"], blank.json()["form_data"]
    assert reserved not in pulled.values()  # not filled from the reservation, so not locked
    form = {**fill_form(spec["form"]), **{k: v for k, v in pulled.items() if v}, **SHOP}
    saved = client.patch(f"/api/v1/cases/{number}", json={"form_data": form}, headers=applicant)
    assert saved.status_code == 200, saved.text  # own name and scope, not refused
    assert saved.json()["form_data"]["business_scope"] == "餐饮服务"
    _provide_required(client, applicant, number)
    submitted = client.post(f"/api/v1/cases/{number}/submit", headers=applicant)
    assert submitted.status_code == 200, submitted.text
    finish(client, as_user("scjg"), as_user("scjg-hz"), number=number)

    db.expire_all()
    case = db.scalar(select(Case).where(Case.number == number))
    assert case is not None
    issued = db.scalars(select(Licence).where(Licence.case_id == case.id).order_by(Licence.id))
    business, food = list(issued)
    rows = dict(business.fields["rows"])
    assert business.holder_code.startswith("92"), business.holder_code
    assert business.holder_name == "鼓楼区张三面馆" != reserved
    assert rows["类型"] == "个体工商户" and rows["经营范围"] == "餐饮服务"
    assert rows["经营者"] == case.form_data["applicant_name"]
    assert rows["经营场所"] == "福州市鼓楼区东街100号"
    assert (food.holder_name, food.holder_code) == (business.holder_name, business.holder_code)
