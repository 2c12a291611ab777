"""The birth certificate register is the mother's: a father applying for his newborn has the
出生医学证明 pulled by the form's mother_id_number (the key the catalog declares), never by
his own ID; where the register does not hold it, the automatic 协查 names the child."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import START
from tests.factories import API, act, entry, missing_materials, open_task, upload
from tongban.demo.samples import fill_form
from tongban.sharing.feeding import put_record

LISI_ID = "350103197109051124"  # 李四, the mother (a demo account in the population)
CHILD = {"child_name": "张小明", "child_birth_date": "2025-09-01"}


def _draft(client: TestClient, headers: dict[str, str], code: str, **answers: Any) -> str:
    schema = entry(client, code)["form"]
    asked = {
        k: v for k, v in fill_form(schema).items() if "x-source" not in schema["properties"][k]
    }
    form = {**asked, **answers}
    created = client.post(f"{API}/cases", json={"code": code, "form_data": form}, headers=headers)
    assert created.status_code == 201, created.text
    return str(created.json()["number"])


def _ways(client: TestClient, headers: dict[str, str], number: str) -> dict[str, Any]:
    rows = client.get(f"{API}/cases/{number}/material-ways", headers=headers).json()
    return {row["code"]: row for row in rows}


def test_the_father_s_application_pulls_the_birth_certificate_by_the_mother_s_id(
    client: TestClient, as_user: Any, db: Session, population: dict[str, int]
) -> None:
    fields = {"certificate_number": "N350100001", **CHILD}
    assert put_record(db, code="birth_certificate", key=LISI_ID, fields=fields, now=START)
    db.commit()
    father = as_user("zhangsan")
    number = _draft(client, father, "3501-WJW-006", mother_id_number=LISI_ID)
    birth = _ways(client, father, number)["BIRTH_CERT"]
    assert birth["way"] == "shared" and not birth["asks_upload"], birth
    assert birth["summary"] == "已从出生医学证明库调取核验，无需上传"


def test_the_automatic_verification_says_which_child_it_asks_about(
    client: TestClient, as_user: Any, db: Session, population: dict[str, int]
) -> None:
    father = as_user("zhangsan")
    number = _draft(
        client,
        father,
        "3501-GA-002",
        mother_id_number=LISI_ID,
        birth_certificate_number="N350100002",
        **CHILD,
    )
    birth = _ways(client, father, number)["BIRTH_CERT"]
    assert birth["way"] == "verified", birth  # the register does not hold this birth
    refused = client.post(f"{API}/cases/{number}/submit", headers=father).json()["error"]
    asked = missing_materials(refused)
    assert "BIRTH_CERT" not in asked
    for code in asked:
        assert upload(client, father, number, code).status_code == 201, code
    submitted = client.post(f"{API}/cases/{number}/submit", headers=father)
    assert submitted.status_code == 200, submitted.text
    ga = as_user("ga")
    accepted = act(client, ga, open_task(client, ga, number, "accept"), "accept", opinion="受理")
    assert accepted.status_code == 200, accepted.text
    asked = [
        r
        for r in client.get(f"{API}/verifications", headers=as_user("wjw")).json()
        if r["case_number"] == number and r["material_code"] == "BIRTH_CERT"
    ]
    question = asked[0]["question"]
    assert "新生儿姓名：张小明" in question and "新生儿出生日期：2025-09-01" in question
    assert "出生医学证明编号：N350100002" in question
    assert f"母亲公民身份号码：{LISI_ID}" in question
