"""A reserved company name founds one company (F3), and the company the platform
registers enters the enterprise register (F3b): a second 企业开办 on the same reservation
is refused, saying what is used and by which case; the registered company is then found by
its credit code, and its name is taken."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import API, entry, find_code, sign, upload
from tests.licences.support import finish
from tests.sharing.conftest import ZHANGSAN_ID
from tests.web.support import csrf, sign_in
from tongban.demo.samples import fill_form
from tongban.sharing import service as sharing

STAFF = (
    "clerk", "approver", "issuer", "scjg", "scjg-hz", "ga", "ga-hz", "sw", "sw-hz",
    "rs", "rs-hz", "gjj", "gjj-hz",
)  # fmt: skip


def _reserved(db: Session) -> str:
    reservation = sharing.lookup(db, code="name_reservation", key=ZHANGSAN_ID).record
    assert reservation is not None
    return str(reservation["name"])


def _founding(client: TestClient, as_user: Any) -> dict[str, Any]:
    """A 企业开办 draft by zhangsan, the pulled fields left to the sources (locked)."""
    code = find_code(client, "企业开办", bundle=True)
    headers = as_user("zhangsan")
    spec = entry(client, code)
    typed = {
        name: value
        for name, value in fill_form(spec["form"]).items()
        if "x-source" not in spec["form"]["properties"][name]
    }
    response = client.post(f"{API}/cases", json={"code": code, "form_data": typed}, headers=headers)
    assert response.status_code == 201, response.text
    case = dict(response.json())
    pulled = {k: v for k, v in case["form_data"].items() if v not in (None, "")}
    form = {**fill_form(spec["form"]), **pulled}
    saved = client.patch(f"{API}/cases/{case['number']}", json={"form_data": form}, headers=headers)
    assert saved.status_code == 200, saved.text
    case = dict(saved.json())
    for material in spec["materials"]:
        ways = material.get("ways") or ["upload"]
        if material["required"] and "signed" in ways:
            sign(client, headers, case["number"], material["code"])
        if material["required"] and "upload" in ways:
            kind = (material.get("formats") or ["pdf"])[0]
            assert (
                upload(client, headers, case["number"], material["code"], kind=kind).status_code
                == 201
            )
    return case


def _submit(client: TestClient, as_user: Any, number: str) -> Any:
    return client.post(f"{API}/cases/{number}/submit", headers=as_user("zhangsan"))


def test_one_reservation_founds_one_company_while_the_first_case_runs(
    client: TestClient, as_user: Any, db: Session, population: dict[str, int]
) -> None:
    name = _reserved(db)
    first, second = _founding(client, as_user), _founding(client, as_user)
    assert first["form_data"]["enterprise_name"] == name == second["form_data"]["enterprise_name"]
    submitted = _submit(client, as_user, first["number"])
    assert submitted.status_code == 200, submitted.text
    refused = _submit(client, as_user, second["number"])
    assert refused.status_code == 409, refused.text
    error = refused.json()["error"]
    assert error["code"] == "already_used"
    assert f"企业名称“{name}”已被办件 {first['number']} 使用" in error["message"]
    english = client.post(
        f"{API}/cases/{second['number']}/submit",
        headers={**as_user("zhangsan"), "Accept-Language": "en"},
    ).json()["error"]["message"]
    assert "already used by case" in english
    mine = client.get(f"{API}/cases/{second['number']}", headers=as_user("zhangsan")).json()
    assert mine["state"] == "draft" and mine["form_data"]["enterprise_name"] == name  # kept
    # the first withdrawn, the reservation is free again
    withdrawn = client.post(f"{API}/cases/{first['number']}/withdraw", headers=as_user("zhangsan"))
    assert withdrawn.status_code == 200, withdrawn.text
    assert _submit(client, as_user, second["number"]).status_code == 200


def test_the_registered_company_enters_the_register_and_its_name_is_taken(
    client: TestClient, as_user: Any, db: Session, population: dict[str, int]
) -> None:
    name = _reserved(db)
    first = _founding(client, as_user)
    assert _submit(client, as_user, first["number"]).status_code == 200
    finish(client, *(as_user(user) for user in STAFF), number=first["number"])
    results = client.get(f"{API}/cases/{first['number']}/results", headers=as_user("zhangsan"))
    licence = next(r for r in results.json() if r["title"] == "营业执照")
    credit_code = licence["number"]
    db.commit()  # a new unit of work: its records are read as the requests above left them
    registered = sharing.lookup(db, code="enterprise_register", key=credit_code).record
    assert registered is not None
    assert registered["name"] == name and registered["status"] == "存续"
    assert registered["legal_rep_id_number"] == first["form_data"]["legal_rep_id_number"]
    assert registered["credit_code"] == credit_code
    # the reservation is used: a new founding is not filled with its name (the fault as
    # found: it was, locked), and typing the name anyway is refused (the register holds it)
    assert sharing.lookup(db, code="name_reservation", key=ZHANGSAN_ID).record is None
    again = _founding(client, as_user)
    assert again["form_data"]["enterprise_name"] != name
    headers = as_user("zhangsan")
    form = {**again["form_data"], "enterprise_name": name}
    client.patch(f"{API}/cases/{again['number']}", json={"form_data": form}, headers=headers)
    refused = _submit(client, as_user, again["number"])
    assert refused.status_code == 409, refused.text
    message = refused.json()["error"]["message"]
    assert f"企业名称“{name}”" in message and credit_code in message


def test_a_refused_submission_from_the_page_keeps_a_draft_and_says_why(
    client: TestClient, as_user: Any, db: Session, population: dict[str, int]
) -> None:
    """Found from a fresh clone: the page's 确认提交 answered 409 but the case was kept as
    submitted, and later issued a second licence for the same name."""
    name = _reserved(db)
    first, second = _founding(client, as_user), _founding(client, as_user)
    assert _submit(client, as_user, first["number"]).status_code == 200
    client.cookies.clear()
    sign_in(client, "zhangsan")
    review = client.get(f"/cases/{second['number']}/review")
    refused = client.post(
        f"/cases/{second['number']}/submit", data={"csrf_token": csrf(review.text)}
    )
    assert refused.status_code == 409
    assert f"企业名称“{name}”已被办件 {first['number']} 使用" in refused.text
    mine = client.get(f"{API}/cases/{second['number']}", headers=as_user("zhangsan")).json()
    assert mine["state"] == "draft"
    line = client.get(f"{API}/cases/{second['number']}/timeline", headers=as_user("zhangsan"))
    assert "case.submit" not in [e["action"] for e in line.json()["events"]]
