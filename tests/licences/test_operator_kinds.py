"""Whether an operator licence may name its holder by the applying person's ID number is
decided by the operator's kind of market entity (市场主体类型): only a 个体工商户 may. The
check looked for 公司 in the name, so a 合伙企业, a 个人独资企业 or a 农民专业合作社 named
without its credit code got a licence on a person's ID number. The enterprise register
(or the name reservations) says the kind; a name no source holds, the organisational form
it states."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import START
from tests.factories import API, draft, entry
from tongban.demo.samples import fill_form
from tongban.identifiers import make_credit_code
from tongban.sharing.models import SourceRecord

FOOD = "3501-SCJG-002"  # 食品经营许可: an operator licence


def _submitted(client: TestClient, headers: dict[str, str], name: str) -> Any:
    """Submit a complete 食品经营许可 for the operator ``name``, without a credit code."""
    form = {**fill_form(entry(client, FOOD)["form"]), "enterprise_name": name}
    form = {k: v for k, v in form.items() if v is not None and k != "credit_code"}
    number = draft(client, headers, FOOD)["number"]
    saved = client.patch(f"{API}/cases/{number}", json={"form_data": form}, headers=headers)
    assert saved.status_code == 200, saved.text
    return client.post(f"{API}/cases/{number}/submit", headers=headers)


def _registered(db: Session, name: str, kind: str, serial: str) -> None:
    code = make_credit_code("350121", serial)
    data = {"credit_code": code, "name": name, "enterprise_type": kind}
    db.add(SourceRecord(source="enterprise_register", key=code, data=data, updated_at=START))
    db.flush()


@pytest.mark.parametrize(
    ("name", "kind"),
    [("福州恒泰餐饮合伙企业", "合伙企业"), ("福州恒泰小吃个人独资企业", "个人独资企业")],
)
def test_an_enterprise_named_by_its_form_needs_its_code_whatever_its_kind(
    client: TestClient, as_user: Any, name: str, kind: str
) -> None:
    refused = _submitted(client, as_user("zhangsan"), name)
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert (error["code"], error["field"]) == ("company_without_code", "credit_code")
    assert f"“{name}”是{kind}，不是个体工商户" in error["message"]


def test_the_register_says_the_kind_not_the_name(
    client: TestClient, as_user: Any, db: Session
) -> None:
    """A cooperative whose name states no form at all is still one in the register."""
    _registered(db, "闽侯绿源果蔬", "农民专业合作社", "MA35LY01")
    _registered(db, "鼓楼区恒泰公司小吃店", "个体工商户", "MA35HT02")
    refused = _submitted(client, as_user("zhangsan"), "闽侯绿源果蔬")
    assert refused.status_code == 422 and "是农民专业合作社" in refused.json()["error"]["message"]
    sole = _submitted(client, as_user("zhangsan"), "鼓楼区恒泰公司小吃店")
    assert sole.status_code == 200, sole.text  # 公司 in a sole trader's shop name decides nothing
