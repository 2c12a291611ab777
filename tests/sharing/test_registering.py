"""A registration's carried credit code against the enterprise register: a founding that
carries another company's code gets a code of its own and leaves that company's record as
it was; a form naming another company under its code is refused; 换发 by the company
itself keeps its number and is not refused by its own name; the used-once name check is
one indexed query."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import START
from tests.factories import API, entry, find_code, sign, upload
from tests.licences.support import finish
from tests.sharing.conftest import MINFENG_CREDIT
from tests.sharing.test_once_and_feeding import STAFF, _reserved
from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.demo.samples import fill_form
from tongban.errors import Conflict
from tongban.identifiers import validate_credit_code, validate_licence_identifier
from tongban.pii.keys import KEYRING
from tongban.sharing import once
from tongban.sharing import service as sharing

MINFENG = "福州闽丰餐饮管理有限公司"
MINFENG_REP = "350104197812302577"


def _draft(
    client: TestClient, headers: dict[str, str], code: str, answers: dict[str, Any]
) -> dict[str, Any]:
    """A draft of ``code`` with the pulled fields kept and ``answers`` given; every required
    material signed or uploaded."""
    spec = entry(client, code)
    created = client.post(f"{API}/cases", json={"code": code, "form_data": {}}, headers=headers)
    assert created.status_code == 201, created.text
    case = dict(created.json())
    pulled = {k: v for k, v in case["form_data"].items() if v not in (None, "")}
    form = {**fill_form(spec["form"]), **pulled, **answers}
    saved = client.patch(f"{API}/cases/{case['number']}", json={"form_data": form}, headers=headers)
    assert saved.status_code == 200, saved.text
    for material in spec["materials"]:
        ways = material.get("ways") or ["upload"]
        if material["required"] and "signed" in ways:
            sign(client, headers, case["number"], material["code"])
        if material["required"] and "upload" in ways:
            kind = (material.get("formats") or ["pdf"])[0]
            sent = upload(client, headers, case["number"], material["code"], kind=kind)
            assert sent.status_code == 201, sent.text
    return dict(saved.json())


def _retype(db: Session, number: str, **answers: Any) -> Case:
    case = db.scalars(select(Case).where(Case.number == number)).one()
    case.form_data = {**case.form_data, **answers}
    db.commit()
    return case


def _licence(client: TestClient, headers: dict[str, str], number: str) -> dict[str, Any]:
    results = client.get(f"{API}/cases/{number}/results", headers=headers).json()
    return next(r for r in results if r["title"] == "营业执照")


def test_a_founding_carrying_another_companys_code_gets_its_own_and_leaves_that_one(
    client: TestClient, as_user: Any, db: Session, population: dict[str, int]
) -> None:
    name = _reserved(db)
    bundle = find_code(client, "企业开办", bundle=True)
    headers = as_user("zhangsan")
    case = _draft(client, headers, bundle, {"credit_code": MINFENG_CREDIT})
    assert case["form_data"]["enterprise_name"] == name
    sent = client.post(f"{API}/cases/{case['number']}/submit", headers=headers)
    assert sent.status_code == 200, sent.text
    finish(client, *(as_user(user) for user in STAFF), number=case["number"])
    code = _licence(client, headers, case["number"])["number"]
    validate_credit_code(code)
    assert code != MINFENG_CREDIT
    minfeng = sharing.lookup(db, code="enterprise_register", key=MINFENG_CREDIT).record
    assert minfeng is not None and minfeng["name"] == MINFENG
    assert minfeng["legal_rep_id_number"] == MINFENG_REP
    founded = sharing.lookup(db, code="enterprise_register", key=code).record
    assert founded is not None and founded["name"] == name


def test_a_registration_naming_another_company_under_its_code_is_refused(
    client: TestClient, as_user: Any, db: Session, population: dict[str, int]
) -> None:
    """The name is typed where the reservation register did not answer (or set in the
    database, as here): the register's answer decides, not the form."""
    headers = as_user("lisi")
    case = _draft(client, headers, find_code(client, "企业开办", bundle=True), {})
    _retype(db, case["number"], enterprise_name=MINFENG, credit_code=MINFENG_CREDIT)
    refused = client.post(f"{API}/cases/{case['number']}/submit", headers=headers)
    assert refused.status_code == 409, refused.text
    error = refused.json()["error"]
    assert error["code"] == "credit_code_not_held" and error["field"] == "credit_code"
    assert MINFENG_CREDIT in error["message"] and MINFENG in error["message"]
    english = client.post(
        f"{API}/cases/{case['number']}/submit", headers={**headers, "Accept-Language": "en"}
    ).json()["error"]["message"]
    assert "is registered to" in english
    mine = client.get(f"{API}/cases/{case['number']}", headers=headers).json()
    assert mine["state"] == "draft"
    minfeng = sharing.lookup(db, code="enterprise_register", key=MINFENG_CREDIT).record
    assert minfeng is not None and minfeng["name"] == MINFENG


def test_the_company_itself_is_reissued_under_its_number_twice(
    client: TestClient, as_user: Any, db: Session, population: dict[str, int]
) -> None:
    """换发: minfeng's own name under its own code is not 'used' by another holder (the
    item's form has no code field: set in the database, as a department system would)."""
    headers = as_user("minfeng")
    for _ in range(2):
        case = _draft(client, headers, "3501-SCJG-001", {})
        _retype(db, case["number"], enterprise_name=MINFENG, credit_code=MINFENG_CREDIT)
        sent = client.post(f"{API}/cases/{case['number']}/submit", headers=headers)
        assert sent.status_code == 200, sent.text
        finish(client, as_user("scjg"), as_user("scjg-hz"), number=case["number"])
        assert _licence(client, headers, case["number"])["number"] == MINFENG_CREDIT
    licences = client.get(f"{API}/licences", headers=headers).json()
    found = [
        validate_licence_identifier(i["identifier"])
        for i in licences
        if i["number"] == MINFENG_CREDIT
    ]
    assert sorted(identifier.version for identifier in found) == ["001", "002"]
    minfeng = sharing.lookup(db, code="enterprise_register", key=MINFENG_CREDIT).record
    assert minfeng is not None and minfeng["name"] == MINFENG


def test_a_reissue_changes_what_it_registers_and_never_the_date_of_establishment(
    client: TestClient, as_user: Any, db: Session, population: dict[str, int]
) -> None:
    """Fault: every 营业执照 wrote its own issue date into the register as 成立日期, so a
    换发 (and each simulated issue) made minfeng a company founded today, and a benefit
    for companies founded within the last 12 months (3501-RS-006) found it. The date of
    establishment stays the first one; the 住所 and 注册资本 the new licence registers
    replace the old ones."""
    headers = as_user("minfeng")
    before = sharing.lookup(db, code="enterprise_register", key=MINFENG_CREDIT).record
    assert before is not None and before["established_on"]
    case = _draft(client, headers, "3501-SCJG-001", {})
    moved = {"registered_address": "福州市台江区工业路 88 号", "registered_capital": 250}
    _retype(db, case["number"], enterprise_name=MINFENG, credit_code=MINFENG_CREDIT, **moved)
    sent = client.post(f"{API}/cases/{case['number']}/submit", headers=headers)
    assert sent.status_code == 200, sent.text
    finish(client, as_user("scjg"), as_user("scjg-hz"), number=case["number"])
    assert _licence(client, headers, case["number"])["number"] == MINFENG_CREDIT
    db.expire_all()
    after = sharing.lookup(db, code="enterprise_register", key=MINFENG_CREDIT).record
    assert after is not None
    assert after["established_on"] == before["established_on"]
    assert after["registered_address"] == moved["registered_address"]
    assert after["registered_capital"] == moved["registered_capital"]


def test_an_unverified_account_typing_the_companys_code_is_refused(
    client: TestClient, as_user: Any, db: Session, population: dict[str, int]
) -> None:
    """Found after real-name verification landed: the 换发 rule compared the code with the
    number the account typed at sign-up, so an account never verified that typed minfeng's
    code could re-issue minfeng's licence."""
    headers = as_user("minfeng")
    minfeng = db.scalar(select(User).where(User.username == "minfeng"))
    assert minfeng is not None
    minfeng.identity_verified_at = None
    db.commit()
    case = _draft(client, headers, "3501-SCJG-001", {})
    _retype(db, case["number"], enterprise_name=MINFENG, credit_code=MINFENG_CREDIT)
    refused = client.post(f"{API}/cases/{case['number']}/submit", headers=headers)
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"]["code"] == "credit_code_not_held"


def test_the_used_once_name_check_opens_only_the_records_of_that_name(
    client: TestClient,
    as_user: Any,
    db: Session,
    population: dict[str, int],
    monkeypatch: Any,
) -> None:
    assert population["enterprise_register"] >= 20
    bundle = find_code(client, "企业开办", bundle=True)
    case = _draft(client, as_user("lisi"), bundle, {})
    opened: list[str] = []
    real = KEYRING.open

    def counting(token: str, *, purpose: str, dialect: Any) -> bytes:
        if purpose == "source_records.data":
            opened.append(purpose)
        return real(token, purpose=purpose, dialect=dialect)

    monkeypatch.setattr(KEYRING, "open", counting)
    fresh = _retype(db, case["number"], enterprise_name="福州从未登记过的名称有限公司")
    once.claim(db, case=fresh, now=START)
    # a free name: at most the record of the carried credit code (fill_form's), by its key;
    # not the whole register
    assert len(opened) <= 1, len(opened)
    taken = _retype(db, case["number"], enterprise_name=MINFENG)
    with pytest.raises(Conflict, match="already registered"):  # minfeng's: another holder
        once.claim(db, case=taken, now=START)
    assert len(opened) <= 3, len(opened)  # that code's record again, and the one of that name


def _created(client: TestClient, headers: dict[str, str], form: dict[str, Any]) -> Any:
    bundle = find_code(client, "企业开办", bundle=True)
    body = {"code": bundle, "form_data": form}
    created = client.post(f"{API}/cases", json=body, headers=headers)
    assert created.status_code == 201, created.text
    return created.json()["form_data"]


def test_an_enterprise_founding_a_company_is_not_prefilled_with_its_own(
    client: TestClient, as_user: Any, population: dict[str, int]
) -> None:
    form = _created(client, as_user("minfeng"), {})
    assert form.get("enterprise_name") != MINFENG
    assert form.get("credit_code") in (None, "")
    assert form.get("legal_rep_id_number") != MINFENG_REP
    # 换发: the company's own code typed, its own record is pulled
    again = _created(client, as_user("minfeng"), {"credit_code": MINFENG_CREDIT})
    assert again["enterprise_name"] == MINFENG


def test_a_code_typed_for_another_company_pulls_nothing_of_it(
    client: TestClient, as_user: Any, population: dict[str, int]
) -> None:
    form = _created(client, as_user("lisi"), {"credit_code": MINFENG_CREDIT})
    assert form.get("enterprise_name") != MINFENG
    assert form.get("legal_rep_id_number") != MINFENG_REP
