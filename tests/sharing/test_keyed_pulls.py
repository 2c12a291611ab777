"""Records found by a number the applicant types (a property certificate number), not by
the applicant's own ID: typing the number fills what the register holds, the pull is the
record owner's to see, and a number the register does not hold is said beside the field."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.sharing.conftest import ZHANGSAN_ID
from tests.web.support import SignedIn, csrf
from tongban.pii.service import lookup_key, mask_id
from tongban.sharing import service as sharing
from tongban.sharing.models import DataAccess

QYKB = "3501-BUNDLE-QYKB"
OWNED = f"/apply/{QYKB}?s_premises=owned&s_agent=self&s_seal=now&s_invoice=now&s_staff=now"


def _value(html: str, name: str) -> str:
    found = re.search(
        rf'<input type="text" id="f-{re.escape(name)}" name="[^"]+" value="([^"]*)"', html
    )
    assert found, f"no input {name}"
    return found.group(1)


def test_typing_ones_own_certificate_number_after_the_address_fills_it_from_the_register(
    signed_in: SignedIn, db: Session, population: dict
) -> None:
    """The address typed first is replaced by the register's (locked), the number is kept
    and the proof of title is pulled, not asked as an upload."""
    premises = sharing.lookup(db, code="real_estate", key=ZHANGSAN_ID).record
    assert premises is not None
    client = signed_in("zhangsan")
    typed = {
        "registered_address": "福建省福州市鼓楼区五一路1号",
        "property_cert_number": premises["property_cert_number"],
        "intent": "save",
    }
    saved = client.post(OWNED, data={**typed, "csrf_token": csrf(client.get(OWNED).text)})
    assert saved.status_code == 200 and "/edit" in str(saved.url), saved.text[-1500:]
    page = saved.text
    assert "不能修改" not in page
    assert _value(page, "property_cert_number") == premises["property_cert_number"]
    assert _value(page, "registered_address") == premises["property_location"]
    proof = re.search(r'id="material-PREMISES_PROOF".*?</div>', page, re.S)
    assert proof and "已从不动产登记簿调取核验，无需上传" in proof.group(0)


LISI_ID = "350103197109051124"


def _lisis_property(db: Session) -> dict:
    """A property 李四 owns (the synthetic population of the tests gives her one)."""
    records = sharing.all_records(db, code="real_estate_certificate").values()
    owned = [r for r in records if r.get("owner_id_number") == LISI_ID]
    assert owned
    return owned[0]


def test_a_pull_of_someone_elses_property_is_logged_for_its_owner_only(
    client,
    as_user,
    db: Session,
    population: dict,
    signed_in: SignedIn,  # type: ignore[no-untyped-def]
) -> None:
    """张三 types the landlord's certificate number: the pull is the owner's to see on
    their profile, not 张三's (whose own identity pulls stay his)."""
    estate = _lisis_property(db)
    number, owner = estate["property_cert_number"], estate["owner_id_number"]
    headers = as_user("zhangsan")
    created = client.post(
        "/api/v1/cases",
        json={"code": QYKB, "form_data": {"property_cert_number": number}},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    rows = [r for r in db.scalars(select(DataAccess)) if r.source == "real_estate_certificate"]
    assert rows and {r.subject_key for r in rows} == {lookup_key(owner)}
    people = {r.subject_key for r in db.scalars(select(DataAccess)) if r.source == "population"}
    assert people == {lookup_key(ZHANGSAN_ID)}
    shown = f">{mask_id(number)}</td>"
    assert shown not in signed_in("zhangsan").get("/my/profile").text
    assert shown in signed_in("lisi").get("/my/profile").text
