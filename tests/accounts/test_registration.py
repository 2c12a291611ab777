"""Self-registration of persons and enterprises: valid identifiers, clear messages
saying what to fix, argon2id password hashes, and no way to register staff.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import token
from tests.factories import API
from tongban.accounts.models import User
from tongban.identifiers import make_credit_code, make_resident_id

ID_NUMBER = make_resident_id("350102", date(1990, 3, 7), 457)
CREDIT_CODE = make_credit_code("350102", "MA3ABC12")


def _wrong_check_character(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


def person(username: str = "wangxiaoming", **changes: Any) -> dict[str, Any]:
    body = {
        "kind": "person",
        "username": username,
        "password": "s3cret-passw0rd",
        "display_name": "王小明",
        "id_number": ID_NUMBER,
        "phone": "13900000009",
    }
    return {**body, **changes}


def enterprise(username: str = "mingxing", **changes: Any) -> dict[str, Any]:
    body = person(
        username,
        kind="enterprise",
        display_name="陈经办",
        credit_code=CREDIT_CODE,
        enterprise_name="福州明星小吃店有限公司",
    )
    return {**body, **changes}


def test_person_registers_signs_in_and_sees_themselves(client: TestClient) -> None:
    response = client.post(f"{API}/auth/register", json=person())
    assert response.status_code == 201, response.text

    me = client.get(f"{API}/me", headers=token(client, "wangxiaoming", "s3cret-passw0rd"))

    assert me.status_code == 200, me.text
    assert me.json() | {"id": 0} == {
        "id": 0,
        "username": "wangxiaoming",
        "kind": "person",
        "display_name": "王小明",
        "department_code": None,
        "roles": ["applicant"],
        "enterprise_name": None,
        "credit_code": None,
    }


def test_enterprise_registers_with_its_credit_code(client: TestClient) -> None:
    response = client.post(f"{API}/auth/register", json=enterprise())
    assert response.status_code == 201, response.text

    me = client.get(f"{API}/me", headers=token(client, "mingxing", "s3cret-passw0rd")).json()

    assert me["kind"] == "enterprise"
    assert me["credit_code"] == CREDIT_CODE
    assert me["enterprise_name"] == "福州明星小吃店有限公司"
    assert me["roles"] == ["applicant"]


def test_lower_case_x_check_character_is_accepted_and_stored_upper_case(
    client: TestClient, db: Session
) -> None:
    number = next(
        make_resident_id("350102", date(1990, 3, 7), sequence)
        for sequence in range(1000)
        if make_resident_id("350102", date(1990, 3, 7), sequence).endswith("X")
    )

    response = client.post(f"{API}/auth/register", json=person(id_number=number.lower()))

    assert response.status_code == 201, response.text
    stored = db.scalar(select(User.id_number).where(User.username == "wangxiaoming"))
    assert stored == number


def test_wrong_check_character_says_what_to_fix_in_chinese(client: TestClient) -> None:
    bad = _wrong_check_character(ID_NUMBER)

    response = client.post(f"{API}/auth/register", json=person(id_number=bad))

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == "id_number"
    assert error["message"].startswith("身份证号码校验位错误")
    assert f"应为 {ID_NUMBER[17]}" in error["message"]


def test_wrong_check_character_message_is_english_when_asked(client: TestClient) -> None:
    bad = _wrong_check_character(ID_NUMBER)

    response = client.post(
        f"{API}/auth/register", json=person(id_number=bad), headers={"Accept-Language": "en"}
    )

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == "id_number"
    assert error["message"].startswith(f"check character should be {ID_NUMBER[17]}")


def test_enterprise_without_credit_code_is_refused(client: TestClient) -> None:
    response = client.post(f"{API}/auth/register", json=enterprise(credit_code=None))

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == "credit_code"
    assert "统一社会信用代码" in error["message"]


def test_enterprise_without_a_name_points_at_the_name(client: TestClient) -> None:
    response = client.post(f"{API}/auth/register", json=enterprise(enterprise_name=None))

    assert response.status_code == 422
    assert response.json()["error"]["field"] == "enterprise_name"


def test_enterprise_with_a_bad_credit_code_is_refused(client: TestClient) -> None:
    bad = CREDIT_CODE[:17] + ("0" if CREDIT_CODE[17] != "0" else "1")

    response = client.post(f"{API}/auth/register", json=enterprise(credit_code=bad))

    assert response.status_code == 422
    assert response.json()["error"]["field"] == "credit_code"


def test_taken_username_is_a_conflict(client: TestClient) -> None:
    response = client.post(f"{API}/auth/register", json=person("zhangsan"))

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["field"] == "username"
    assert "zhangsan" in error["message"]


def test_second_registration_with_the_same_username_is_a_conflict(client: TestClient) -> None:
    assert client.post(f"{API}/auth/register", json=person()).status_code == 201

    again = client.post(f"{API}/auth/register", json=person(display_name="另一个人"))

    assert again.status_code == 409


def test_staff_cannot_register_themselves(client: TestClient, db: Session) -> None:
    response = client.post(f"{API}/auth/register", json=person(kind="staff"))

    assert response.status_code == 422
    assert db.scalar(select(User).where(User.username == "wangxiaoming")) is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"password": "short"}, "password"),
        ({"username": "有中文"}, "username"),
        ({"phone": "12345"}, "phone"),
    ],
)
def test_malformed_fields_are_listed_in_the_details(
    client: TestClient, change: dict[str, Any], field: str
) -> None:
    response = client.post(f"{API}/auth/register", json=person(**change))

    assert response.status_code == 422
    assert [detail["field"] for detail in response.json()["error"]["details"]] == [field]


def test_password_is_stored_only_as_an_argon2id_hash(client: TestClient, db: Session) -> None:
    assert client.post(f"{API}/auth/register", json=person()).status_code == 201

    stored = db.scalar(select(User.password_hash).where(User.username == "wangxiaoming"))

    assert stored is not None
    assert stored.startswith("$argon2id$")
    assert "s3cret-passw0rd" not in stored


def test_identifiers_typed_full_width_or_spaced_are_stored_as_forms_store_them(
    client: TestClient, db: Session
) -> None:
    wide = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
    body = enterprise(
        id_number=f" {ID_NUMBER.translate(wide)} ",
        credit_code=CREDIT_CODE.lower(),
        phone="１３９ ０００0-0009",
    )

    response = client.post(f"{API}/auth/register", json=body)

    assert response.status_code == 201, response.text
    user = db.scalars(select(User).where(User.username == "mingxing")).one()
    assert (user.id_number, user.credit_code, user.phone) == (
        ID_NUMBER,
        CREDIT_CODE,
        "13900000009",
    )


def test_a_bad_phone_gets_the_message_forms_give(client: TestClient) -> None:
    response = client.post(f"{API}/auth/register", json=person(phone="1390000000"))

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == "phone"
    assert error["message"] == "手机号码应为 11 位，实际为 10 位"


def test_every_wrong_field_is_named_at_once(client: TestClient) -> None:
    """Found in trial: the first wrong field alone was named, the next after a second try."""
    body = enterprise(
        id_number=_wrong_check_character(ID_NUMBER),
        phone="1390000000",
        enterprise_name=None,
        credit_code=None,
    )
    response = client.post(f"{API}/auth/register", json=body)

    assert response.status_code == 422
    details = response.json()["error"]["details"]
    assert [d["field"] for d in details] == ["id_number", "phone", "enterprise_name", "credit_code"]
    assert "手机号码应为 11 位" in response.json()["error"]["message"]


def test_a_weak_password_is_named_with_the_other_wrong_fields(client: TestClient) -> None:
    """The password was checked before the rest: a weak one alone was named, the wrong
    phone only after a second try."""
    body = person(password="12345678", phone="1390000000")
    response = client.post(f"{API}/auth/register", json=body)

    assert response.status_code == 422
    details = response.json()["error"]["details"]
    assert [d["field"] for d in details] == ["password", "phone"]
