"""The register page (专家库) refusing an entry with several wrong parts: each part's own
message beside its input, all of them summed up above, what was typed kept, nothing saved."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.web.support import check_structure, csrf, field_messages
from tongban.experts import service as experts

ENTRY = {
    "username": "zhuanjia4",
    "fields": ["health", "environment"],
    "employer": " ",
    "employer_credit_code": "",
    "phone": "1390000",
}


def _summary(html: str) -> str:
    return html.split('class="alert form-problems" role="alert">')[1].split("</div>")[0]


def test_an_entry_with_two_wrong_parts_names_each_beside_its_input(
    signed_in: Callable[[str], TestClient], db: Session
) -> None:
    admin = signed_in("admin")
    page = admin.get("/admin/experts").text
    refused = admin.post("/admin/experts", data={**ENTRY, "csrf_token": csrf(page)})
    assert refused.status_code == 422
    check_structure(refused.text)
    at_fields = field_messages(refused.text)
    assert set(at_fields) == {"employer", "phone"}
    assert at_fields["employer"] == "请填写工作单位（不超过 200 个字）。"
    assert at_fields["phone"] == "手机号码应为 11 位，实际为 7 位"
    assert at_fields["employer"] in _summary(refused.text)
    assert at_fields["phone"] in _summary(refused.text)
    assert 'value="zhuanjia4" selected' in refused.text and 'value="1390000"' in refused.text
    assert 'id="new-environment" name="fields" value="environment" checked' in refused.text
    assert "zhuanjia4" not in {e.user.username for e in experts.list_experts(db)}


def test_a_change_refused_in_english_names_each_wrong_part_in_english_at_that_expert(
    signed_in: Callable[[str], TestClient], db: Session
) -> None:
    admin = signed_in("admin")
    admin.cookies.set("tongban_lang", "en")
    page = admin.get("/admin/experts").text
    added = admin.post(
        "/admin/experts",
        data={**ENTRY, "employer": "Fujian Medical University", "phone": "13900000014"}
        | {"csrf_token": csrf(page)},
    )
    assert added.status_code == 200 and "Saved." in added.text
    expert = next(e for e in experts.list_experts(db) if e.user.username == "zhuanjia4")
    changed = {"fields": "health", "employer": "", "phone": "1390000", "active": "yes"}
    refused = admin.post(
        f"/admin/experts/{expert.id}", data={**changed, "csrf_token": csrf(added.text)}
    )
    assert refused.status_code == 422
    check_structure(refused.text)
    at_fields = field_messages(refused.text)
    assert at_fields["employer"] == "Enter the employer (at most 200 characters)."
    assert at_fields["phone"] == "a mobile number has 11 digits, got 7"
    assert f'id="e{expert.id}-phone" name="phone" maxlength="20" value="1390000"' in refused.text
    db.refresh(expert)
    assert (expert.employer, expert.phone, expert.fields) == (
        "Fujian Medical University",
        "13900000014",
        ["environment", "health"],
    )
