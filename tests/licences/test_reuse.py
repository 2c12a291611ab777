"""A licence issued by an earlier case satisfies a later application's material without
an upload (已有电子证照，无需上传), trust level A; without one, or once it is revoked, the
applicant is asked to upload and told why."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import API, missing_materials, sign, upload
from tests.licences.support import FOOD, held, licensed
from tongban.audit.service import Actor
from tongban.catalog import service as catalog
from tongban.demo.samples import SAMPLES, fill_form

HELD = """- code: FOOD_LICENCE_HELD
  name: 原食品经营许可证(延续、变更时提供)
  required: true
  licence_type: 食品经营许可证
  ways: [licence, upload]
  formats: [pdf]
  copies: 原件1份
"""


def _declare(client: TestClient, runtime: Any) -> None:
    """A new version of the food licence item asking for the licence already held."""
    with runtime.sessions() as session:
        text = catalog.entry_text(session, code=FOOD)
        anchor = "- code: AGENT_AUTH\n"
        saved = catalog.save_entry_text(
            session,
            code=FOOD,
            text=text.replace(anchor, HELD + anchor, 1),
            actor=Actor(id=None, name="目录管理员"),
            now=runtime.clock(),
        )
        assert saved.saved, saved
        session.commit()


def _second_application(client: TestClient, headers: dict[str, str]) -> str:
    """A draft of the food item with every upload and signature the applicant must make,
    except the licence held."""
    spec = client.get(f"{API}/items/{FOOD}").json()["definition"]
    response = client.post(
        f"{API}/cases", json={"code": FOOD, "form_data": fill_form(spec["form"])}, headers=headers
    )
    assert response.status_code == 201, response.text
    number = str(response.json()["number"])
    for material in spec["materials"]:
        ways = material.get("ways") or ["upload"]
        if not material["required"] or material["code"] == "FOOD_LICENCE_HELD":
            continue
        if "signed" in ways:
            sign(client, headers, number, material["code"])
        if "upload" in ways:
            kind = (material.get("formats") or ["pdf"])[0]
            response = upload(client, headers, number, material["code"], SAMPLES[kind], kind)
            assert response.status_code == 201, response.text
    return number


def test_a_licence_from_an_earlier_case_is_reused_without_upload(
    client: TestClient, as_user: Any, runtime: Any
) -> None:
    first = licensed(client, as_user, FOOD)
    _declare(client, runtime)
    minfeng = as_user("minfeng")
    number = _second_application(client, minfeng)
    submitted = client.post(f"{API}/cases/{number}/submit", headers=minfeng)
    assert submitted.status_code == 200, submitted.text
    rows = client.get(f"{API}/cases/{number}/materials", headers=minfeng).json()
    held = next(row for row in rows if row["material_code"] == "FOOD_LICENCE_HELD")
    assert (held["way"], held["trust_level"], held["filename"]) == ("licence", "A", None)
    assert (
        held["summary"].startswith("已有电子证照，无需上传") and first["number"] in held["summary"]
    )
    licence = client.get(f"{API}/licences/verify", params={"q": held["reference"]}).json()
    assert licence["verdict"] == "valid" and licence["record"]["number"] == first["number"]
    events = client.get(f"{API}/cases/{number}/timeline", headers=minfeng).json()["events"]
    assert "licence.used" in [event["action"] for event in events]


def test_without_a_licence_in_force_the_applicant_must_upload_and_is_told_why(
    client: TestClient, as_user: Any, runtime: Any
) -> None:
    first = licensed(client, as_user, FOOD)
    _declare(client, runtime)
    licence = held(client, as_user("minfeng"), first["number"])
    body = {"action": "revoke", "reason": "以欺骗手段取得许可"}
    assert (
        client.post(
            f"{API}/licences/{licence['id']}/status", json=body, headers=as_user("scjg-hz")
        ).status_code
        == 200
    )
    for username in ("minfeng", "zhangsan"):  # revoked; never held one
        headers = as_user(username)
        number = _second_application(client, headers)
        refused = client.post(f"{API}/cases/{number}/submit", headers=headers)
        assert refused.status_code in (409, 422), refused.text
        assert "FOOD_LICENCE_HELD" in refused.text or "原食品经营许可证" in refused.text
        assert "您名下没有有效的食品经营许可证电子证照" in refused.text


def test_the_business_licence_of_an_earlier_case_spares_a_later_items_upload(
    client: TestClient, as_user: Any, signed_in: Any
) -> None:
    """The demo catalog as it is: 食品生产许可 (3501-SCJG-005) asks for the 营业执照 the
    applicant's earlier 企业设立登记 case issued; the form says it is held, and the case is
    submitted without uploading it."""
    business = licensed(client, as_user, "3501-SCJG-001")
    minfeng = as_user("minfeng")
    created = _later_case(client, minfeng, business["number"])
    assert created.status_code == 201, created.text
    number = created.json()["number"]
    page = signed_in("minfeng").get(f"/cases/{number}/edit").text
    assert f"已有电子证照，无需上传（营业执照 {business['number']}）" in page
    refused = client.post(f"{API}/cases/{number}/submit", headers=minfeng)
    asked = missing_materials(refused.json()["error"])
    assert "BIZ_LICENCE" not in asked
    for code in asked:  # what the applicant must still upload
        assert upload(client, minfeng, number, code).status_code == 201, code
    submitted = client.post(f"{API}/cases/{number}/submit", headers=minfeng)
    assert submitted.status_code == 200, submitted.text
    rows = client.get(f"{API}/cases/{number}/materials", headers=minfeng).json()
    held = next(row for row in rows if row["material_code"] == "BIZ_LICENCE")
    assert (held["way"], held["trust_level"], held["filename"]) == ("licence", "A", None)


def _later_case(client: TestClient, headers: dict[str, str], credit_code: str) -> Any:
    """A draft of 食品生产许可 (3501-SCJG-005, asks for the 营业执照) for the enterprise of
    ``credit_code``."""
    spec = client.get(f"{API}/items/3501-SCJG-005").json()["definition"]
    form = {**fill_form(spec["form"]), "credit_code": credit_code}
    return client.post(
        f"{API}/cases", json={"code": "3501-SCJG-005", "form_data": form}, headers=headers
    )


def test_a_licence_of_one_company_never_serves_a_case_of_another(
    client: TestClient, as_user: Any, signed_in: Any
) -> None:
    """The fault as found: the 营业执照 of the company minfeng founded satisfied the
    BIZ_LICENCE of a case filed under minfeng's own (another company's) credit code."""
    business = licensed(client, as_user, "3501-SCJG-001")
    minfeng = as_user("minfeng")
    own_code = client.get(f"{API}/me", headers=minfeng).json()["credit_code"]
    assert own_code and own_code != business["number"]
    created = _later_case(client, minfeng, own_code)
    assert created.status_code == 201, created.text
    number = created.json()["number"]
    page = signed_in("minfeng").get(f"/cases/{number}/edit").text
    assert business["number"] not in page
    refused = client.post(f"{API}/cases/{number}/submit", headers=minfeng)
    asked = missing_materials(refused.json()["error"])
    assert "BIZ_LICENCE" in asked
