"""Instant approval (秒批) end to end through the API: a case of an instant item is decided
by its decision table the moment it is submitted, with no person: approved (result issued,
e-licence signed, applicant told), refused with the reason of the row that fired (a written
refusal decision), or handed to a person with the reason on the staff's task."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import API, entry, open_task
from tests.instant.conftest import MINFENG_CREDIT, ZHANGSAN_ID, apply, set_record
from tests.web.support import SignedIn

YB = "3501-YB-003"  # 跨省异地就医备案
CGJ = "3501-CGJ-001"  # 建筑垃圾(渣土)运输处置备案: an e-licence result
INSURED = {"status": "正常参保", "employer_name": "某公司", "insurance_types": "医疗保险"}
FILING = {
    "destination_province": "广东省",
    "destination_city": "深圳市",
    "filing_type": "异地长期居住人员",
    "filing_start_date": "2025-09-25",
}


def _timeline(client: TestClient, headers: dict[str, str], number: str) -> list[dict]:
    return list(client.get(f"{API}/cases/{number}/timeline", headers=headers).json()["events"])


def test_an_instant_case_meeting_every_rule_is_approved_at_once_by_the_system(
    client: TestClient,
    as_user,
    db: Session,
    population: dict,  # type: ignore[no-untyped-def]
) -> None:
    set_record(db, "social_insurance", ZHANGSAN_ID, INSURED)
    headers = as_user("zhangsan")
    case = apply(client, headers, YB, FILING)
    assert case["state"] == "completed"
    results = client.get(f"{API}/cases/{case['number']}/results", headers=headers).json()
    assert [r["title"] for r in results] == ["异地就医备案凭证"]
    events = _timeline(client, headers, case["number"])
    approve = next(e for e in events if e["action"] == "case.approve")
    assert approve["actor_name"] == "系统（秒批规则）"
    assert approve["opinion"] == "参保状态正常，就医地在省外，准予备案"
    assert not any(e["action"].startswith(("rules.", "risk.")) for e in events)  # staff only
    topics = {m["topic"] for m in client.get(f"{API}/me/messages", headers=headers).json()}
    assert {"case_received", "case_accepted", "case_approved"} <= topics


def test_a_row_that_refuses_ends_the_case_with_its_reason_and_a_refusal_decision(
    client: TestClient,
    as_user,
    db: Session,
    population: dict,  # type: ignore[no-untyped-def]
) -> None:
    set_record(db, "social_insurance", ZHANGSAN_ID, INSURED)
    headers = as_user("zhangsan")
    case = apply(client, headers, YB, {**FILING, "destination_province": "福建省"})
    assert case["state"] == "refused"
    results = client.get(f"{API}/cases/{case['number']}/results", headers=headers).json()
    assert [r["title"] for r in results] == ["不予备案决定书"]  # a 备案 is no 行政许可
    refusal = next(
        e for e in _timeline(client, headers, case["number"]) if e["action"] == "case.refuse"
    )
    assert refusal["opinion"] == "就医地在本省，不属于跨省异地就医备案的范围"
    assert refusal["actor_name"] == "系统（秒批规则）"


def test_what_no_row_decides_goes_to_a_person_with_the_reason_on_the_task(
    client: TestClient,
    as_user,  # type: ignore[no-untyped-def]
    signed_in: SignedIn,
    db: Session,
    population: dict,
) -> None:
    set_record(db, "social_insurance", ZHANGSAN_ID, INSURED)
    headers = as_user("zhangsan")
    case = apply(client, headers, YB, {**FILING, "filing_type": "异地转诊人员"})
    assert case["state"] == "submitted"
    staff = as_user("yb")
    task = open_task(client, staff, case["number"], "accept")
    decision = client.get(f"{API}/cases/{case['number']}/instant", headers=staff).json()
    assert decision["outcome"] == "to_person"
    assert decision["reason"] == "转诊备案须核对转诊医疗机构意见，转人工审核"
    assert decision["row"] == 6
    page = signed_in("yb").get(f"/staff/tasks/{task['id']}").text
    assert "转诊备案须核对转诊医疗机构意见，转人工审核" in page
    assert client.get(f"{API}/cases/{case['number']}/instant", headers=headers).status_code in (
        403,
        404,
    )


def test_a_source_that_holds_no_record_sends_the_case_to_a_person(
    client: TestClient,
    as_user,
    db: Session,
    population: dict,  # type: ignore[no-untyped-def]
) -> None:
    set_record(db, "social_insurance", ZHANGSAN_ID, None)
    case = apply(client, as_user("zhangsan"), YB, FILING)
    assert case["state"] == "submitted"


def test_an_approved_filing_with_a_licence_result_gets_its_signed_e_licence(
    client: TestClient,
    as_user,
    db: Session,
    population: dict,  # type: ignore[no-untyped-def]
) -> None:
    set_record(db, "transport", MINFENG_CREDIT, {"permit_number": "闽交运管许可榕字350100000001号"})
    headers = as_user("minfeng")
    answers = {
        "transport_start_date": "2025-09-23",
        "transport_end_date": "2025-12-31",
        "waste_volume_m3": 1200,
    }
    case = apply(client, headers, CGJ, answers)
    assert case["state"] == "completed"
    licences = client.get(f"{API}/licences", headers=headers).json()
    assert [lic["name"] for lic in licences] == ["建筑垃圾运输处置备案凭证"]
    refused = apply(client, headers, CGJ, {**answers, "transport_end_date": "2025-09-22"})
    assert refused["state"] == "refused"


def test_the_province_of_treatment_is_chosen_from_the_list_so_fujian_cannot_slip_through(
    client: TestClient,
    as_user,
    db: Session,
    population: dict,  # type: ignore[no-untyped-def]
) -> None:
    """Found in trial: typed as free text, "福建省福州市" passed the rule "就医地在省外" and the
    filing was approved at once. The province is one of the list now (GB/T 2260, the
    mainland's provincial-level divisions); anything else is refused before submitting."""
    from tongban.identifiers.divisions import iter_divisions

    spec = entry(client, YB)
    listed = spec["form"]["properties"]["destination_province"]["enum"]
    provinces = {d.name for d in iter_divisions() if d.code.endswith("0000")}
    assert set(listed) == provinces - {"台湾省", "香港特别行政区", "澳门特别行政区"}
    headers = as_user("zhangsan")
    created = client.post(f"{API}/cases", json={"code": YB, "form_data": {}}, headers=headers)
    number = created.json()["number"]
    typed = {**FILING, "destination_province": "福建省福州市", "phone": "13800000001"}
    client.patch(f"{API}/cases/{number}", json={"form_data": typed}, headers=headers)
    submitted = client.post(f"{API}/cases/{number}/submit", headers=headers)
    assert submitted.status_code == 422 and "destination_province" in submitted.text
