"""Every licence type names its real holder: the operator the form names (under its
credit code), the person the form names, or the newborn, never the agent who typed it in
or the account that applied (a 食品经营许可证 applied for by a person for a shop printed
the person's name)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import START
from tests.factories import API, draft, entry
from tests.licences.support import finish, held
from tongban.accounts.enums import UserKind
from tongban.accounts.models import User
from tongban.cases import service as cases
from tongban.cases.models import Case
from tongban.demo.samples import fill_form
from tongban.identifiers import make_credit_code, make_resident_id, validate_credit_code
from tongban.licences.holders import OPERATOR_LICENCES, holder_kind, subject_credit_code
from tongban.licences.issuing import issue_licence
from tongban.licences.types import licence_type

ROOT = Path(__file__).resolve().parents[2]
OPERATOR = "福州恒泰持证测试有限公司"
OPERATOR_CODE = make_credit_code("350103", "MA35HT01")
PERSON = "陈持证"
PERSON_ID = make_resident_id("350104", date(1990, 3, 8), 211)
CHILD = "林小满"
MOTHER_ID = make_resident_id("350105", date(1993, 6, 1), 402)


def _yaml(code: str) -> dict[str, Any]:
    return dict(yaml.safe_load((ROOT / "catalog" / "items" / f"{code}.yaml").read_text("utf-8")))


def _result_items() -> list[tuple[str, str]]:
    """(item code, result name) of every item with a result: each is an e-licence."""
    found = []
    for path in sorted((ROOT / "catalog" / "items").glob("*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        if data["result"]["kind"] != "none" and data["approval_mode"] != "proactive":
            found.append((data["code"], data["result"]["name"]))
    return found


def _issue(
    client: TestClient,
    db: Session,
    headers: dict[str, str],
    code: str,
    answers: dict[str, Any],
    tmp: Path,
) -> Any:
    spec = entry(client, code)
    form = {**fill_form(spec["form"]), **answers}
    form = {k: v for k, v in form.items() if v is not None}
    created = client.post(f"{API}/cases", json={"code": code, "form_data": form}, headers=headers)
    assert created.status_code == 201, created.text
    case = db.scalars(select(Case).where(Case.number == created.json()["number"])).one()
    item = cases.spec_of(db, case)["items"][0]
    return issue_licence(db, case=case, item=item, document=None, now=START)


def _answers(form: dict[str, Any]) -> dict[str, Any]:
    props = form["properties"]
    answers: dict[str, Any] = {}
    for name, value in (
        ("enterprise_name", OPERATOR),
        ("trade_name", OPERATOR),
        ("credit_code", OPERATOR_CODE),
        ("applicant_name", PERSON),
        ("applicant_id_number", PERSON_ID),
        ("child_name", CHILD),
        ("mother_id_number", MOTHER_ID),
    ):
        if name in props:
            answers[name] = value
    return answers


@pytest.mark.parametrize(("code", "licence_name"), _result_items())
def test_each_licence_type_prints_its_real_holder_and_code(
    client: TestClient,
    db: Session,
    as_user: Any,
    tmp_path: Path,
    code: str,
    licence_name: str,
) -> None:
    spec = entry(client, code)
    answers = _answers(spec["form"])
    subjects = _yaml(code)["subject"]
    applicant = "minfeng" if "person" not in subjects else "zhangsan"  # never the holder
    licence = _issue(client, db, as_user(applicant), code, answers, tmp_path)
    kind = holder_kind(licence_name, answers)
    rows = dict(licence.fields["rows"])
    shown = list(rows.values())
    if kind == "operator":
        assert licence.holder_name == OPERATOR, (code, licence.holder_name)
        assert licence.holder_code_type == "credit_code"
        if spec["code"] in ("3501-SCJG-001", "3501-SCJG-003"):  # registered now: a new code
            validate_credit_code(licence.holder_code)
            assert licence.holder_code != OPERATOR_CODE
        else:
            assert licence.holder_code == OPERATOR_CODE
    elif kind == "newborn":
        assert (licence.holder_name, licence.holder_code) == (CHILD, MOTHER_ID)
        assert rows["监护人公民身份号码"] == MOTHER_ID
    else:
        assert (licence.holder_name, licence.holder_code) == (PERSON, PERSON_ID)
        assert licence.holder_code_type == "resident_id"
    assert licence.holder_name in shown
    assert licence.holder_code in shown or licence.number == licence.holder_code
    for agent in ("张三", "王五", "福州闽丰餐饮管理有限公司"):
        assert agent not in shown, (code, agent, rows)


def test_a_person_applying_for_a_shop_gets_the_shops_licence_not_their_own(
    client: TestClient, db: Session, as_user: Any, tmp_path: Path
) -> None:
    """The fault as found: 食品经营许可证 applied for by a person for a shop with no credit
    code on the form printed the person (the agent) as 经营者. A sole trader's shop (no
    公司 in its name) carries the responsible person's ID number, as the national format
    allows."""
    shop = "鼓楼区恒泰小吃店"
    answers = {"enterprise_name": shop, "credit_code": None, "applicant_name": "张三"}
    licence = _issue(client, db, as_user("zhangsan"), "3501-SCJG-002", answers, tmp_path)
    rows = dict(licence.fields["rows"])
    assert licence.holder_name == shop == rows["经营者名称"]
    assert rows["社会信用代码（身份证号码）"] == licence.holder_code


def _food_case(client: TestClient, headers: dict[str, str], code: str | None) -> str:
    """A complete draft of 食品经营许可 for the company ``OPERATOR``, with ``code`` or none."""
    spec = entry(client, "3501-SCJG-002")
    form = {**fill_form(spec["form"]), "enterprise_name": OPERATOR, "credit_code": code}
    form = {k: v for k, v in form.items() if v is not None}
    number = draft(client, headers, "3501-SCJG-002")["number"]
    saved = client.patch(f"{API}/cases/{number}", json={"form_data": form}, headers=headers)
    assert saved.status_code == 200, saved.text
    return str(number)


def test_a_companys_licence_carries_its_credit_code_never_the_applying_persons_id(
    client: TestClient, as_user: Any
) -> None:
    """The demo's 食品经营许可证 of a person's 有限公司 carried the person's ID number as the
    holder code: a company always has a credit code (GB 32100). A case naming a company
    without its code is refused at submission, saying what to enter; with the code, the
    licence names the company by it."""
    zhangsan = as_user("zhangsan")
    number = _food_case(client, zhangsan, None)
    refused = client.post(f"{API}/cases/{number}/submit", headers=zhangsan)
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert (error["code"], error["field"]) == ("company_without_code", "credit_code")
    assert f"“{OPERATOR}”是公司，不是个体工商户" in error["message"]
    assert "统一社会信用代码" in error["message"]
    english = client.post(
        f"{API}/cases/{number}/submit", headers={**zhangsan, "Accept-Language": "en"}
    ).json()["error"]["message"]
    assert "not as an individual business" in english and "credit code" in english
    number = _food_case(client, zhangsan, OPERATOR_CODE)
    assert client.post(f"{API}/cases/{number}/submit", headers=zhangsan).status_code == 200
    finish(client, as_user("scjg"), as_user("scjg-hz"), number=number)
    results = client.get(f"{API}/cases/{number}/results", headers=zhangsan).json()
    licence = next(r for r in results if r["kind"] == "licence")
    theirs = held(client, zhangsan, licence["number"])
    assert theirs["holder_name"] == OPERATOR and theirs["holder_code"] == OPERATOR_CODE


def test_every_licence_type_of_the_catalog_has_a_holder_rule() -> None:
    names = {name for _code, name in _result_items()}
    operators = {name for name in names if holder_kind(name, {}) == "operator"}
    assert operators <= OPERATOR_LICENCES
    assert {"营业执照", "食品经营许可证", "排污许可证", "清税证明"} <= operators


def test_a_result_of_an_item_only_businesses_apply_for_belongs_to_the_business() -> None:
    """The 印章刻制备案回执, 数电发票总额度 notice and 社保登记 of 企业开办 named the person who applied."""
    for code, name in _result_items():
        if _yaml(code)["subject"] == ["enterprise"]:
            assert holder_kind(name, {}) == "operator", (code, name)
    assert licence_type("印章刻制备案回执").type_code.endswith("006")  # 公安部's, not a demo one


def test_shared_data_about_an_operator_is_asked_only_for_the_accounts_own_verified_code() -> None:
    """Found after real-name verification landed: for anything but a founding, the code
    the form carried was the one the case's shared data (and an instant approval's rules)
    were asked about, so an account could be decided on another company's records."""
    spec = {"items": [{"result": {"kind": "licence", "name": "食品经营许可证"}}]}
    own, other = make_credit_code("350102", "MA2XQ1K7"), make_credit_code("350104", "MA77BG95")
    company = User(kind=UserKind.enterprise, credit_code=own, identity_verified_at=START)
    assert subject_credit_code(spec, {"credit_code": other}, company) == (False, own)
    assert subject_credit_code(spec, {"credit_code": own}, company) == (False, own)
    company.identity_verified_at = None
    assert subject_credit_code(spec, {"credit_code": own}, company) == (False, None)
