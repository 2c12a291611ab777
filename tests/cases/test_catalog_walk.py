"""Every item and bundle of the demo catalog, as a draft of a real applicant: no material
whose guide promises it need not be submitted (免于提交, 自动生成, 在线签署 …) is asked as an
upload, except as the fallback the page explains when the ways before it cannot serve.

Ways whose provider another domain registers (e-licences, shared data) answer only where
that domain is installed; where none is registered yet, the fallback is the declared one
and the page says why. Ways this platform keeps itself (generated, signed, verified) never
fall back for a promise; a 协查 only where the issuer handles the case itself (its own
register is then a shared source); a held e-licence only for an applicant who holds none
(the promise is "已有电子证照的，免于提交").
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from tongban.accounts import service as accounts
from tongban.cases import service as cases
from tongban.cases.materials import registry
from tongban.catalog import service as catalog
from tongban.catalog import ways
from tongban.catalog.enums import MaterialWay
from tongban.catalog.service import subjects as subjects_of
from tongban.demo.samples import fill_form

NOW = datetime(2025, 11, 3, 2, 0, tzinfo=UTC)
OWN_WAYS = {MaterialWay.generated, MaterialWay.signed}
SAME_DEPARTMENT = "签发部门即办理部门，无需协查"  # a 协查 of a department with itself
# the shared way is served, but this database holds no synthetic population: no record,
# nor a legal representative who would let the account act for the enterprise the sample
# form names
NO_SHARED_RECORD = (
    "中没有查到",
    "中没有这个",
    "中没有与所填姓名",  # a generated name is not the register's for that number
    "不能调取该企业的数据",
)


def test_no_promised_material_of_the_demo_catalog_is_asked_as_an_upload(db: Session) -> None:
    person, enterprise = (accounts.find_user(db, username=u) for u in ("zhangsan", "minfeng"))
    assert person is not None and enterprise is not None
    walked = promised = 0
    for entry in catalog.list_entries(db):
        assert entry.current_version is not None
        spec = entry.current_version.definition
        if spec["approval_mode"] == "proactive":
            continue  # 免申即享: nobody applies, and no material is asked (tests/benefits)
        subjects = subjects_of(spec)
        applicant = person if "person" in subjects else enterprise
        case = cases.create_case(
            db, applicant=applicant, code=entry.code, form_data=fill_form(spec["form"]), now=NOW
        )
        walked += 1
        for res in cases.material_ways(db, case=case, now=NOW):
            words = ways.promises(res.entry)
            if not words:
                continue
            promised += 1
            if not res.asks_upload:
                continue
            declared = ways.declared(res.entry)
            before = declared[: declared.index(MaterialWay.upload)]
            assert not OWN_WAYS & set(before), (entry.code, res.code, words)
            why = {way: unavailable.reason_zh for way, unavailable in res.tried}
            unserved = [
                way
                for way in before
                if registry.provider(way) is None
                or why.get(way) == SAME_DEPARTMENT
                or any(words in why.get(way, "") for words in NO_SHARED_RECORD)
                or (way == MaterialWay.licence and way in why)  # holds no such e-licence
            ]
            assert unserved == before, (entry.code, res.code, words, res.tried)
            assert res.reasons("zh"), (entry.code, res.code)  # the page says why
    assert walked == 47 and promised > 60  # 49 entries, 2 of them 免申即享
