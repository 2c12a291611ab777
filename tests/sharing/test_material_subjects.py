"""Whose record a shared-data material is pulled from: the enterprise the form names (only
one the applicant may act for), and a shareholder that is a company from the enterprise
register, not the population register."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import START
from tests.factories import account_of
from tests.sharing.conftest import MINFENG_CREDIT, ZHANGSAN_ID
from tongban.accounts.enums import UserKind
from tongban.accounts.models import User
from tongban.cases.core import prefill
from tongban.cases.materials.registry import Provided, Unavailable
from tongban.cases.models import Case, Material
from tongban.catalog import service as catalog
from tongban.identifiers import make_credit_code
from tongban.pii.service import lookup_key
from tongban.sharing import access, feeding, materials
from tongban.sharing import service as sharing
from tongban.sharing.models import DataAccess


def _material(db: Session, item: str, code: str) -> dict[str, Any]:
    """The material ``code`` of ``item``, with the item's code under ``item`` (the case a
    test provides it to is of that item)."""
    version = catalog.get_entry(db, code=item).current_version
    assert version is not None
    return {**next(m for m in version.definition["materials"] if m["code"] == code), "item": item}


def _provide(db: Session, applicant: User, form: dict[str, Any], material: dict[str, Any]) -> Any:
    """The material as a draft of its item by ``applicant`` with ``form`` would have it."""
    version = catalog.get_entry(db, code=material["item"]).current_version
    assert version is not None
    case = Case(
        number="TB-TEST-1", applicant_id=applicant.id, form_data=form, catalog_version_id=version.id
    )
    return materials.provide(db, case=case, material=material, now=START)


def _other_enterprise(db: Session) -> tuple[str, dict[str, Any]]:
    """An enterprise of the register that is not 闽丰's and whose legal representative is
    not 王五 (闽丰's account holder)."""
    minfeng_rep = sharing.lookup(db, code="enterprise_register", key=MINFENG_CREDIT).record
    assert minfeng_rep is not None
    for code, record in sharing.all_records(db, code="enterprise_register").items():
        if code != MINFENG_CREDIT and record["legal_rep_id_number"] not in (
            minfeng_rep["legal_rep_id_number"],
            ZHANGSAN_ID,
        ):
            return code, record
    raise AssertionError("the synthetic register holds one enterprise only")


def test_a_licence_material_is_pulled_for_the_enterprise_the_form_names_not_the_account(
    db: Session, population: dict[str, int]
) -> None:
    """Found in session 10: 闽丰's account applying for another company pulled 闽丰's own
    营业执照 record as that company's."""
    other, _record = _other_enterprise(db)
    licence = _material(db, "3501-SCJG-005", "BIZ_LICENCE")
    minfeng = account_of(db, "minfeng")
    minfeng.identity_verified_at = START
    own = _provide(db, minfeng, {"credit_code": MINFENG_CREDIT}, licence)
    assert isinstance(own, Provided) and own.detail["keys"] == [MINFENG_CREDIT]
    refused = _provide(db, minfeng, {"credit_code": other}, licence)
    assert isinstance(refused, Unavailable), refused
    assert other in refused.reason_zh and "不能调取该企业的数据" in refused.reason_zh
    assert "let the enterprise" in refused.reason_en


def _representative(db: Session, record: dict[str, Any]) -> User:
    """A verified account of the person the register names as the enterprise's legal
    representative."""
    rep = User(
        username="rep-of-other",
        password_hash="x",
        kind=UserKind.person,
        display_name=record["legal_rep_name"],
        id_number=record["legal_rep_id_number"],
        created_at=START,
        identity_verified_at=START,
    )
    db.add(rep)
    db.flush()
    return rep


def test_the_legal_representative_the_register_names_may_pull_the_enterprises_record(
    db: Session, population: dict[str, int]
) -> None:
    """A person who is an enterprise's legal representative in the register (verified)
    applies for it: the form's code is used (before: the person's account has no code,
    so nothing was pulled); unverified, the register's word is not enough."""
    other, record = _other_enterprise(db)
    rep = _representative(db, record)
    licence = _material(db, "3501-SCJG-005", "BIZ_LICENCE")
    pulled = _provide(db, rep, {"credit_code": other}, licence)
    assert isinstance(pulled, Provided), pulled
    assert pulled.detail["keys"] == [other]
    assert pulled.reference == f"enterprise_register:{lookup_key(other)}"
    rep.identity_verified_at = None
    assert isinstance(_provide(db, rep, {"credit_code": other}, licence), Unavailable)


def test_a_shareholder_that_is_a_company_is_found_in_the_enterprise_register(
    db: Session, population: dict[str, int]
) -> None:
    """Found in session 10: a company shareholder's credit code was looked up in the
    population register, found nowhere, and the founder was asked for an upload."""
    other, record = _other_enterprise(db)
    proof = _material(db, "3501-SCJG-001", "SHAREHOLDER_ID")
    zhangsan = account_of(db, "zhangsan")
    form = {
        "shareholders": [
            {"name": zhangsan.display_name, "id_number": ZHANGSAN_ID},
            {"name": record["name"], "id_number": other},
        ]
    }
    pulled = _provide(db, zhangsan, form, proof)
    assert isinstance(pulled, Provided), pulled
    assert pulled.detail["sources"] == {
        "population": [ZHANGSAN_ID],
        "enterprise_register": [other],
    }
    assert pulled.summary_zh == "已从公安人口库、市场主体登记库调取核验，无需上传"
    assert pulled.reference == (
        f"population:{lookup_key(ZHANGSAN_ID)};enterprise_register:{lookup_key(other)}"
    )
    case = Case(number="TB-TEST-1", applicant_id=zhangsan.id, form_data=form)
    row = Material(material_code="SHAREHOLDER_ID", detail=pulled.detail)
    materials.recorded(db, case=case, material=row, entry=proof, now=START)
    logged = {(r.source, r.subject_key) for r in db.scalars(select(DataAccess))}
    assert logged == {
        ("population", lookup_key(ZHANGSAN_ID)),
        ("enterprise_register", lookup_key(other)),
    }


def test_a_company_shareholder_the_register_does_not_hold_is_asked_for(
    db: Session, population: dict[str, int]
) -> None:
    unknown = make_credit_code("350102", "MA0000Q1")
    proof = _material(db, "3501-SCJG-001", "SHAREHOLDER_ID")
    form = {"shareholders": [{"name": "福州某某贸易有限公司", "id_number": unknown}]}
    missing = _provide(db, account_of(db, "zhangsan"), form, proof)
    assert isinstance(missing, Unavailable)
    assert missing.reason_zh == (
        "市场主体登记库中没有与所填姓名（名称）一致的这个统一社会信用代码，请核对姓名和号码，"
        "或上传“股东(发起人)主体资格证明或自然人身份证件”"
    )
    assert missing.field == "shareholders"


def _prefilled(db: Session, applicant: User, form: dict[str, Any]) -> prefill.Prefill:
    version = catalog.get_entry(db, code="3501-GA-001").current_version  # 公章刻制
    assert version is not None
    request = prefill.FillRequest(
        applicant=applicant,
        actor=applicant,
        spec=version.definition,
        answers=form,
        case=None,
        now=START,
    )
    return prefill.prefill(db, request)


def test_the_form_is_prefilled_for_the_enterprise_it_names_when_the_applicant_acts_for_it(
    db: Session, population: dict[str, int]
) -> None:
    """Form pre-fill follows the material rule: the legal representative the register
    names (verified) gets the named company's fields, locked; anyone else gets the reason
    beside the field and none of its data (before: only the account's own code was asked,
    so the representative got nothing and 闽丰's account got 闽丰's own name)."""
    other, record = _other_enterprise(db)
    rep = _representative(db, record)

    acting = _prefilled(db, rep, {"credit_code": other})
    assert acting.values["enterprise_name"].value == record["name"]
    assert acting.values["enterprise_name"].locked
    assert acting.values["enterprise_name"].label_zh == "来自市场主体登记库"

    minfeng = account_of(db, "minfeng")
    minfeng.identity_verified_at = START
    refused = _prefilled(db, minfeng, {"credit_code": other})
    assert refused.values["enterprise_name"].value != record["name"]  # the account's own
    assert not refused.values["enterprise_name"].locked
    why_zh, why_en = refused.asked_because["enterprise_name"]
    assert other in why_zh and "不能调取该企业的数据" in why_zh
    assert "cannot be pulled" in why_en
    own = _prefilled(db, minfeng, {"credit_code": MINFENG_CREDIT})
    assert own.values["enterprise_name"].value == "福州闽丰餐饮管理有限公司"


def test_a_pull_by_project_code_is_logged_for_the_projects_builder(
    db: Session, population: dict[str, int]
) -> None:
    """Found in session 12: records found by a project code declared no owner, so their
    pulls were logged against the applicant, never seen by the 建设单位. Someone not the
    builder (张三) typing its code verifies nothing (trial10: not their record)."""
    project = "2025-350102-47-01-000123"
    record = {"permit_number": "建字第350102202500123号", "builder_credit_code": MINFENG_CREDIT}
    assert feeding.put_record(db, code="planning_permit", key=project, fields=record, now=START)
    zhangsan = account_of(db, "zhangsan")
    permit = _material(db, "3501-ZJ-001", "PLANNING_PERMIT")
    foreign = _provide(db, zhangsan, {"project_code": project}, permit)
    assert isinstance(foreign, Unavailable) and "不能据此免于提交" in foreign.reason_zh
    minfeng = account_of(db, "minfeng")
    minfeng.identity_verified_at = START
    pulled = _provide(db, minfeng, {"project_code": project}, permit)
    assert isinstance(pulled, Provided), pulled
    assert pulled.detail["owners"] == {project: [MINFENG_CREDIT]}
    case = Case(number="TB-TEST-1", applicant_id=minfeng.id, form_data={})
    row = Material(case_id=case.id, material_code="PLANNING_PERMIT", detail=pulled.detail)
    materials.recorded(db, case=case, material=row, entry=permit, now=START)
    logged = [r for r in db.scalars(select(DataAccess)) if r.source == "planning_permit"]
    assert [r.subject_key for r in logged] == [lookup_key(MINFENG_CREDIT)]
    assert [r.source for r in access.for_subject(db, subject_keys=[MINFENG_CREDIT])] == [
        "planning_permit"
    ]
    assert not access.for_subject(db, subject_keys=[ZHANGSAN_ID])


LISI_ID = "350103197109051124"  # 李四, a demo account: here the seller


def test_a_pull_of_a_contract_filing_is_logged_for_the_buyer_and_the_seller(
    db: Session, population: dict[str, int]
) -> None:
    """A sale's filing (存量房网签备案) names both parties, and a pull reads the seller's
    name, ID number and price too: it was logged for the buyer only, so the seller never
    saw on their profile that their sale had been read."""
    filing = "WQ2025000123"
    record = {"buyer_id_number": ZHANGSAN_ID, "seller_id_number": LISI_ID, "seller_name": "李四"}
    assert feeding.put_record(db, code="housing_transaction", key=filing, fields=record, now=START)
    zhangsan = account_of(db, "zhangsan")
    contract = _material(db, "3501-GJJ-002", "SALE_CONTRACT")
    pulled = _provide(db, zhangsan, {"contract_record_number": filing}, contract)
    assert isinstance(pulled, Provided), pulled
    case = Case(number="TB-TEST-1", applicant_id=zhangsan.id, form_data={})
    row = Material(case_id=case.id, material_code="SALE_CONTRACT", detail=pulled.detail)
    materials.recorded(db, case=case, material=row, entry=contract, now=START)
    logged = [r for r in db.scalars(select(DataAccess)) if r.source == "housing_transaction"]
    assert sorted(r.subject_key for r in logged) == sorted(map(lookup_key, (ZHANGSAN_ID, LISI_ID)))
    for party in (ZHANGSAN_ID, LISI_ID):
        assert [r.source for r in access.for_subject(db, subject_keys=[party])] == [
            "housing_transaction"
        ]
