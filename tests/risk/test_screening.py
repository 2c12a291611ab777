"""Risk screening (风险筛查): each flag raised when its anomaly is there and not otherwise,
each explaining itself; thresholds come from settings; a flagged case of an instant item
always goes to a person, with the flags on the staff task page."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tests.factories import API, open_task
from tests.instant.conftest import ZHANGSAN_ID, apply, set_record
from tests.web.support import SignedIn
from tongban.cases.models import Case
from tongban.config import Settings
from tongban.risk import service as risk
from tongban.risk.service import Thresholds

SCJG = "3501-SCJG-003"  # 个体工商户设立登记: phone, premises address, uploads
YB = "3501-YB-003"
FILING = {
    "destination_province": "广东省",
    "destination_city": "深圳市",
    "filing_type": "异地长期居住人员",
    "filing_start_date": "2025-09-25",
}


def _kinds(client: TestClient, staff: dict[str, str], number: str) -> list[str]:
    flags = client.get(f"{API}/cases/{number}/risk-flags", headers=staff).json()
    return [flag["kind"] for flag in flags]


def _rescreen(db: Session, number: str, clock: Clock, **limits: Any) -> list[str]:
    case = db.scalar(select(Case).where(Case.number == number))
    assert case is not None
    flags = risk.screen_case(db, case=case, now=clock.now, limits=Thresholds(**limits))
    return [flag.kind for flag in flags]


def test_thresholds_are_settings_with_documented_defaults() -> None:
    limits = Thresholds.of(Settings(risk_contact_subjects=5, risk_refusal_window_days=60))
    assert (limits.contact_subjects, limits.refusal_window_days, limits.file_subjects) == (5, 60, 1)


def test_a_phone_given_by_many_applicants_is_flagged_at_the_threshold(
    client: TestClient,
    as_user,
    db: Session,
    clock: Clock,  # type: ignore[no-untyped-def]
) -> None:
    shared = {"phone": "13912345678"}
    apply(client, as_user("zhangsan"), SCJG, {**shared, "premises_address": "福州市鼓楼区东街1号"})
    second = apply(client, as_user("lisi"), SCJG, shared)["number"]
    assert "shared_phone" not in _kinds(client, as_user("scjg"), second)  # default: 3 others
    assert "shared_phone" not in _rescreen(db, second, clock, contact_subjects=2)
    assert _rescreen(db, second, clock, contact_subjects=1) == ["shared_phone"]
    flags = client.get(f"{API}/cases/{second}/risk-flags", headers=as_user("scjg")).json()
    assert (
        "139****5678" in flags[0]["message_zh"]
    )  # masked: the form shows it whole and "1 other" in flags[0]["message_en"]


def test_the_same_applicant_repeating_its_own_phone_and_address_is_not_flagged(
    client: TestClient,
    as_user,
    db: Session,
    clock: Clock,  # type: ignore[no-untyped-def]
) -> None:
    same = {"phone": "13912345678", "premises_address": "福州市鼓楼区东街100号"}
    for _ in range(3):
        number = apply(client, as_user("zhangsan"), SCJG, same)["number"]
    assert _rescreen(db, number, clock, contact_subjects=1) == []


def test_an_address_shared_with_other_applicants_is_flagged(
    client: TestClient,
    as_user,
    db: Session,
    clock: Clock,  # type: ignore[no-untyped-def]
) -> None:
    address = {"premises_address": "福州市鼓楼区东街100号"}
    apply(client, as_user("zhangsan"), SCJG, address)
    spaced = {"premises_address": "福州市鼓楼区 东街１００号"}  # a blank, full-width digits
    number = apply(client, as_user("lisi"), SCJG, spaced)["number"]
    assert "shared_address" in _rescreen(db, number, clock, contact_subjects=1)
    elsewhere = {"premises_address": "福州市台江区八一七中路1号"}
    other = apply(client, as_user("lisi"), SCJG, elsewhere)["number"]
    assert "shared_address" not in _rescreen(db, other, clock, contact_subjects=1)


def test_one_file_uploaded_by_unrelated_applicants_is_flagged(
    client: TestClient,
    as_user,  # type: ignore[no-untyped-def]
) -> None:
    staff = as_user("scjg")
    first = apply(client, as_user("zhangsan"), SCJG, {}, files="the same scan")
    assert "reused_file" not in _kinds(client, staff, first["number"])
    again = apply(client, as_user("zhangsan"), SCJG, {}, files="the same scan")
    assert "reused_file" not in _kinds(client, staff, again["number"])  # the applicant's own
    other = apply(client, as_user("lisi"), SCJG, {}, files="the same scan")
    flags = client.get(f"{API}/cases/{other['number']}/risk-flags", headers=staff).json()
    reused = [f for f in flags if f["kind"] == "reused_file"]
    assert reused and "完全相同" in reused[0]["message_zh"]
    assert "byte for byte" in reused[0]["message_en"]
    own = apply(client, as_user("lisi"), SCJG, {})
    assert "reused_file" not in _kinds(client, staff, own["number"])


def test_applying_again_soon_after_a_refusal_is_flagged_and_goes_to_a_person(
    client: TestClient,
    as_user,  # type: ignore[no-untyped-def]
    signed_in: SignedIn,
    db: Session,
    clock: Clock,
    population: dict,
) -> None:
    set_record(db, "social_insurance", ZHANGSAN_ID, {"status": "正常参保"})
    headers, staff = as_user("zhangsan"), as_user("yb")
    refused = apply(client, headers, YB, {**FILING, "destination_province": "福建省"})
    assert refused["state"] == "refused"
    again = apply(client, headers, YB, FILING)  # the rules alone would approve it
    assert again["state"] == "submitted"
    assert _kinds(client, staff, again["number"]) == ["repeat_after_refusal"]
    decision = client.get(f"{API}/cases/{again['number']}/instant", headers=staff).json()
    assert decision["reason"] == "风险筛查发现 1 项异常，转人工办理"
    assert (
        decision["reason_en"] == "Risk screening raised 1 flag; a person decides"
    )  # not "1 flags"
    flags = client.get(f"{API}/cases/{again['number']}/risk-flags", headers=staff).json()
    assert "refused this item 1 time in the last" in flags[0]["message_en"]  # not "1 times"
    task = open_task(client, staff, again["number"], "accept")
    page = signed_in("yb").get(f"/staff/tasks/{task['id']}").text
    assert "风险提示" in page and "已被不予许可或不予受理 1 次" in page
    clock.advance(days=31)
    later = apply(client, headers, YB, {**FILING, "filing_start_date": "2025-10-25"})
    assert later["state"] == "completed"  # the refusal is older than the 30 days


def test_a_form_value_contradicting_its_shared_source_is_flagged(
    client: TestClient,
    as_user,
    db: Session,
    population: dict,  # type: ignore[no-untyped-def]
) -> None:
    headers, staff = as_user("zhangsan"), as_user("scjg")
    fine = apply(client, headers, SCJG, {})
    assert "contradicts_source" not in _kinds(client, staff, fine["number"])
    created = client.post(f"{API}/cases", json={"code": SCJG, "form_data": {}}, headers=headers)
    number = created.json()["number"]
    assert created.json()["form_data"]["applicant_name"] == "张三"  # pulled and locked
    person = db.scalar(
        select(Case).where(Case.number == number)
    )  # the register changes after the form was filled
    assert person is not None
    from tongban.sharing import service as sharing

    record = sharing.lookup(db, code="population", key=ZHANGSAN_ID).record
    assert record is not None
    set_record(db, "population", ZHANGSAN_ID, {**record, "name": "张叁"})
    case = db.scalar(select(Case).where(Case.number == number))
    assert case is not None
    flags = risk.screen_case(db, case=case, now=case.created_at, limits=Thresholds())
    found = [f for f in flags if f.kind == "contradicts_source"]
    assert found and "张叁" in found[0].message_zh and "张三" in found[0].message_zh


def test_the_flags_and_the_rules_verdict_read_in_english_on_the_task_page(
    client: TestClient,
    as_user,  # type: ignore[no-untyped-def]
    signed_in: SignedIn,
    db: Session,
    population: dict,
) -> None:
    """Found in trial: on the English task page the flags' record (risk.flagged) and the
    rules' verdict (rules.decided) were Chinese."""
    set_record(db, "social_insurance", ZHANGSAN_ID, {"status": "正常参保"})
    headers, staff = as_user("zhangsan"), as_user("yb")
    apply(client, headers, YB, {**FILING, "destination_province": "福建省"})
    again = apply(client, headers, YB, FILING)
    task = open_task(client, staff, again["number"], "accept")
    page = signed_in("yb").get(f"/staff/tasks/{task['id']}", params={"lang": "en"}).text
    assert "Risk screening raised 1 flag; a person decides" in page
    assert "refused this item 1 time in the last" in page
    for chinese in ("风险筛查发现", "已被不予许可或不予受理", "系统（秒批规则）"):
        assert chinese not in page
