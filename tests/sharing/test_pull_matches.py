"""A pull counts as verification only for the person or property the form means (trial10,
faults 2 and 3): a number typed beside a name verifies only under that name (and a draft
answers no yes/no about someone's number), and a property certificate typed in the form
verifies, and fills the address, only when its owner is the applicant's own."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session

from tests.conftest import START
from tests.factories import account_of
from tests.sharing.conftest import ZHANGSAN_ID
from tests.sharing.test_keyed_pulls import OWNED, _value
from tests.sharing.test_material_subjects import _material
from tests.web.support import SignedIn, csrf
from tongban.accounts.models import User
from tongban.cases.materials.registry import Provided, Unavailable
from tongban.cases.models import Case
from tongban.catalog import service as catalog
from tongban.sharing import materials
from tongban.sharing import service as sharing

NOT_IN_REGISTER = "110101199003076616"  # a valid number the synthetic register does not hold


def _provide(db: Session, applicant: User, form: dict[str, Any], material: dict[str, Any]) -> Any:
    """The material as a 企业设立登记 draft of ``applicant`` with ``form`` would have it."""
    version = catalog.get_entry(db, code="3501-SCJG-001").current_version
    assert version is not None
    case = Case(
        number="TB-TEST-1", applicant_id=applicant.id, form_data=form, catalog_version_id=version.id
    )
    return materials.provide(db, case=case, material=material, now=START)


def _shareholder(name: str, number: str) -> dict[str, Any]:
    return {"shareholders": [{"name": name, "id_number": number}]}


def test_a_shareholders_number_verifies_only_under_the_name_typed_beside_it(
    db: Session, population: dict[str, int]
) -> None:
    person = sharing.lookup(db, code="population", key=ZHANGSAN_ID).record
    assert person is not None
    proof = _material(db, "3501-SCJG-001", "SHAREHOLDER_ID")
    lisi = account_of(db, "lisi")
    right = _provide(db, lisi, _shareholder(person["name"], ZHANGSAN_ID), proof)
    assert isinstance(right, Provided), right
    wrong = _provide(db, lisi, _shareholder("王八", ZHANGSAN_ID), proof)
    assert isinstance(wrong, Unavailable), wrong
    assert "没有与所填姓名（名称）一致的这个公民身份号码" in wrong.reason_zh
    assert wrong.field == "shareholders"
    unknown = _provide(db, lisi, _shareholder("王八", NOT_IN_REGISTER), proof)
    assert isinstance(unknown, Unavailable)
    assert unknown.reason_zh == wrong.reason_zh  # no yes/no about the number


def test_someone_elses_certificate_number_neither_fills_the_address_nor_verifies(
    signed_in: SignedIn, db: Session, population: dict[str, int]
) -> None:
    premises = sharing.lookup(db, code="real_estate", key=ZHANGSAN_ID).record
    assert premises is not None
    client = signed_in("lisi")
    typed = {"property_cert_number": premises["property_cert_number"], "intent": "save"}
    saved = client.post(OWNED, data={**typed, "csrf_token": csrf(client.get(OWNED).text)})
    assert saved.status_code == 200 and "/edit" in str(saved.url), saved.text[-1500:]
    page = saved.text
    assert premises["property_location"] not in page
    assert _value(page, "registered_address") == ""
    assert "权利人不是您（或所办企业）" in page
    proof = re.search(r'id="material-PREMISES_PROOF".*?</div>', page, re.S)
    assert proof and "已从不动产登记簿调取核验" not in proof.group(0)


def test_the_access_log_names_materials_not_their_codes_and_stacks_on_a_phone(
    client: Any, as_user: Any, signed_in: SignedIn, db: Session, population: dict[str, int]
) -> None:
    """trial10, faults 10 and 11: 读取的数据项 showed ``LEGAL_REP_ID``, ``ID_CARD``; the
    table crushed on a phone."""
    from tests.sharing.test_once_and_feeding import _founding, _submit

    case = _founding(client, as_user)
    assert _submit(client, as_user, case["number"]).status_code == 200
    page = signed_in("zhangsan").get("/my/profile").text
    log = page[page.index('id="access-log"') :]
    assert "LEGAL_REP_ID" not in log and "法定代表人(负责人)居民身份证" in log
    assert '<table class="stack">' in log and 'data-label="读取的数据项"' in log


def test_a_number_typed_into_a_draft_is_in_its_owners_log_from_that_save(
    client: Any, as_user: Any, db: Session, population: dict[str, int]
) -> None:
    """trial10, fault 3: a shareholder's ID typed into a draft was checked at once, but
    the person saw nothing in their log until (unless) the case was submitted."""
    from tests.factories import API, find_code

    person = sharing.lookup(db, code="population", key=ZHANGSAN_ID).record
    assert person is not None
    code = find_code(client, "企业开办", bundle=True)
    form = _shareholder(person["name"], ZHANGSAN_ID)
    made = client.post(
        f"{API}/cases", json={"code": code, "form_data": form}, headers=as_user("lisi")
    )
    assert made.status_code == 201, made.text
    again = client.patch(
        f"{API}/cases/{made.json()['number']}", json={"form_data": form}, headers=as_user("lisi")
    )
    assert again.status_code == 200, again.text
    log = client.get(f"{API}/profiles/me", headers=as_user("zhangsan")).json()[0]["accesses"]
    read = [row for row in log if made.json()["number"] in row["purpose"]]
    assert [row["fields"] for row in read if row["source"] == "population"] == [["SHAREHOLDER_ID"]]


def test_a_number_found_under_another_name_is_in_its_owners_log_too(
    client: Any, as_user: Any, db: Session, population: dict[str, int]
) -> None:
    """trial10, left open: a lookup that found 张三's record by his number but failed the
    name typed beside it (王八) was read to say so, yet 张三's log did not show it."""
    from tests.factories import API, find_code

    code = find_code(client, "企业开办", bundle=True)
    form = _shareholder("王八", ZHANGSAN_ID)
    made = client.post(
        f"{API}/cases", json={"code": code, "form_data": form}, headers=as_user("lisi")
    )
    assert made.status_code == 201, made.text
    number = made.json()["number"]
    log = client.get(f"{API}/profiles/me", headers=as_user("zhangsan")).json()[0]["accesses"]
    read = [row for row in log if number in row["purpose"]]
    assert [(row["source"], row["fields"], row["outcome"]) for row in read] == [
        ("population", ["SHAREHOLDER_ID"], "mismatch")
    ]
    assert "记录与所填姓名（或权利人）不符，未予核验" in read[0]["purpose"]
    assert read[0]["actor"] == "李四"
    unknown = client.post(
        f"{API}/cases",
        json={"code": code, "form_data": _shareholder("王八", NOT_IN_REGISTER)},
        headers=as_user("lisi"),
    )
    assert unknown.status_code == 201, unknown.text
    assert (
        client.get(f"{API}/profiles/me", headers=as_user("zhangsan")).json()[0]["accesses"] == log
    )  # a number the register does not hold is nobody's record: nothing more
