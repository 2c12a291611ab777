"""企业开办 as a registered person: identity materials come from the population register
without upload (trust level A, the pull logged), the form's shared fields are pulled, and
the backfill rate reaches the supervision dashboard, with fields typed by hand listed."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import act, entry, missing_materials, open_task, upload
from tests.sharing.conftest import ZHANGSAN_ID, free_port_url, serve_over_http
from tests.web.support import VALID, SignedIn
from tongban.demo.samples import fill_form
from tongban.pii.service import lookup_key, mask_id
from tongban.sharing import reduction
from tongban.sharing import service as sharing
from tongban.sharing.models import DataAccess, FieldFill

QYKB = "3501-BUNDLE-QYKB"
API = "/api/v1"


def _submit_uploading_what_is_asked(
    client: TestClient, headers: dict[str, str], number: str
) -> tuple[dict[str, Any], set[str]]:
    """Submit; upload only the materials the refusal names, then submit again."""
    first = client.post(f"{API}/cases/{number}/submit", headers=headers)
    assert first.status_code == 422, first.text
    asked = missing_materials(first.json()["error"])
    for code in asked:
        assert upload(client, headers, number, code).status_code == 201, code
    second = client.post(f"{API}/cases/{number}/submit", headers=headers)
    assert second.status_code == 200, second.text
    return second.json(), asked


def test_enterprise_start_up_as_a_registered_person(
    client: TestClient,
    as_user,
    db: Session,
    population: dict,
    signed_in: SignedIn,  # type: ignore[no-untyped-def]
) -> None:
    """张三 reserved his company's name (名称自主申报) and owns the premises (不动产登记):
    the form asks only what no source holds."""
    headers = as_user("zhangsan")
    spec = entry(client, QYKB)
    premises = sharing.lookup(db, code="real_estate", key=ZHANGSAN_ID).record
    reserved = sharing.lookup(db, code="name_reservation", key=ZHANGSAN_ID).record
    assert premises is not None and reserved is not None
    typed = {"property_cert_number": premises["property_cert_number"]}
    created = client.post(f"{API}/cases", json={"code": QYKB, "form_data": typed}, headers=headers)
    assert created.status_code == 201, created.text
    number, pulled = created.json()["number"], created.json()["form_data"]
    assert pulled["applicant_name"] == "张三" and pulled["applicant_id_number"] == ZHANGSAN_ID
    assert pulled["enterprise_name"] == reserved["name"]
    assert pulled["legal_rep_id_number"] == ZHANGSAN_ID  # the founder is the legal representative
    assert pulled["registered_address"] == premises["property_location"]
    form = {**fill_form(spec["form"]), **pulled}
    form["shareholders"] = [{**form["shareholders"][0], "name": "张三", "id_number": ZHANGSAN_ID}]
    saved = client.patch(f"{API}/cases/{number}", json={"form_data": form}, headers=headers)
    assert saved.status_code == 200, saved.text
    _case, asked = _submit_uploading_what_is_asked(client, headers, number)
    assert not {"ID_CARD", "LEGAL_REP_ID", "SHAREHOLDER_ID", "APPLICATION_FORM"} & asked
    rows = {
        m["material_code"]: m
        for m in client.get(f"{API}/cases/{number}/materials", headers=headers).json()
    }
    identity = rows["ID_CARD"]
    assert identity["way"] == "shared" and identity["trust_level"] == "A"
    assert (
        identity["reference"] == f"population:{lookup_key(ZHANGSAN_ID)}"
        and identity["filename"] is None
    )
    assert identity["summary"] == "已从公安人口库调取核验，无需上传"
    assert rows["PREMISES_PROOF"]["summary"] == "已从不动产登记簿调取核验，无需上传"
    logged = [r for r in db.scalars(select(DataAccess)) if r.fields == ["ID_CARD"]]
    assert [row.subject_key for row in logged] == [lookup_key(ZHANGSAN_ID)]
    assert "核验材料“申请人(经办人)居民身份证”" in logged[0].purpose

    (figures,) = reduction.reductions(db, code=QYKB)
    fields = len(spec["form"]["properties"])
    required = [m for m in spec["materials"] if m["required"]]
    uploaded = [m for m in rows.values() if m["way"] == "upload"]
    print(
        f"\n企业开办 as a registered person: {figures.pulled} of {fields} form fields filled "
        f"from sources ({figures.fields_share:.0%}), phone from the account; "
        f"{len(required) - len(uploaded)} of {len(required)} required materials not uploaded "
        f"({figures.materials_share:.0%}), and the optional premises proof pulled"
    )
    assert (figures.cases, figures.fields, figures.required) == (1, fields, len(required))
    assert figures.pulled >= 9  # was 2: name, type, scope, capital, legal rep, address …
    assert figures.uploaded == len(uploaded) == len(asked) < len(required)

    dashboard = signed_in("supervisor").get("/supervision?per=day").text
    assert "共享数据回填率" in dashboard and "印章刻制备案(公章刻制)" in dashboard
    assert "100%" in dashboard


def test_fields_typed_while_the_source_was_down_are_listed_for_the_department(
    client: TestClient,
    as_user,
    db: Session,
    population: dict,
    signed_in: SignedIn,  # type: ignore[no-untyped-def]
) -> None:
    serve_over_http(db, "population", free_port_url(), retries=0)
    headers = as_user("zhangsan")
    item = "3501-RS-003"
    created = client.post(f"{API}/cases", json={"code": item, "form_data": {}}, headers=headers)
    number = created.json()["number"]
    form = {**VALID, **created.json()["form_data"]}
    assert (
        client.patch(f"{API}/cases/{number}", json={"form_data": form}, headers=headers).status_code
        == 200
    )
    _submit_uploading_what_is_asked(client, headers, number)
    typed = {
        f.field: f.reason for f in db.scalars(select(FieldFill).where(FieldFill.state == "typed"))
    }
    assert typed["applicant_name"] == "unavailable" and typed["household_address"] == "unavailable"
    dashboard = signed_in("supervisor").get("/supervision").text
    assert "共享但仍由申请人手工填写的字段" in dashboard
    assert "数据源当时无法访问" in dashboard and "公安人口库" in dashboard
    # the field's title from the form, not its code (in English: its English title)
    assert "<td>户籍地址</td>" in dashboard and "<td>household_address</td>" not in dashboard
    english = signed_in("supervisor").get("/supervision/sharing?lang=en").text
    assert (
        "<td>Registered household address</td>" in english
        and "<td>Population register</td>" in english
    )


def test_a_pull_by_a_property_certificate_number_is_logged_for_the_applicant_with_its_key(
    client: TestClient,
    as_user,
    db: Session,
    population: dict,
    signed_in: SignedIn,  # type: ignore[no-untyped-def]
) -> None:
    """The premises are found by their certificate number, not by an ID: the pull is still
    on the applicant's log, with the number masked."""
    headers = as_user("zhangsan")
    premises = sharing.lookup(db, code="real_estate", key=ZHANGSAN_ID).record
    assert premises is not None
    number = premises["property_cert_number"]
    typed = {"property_cert_number": number}
    created = client.post(f"{API}/cases", json={"code": QYKB, "form_data": typed}, headers=headers)
    assert created.status_code == 201, created.text
    rows = [r for r in db.scalars(select(DataAccess)) if r.source == "real_estate_certificate"]
    assert rows and {r.subject_key for r in rows} == {lookup_key(ZHANGSAN_ID)}
    assert {r.record_key for r in rows} == {mask_id(number)} and mask_id(number) != number
    people = {r.record_key for r in db.scalars(select(DataAccess)) if r.source == "population"}
    assert people == {mask_id(ZHANGSAN_ID)}
    page = signed_in("zhangsan").get("/my/profile").text
    assert f">{mask_id(number)}</td>" in page  # the log shows the key masked


def test_a_pulled_material_is_not_offered_for_correction(
    client: TestClient,
    as_user,
    population: dict,
    signed_in: SignedIn,  # type: ignore[no-untyped-def]
) -> None:
    """Found in trial: the clerk's correction checklist offered the ID card the platform had
    pulled from the population register (A 级, no file), and a notice asked the applicant
    to upload it again; they could do neither."""
    headers, clerk = as_user("zhangsan"), as_user("rs")
    item = "3501-RS-003"
    created = client.post(f"{API}/cases", json={"code": item, "form_data": {}}, headers=headers)
    number = created.json()["number"]
    form = {**VALID, **created.json()["form_data"]}
    client.patch(f"{API}/cases/{number}", json={"form_data": form}, headers=headers)
    submitted = client.post(f"{API}/cases/{number}/submit", headers=headers)
    assert submitted.status_code == 200, submitted.text
    task = open_task(client, clerk, number, "accept")

    refused = act(
        client,
        clerk,
        task,
        "correction",
        problems=[{"target": "materials.ID_CARD", "problem": "身份证复印件不清晰，请重新上传"}],
    )
    assert refused.status_code == 422
    assert "由平台取得" in refused.json()["error"]["message"]
    page = signed_in("rs").get(f"/staff/tasks/{task['id']}").text
    assert 'value="materials.ID_CARD"' not in page  # no row to tick for it
    assert "由平台取得，申请人无需也无法补正" in page
    assert client.get(f"{API}/cases/{number}", headers=headers).json()["state"] == "submitted"
