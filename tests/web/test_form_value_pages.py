"""The form page takes what people type: numbers as numbers, nothing JSON cannot hold,
and identifiers typed in lower case, full width or with spaces, checked with the same
precise messages that registration gives.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.web.support import ITEM, PDF, VALID, SignedIn, apply, fill_in, found
from tongban.cases.models import Case

ID_PDF = {"m_ID_CARD": ("id.pdf", PDF, "application/pdf")}
CGJ = "3501-CGJ-003"  # 临时占用城市道路审批: 占用面积 is a number > 0
CGJ_FORM = {
    "enterprise_name": "福州示例建设有限公司",
    "credit_code": "91350102MA2XQ1K7XN",
    "project_name": "五四路管线工程",
    "occupy_location": "五四路北段至湖东路口",
    "occupy_purpose": "施工作业",
    "occupy_start_date": "2025-10-08",
    "occupy_end_date": "2025-10-20",
    "applicant_name": "张三",
    "applicant_id_number": "350102196204180310",
    "phone": "13800000001",
}


def _stored(db: Session) -> dict[str, Any]:
    """The form data of the newest case, as the database holds it (strict JSON)."""
    raw = db.scalars(select(Case.form_data).order_by(Case.id.desc()).limit(1)).one()
    json.dumps(raw, allow_nan=False)  # a bare NaN could not pass
    return dict(raw)


@pytest.mark.parametrize("typed", ["nan", "NaN", "inf", "-inf", "Infinity", "1e400"])
def test_a_number_field_refuses_what_is_not_a_finite_number(
    signed_in: SignedIn, db: Session, typed: str
) -> None:
    client = signed_in("zhangsan")
    response = fill_in(client, CGJ, {**CGJ_FORM, "occupy_area_m2": typed}, {})

    assert response.status_code == 422
    said = found(r'<p class="error" id="e-occupy_area_m2">([^<]+)</p>', response.text)
    assert said.startswith("“占用面积(平方米)”")
    assert _stored(db)["occupy_area_m2"] == typed  # kept as typed, as text, to be corrected


def test_full_width_digits_in_a_number_field_are_a_number(signed_in: SignedIn, db: Session) -> None:
    client = signed_in("zhangsan")
    fill_in(client, CGJ, {**CGJ_FORM, "occupy_area_m2": " １２.５ "}, {})

    assert _stored(db)["occupy_area_m2"] == 12.5


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("35010219900115102x", "35010219900115102X"),
        ("３５０１０２１９６２０４１８０３１０", "350102196204180310"),
        (" 350102196204180310 ", "350102196204180310"),
    ],
)
def test_an_id_number_is_taken_as_registration_takes_it(
    signed_in: SignedIn, db: Session, typed: str, number: str
) -> None:
    client = signed_in("zhangsan")
    response = apply(client, ITEM, {**VALID, "applicant_id_number": typed}, ID_PDF)

    assert response.status_code == 200, response.text
    assert _stored(db)["applicant_id_number"] == number


def test_a_wrong_check_digit_in_a_form_gets_registrations_precise_message(
    signed_in: SignedIn,
) -> None:
    client = signed_in("zhangsan")
    bad = {**VALID, "applicant_id_number": "350102196204180311"}
    response = fill_in(client, ITEM, bad, ID_PDF)

    assert response.status_code == 422
    said = found(r'<p class="error" id="e-applicant_id_number">([^<]+)</p>', response.text)
    assert "校验位错误：应为 0，实际为 1" in said and said.startswith(
        "“申请人(经办人)公民身份号码”"
    )


def test_a_phone_typed_with_spaces_and_full_width_is_stored_plain(
    signed_in: SignedIn, db: Session
) -> None:
    client = signed_in("zhangsan")
    response = apply(client, ITEM, {**VALID, "phone": "１３８ ０００0 0001"}, ID_PDF)

    assert response.status_code == 200, response.text
    assert _stored(db)["phone"] == "13800000001"


def test_identifier_inputs_do_not_block_what_the_server_accepts(signed_in: SignedIn) -> None:
    """No strict ``pattern`` for the browser: it would refuse a lower-case x before sending."""
    html = signed_in("zhangsan").get(f"/apply/{ITEM}").text
    tag = found(r'(<input[^>]*id="f-applicant_id_number"[^>]*>)', html)

    assert "pattern=" not in tag and 'data-identifier="resident-id"' in tag
