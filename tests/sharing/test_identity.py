"""Real-name verification (实名认证): self-registration checks the ID number (and an
enterprise's credit code and legal representative) against the registers; someone else's
number is refused, and an account whose identity was not verified sees none of the
registers' data, licences or access log of the number it gave."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import token
from tests.factories import API
from tests.sharing.conftest import MINFENG_CREDIT, ZHANGSAN_ID
from tests.sharing.test_registering import MINFENG, MINFENG_REP
from tongban.accounts.models import User

PASSWORD = "s3cret-passw0rd"


def _register(client: TestClient, body: dict[str, Any], language: str = "zh") -> Any:
    base = {"kind": "person", "username": "stranger", "password": PASSWORD, "phone": "13900000019"}
    headers = {"Accept-Language": language}
    return client.post(f"{API}/auth/register", json={**base, **body}, headers=headers)


def test_someone_elses_id_number_is_refused(client: TestClient, population: dict[str, int]) -> None:
    body = {"display_name": "冒名者", "id_number": ZHANGSAN_ID}
    refused = _register(client, body)
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert error["field"] == "id_number" and "公安人口库" in error["message"]
    english = _register(client, body, "en").json()["error"]["message"]
    assert "population register" in english


def test_someone_elses_enterprise_is_refused(
    client: TestClient, population: dict[str, int]
) -> None:
    body = {
        "kind": "enterprise",
        "display_name": "张三",
        "id_number": ZHANGSAN_ID,  # a real person, but not minfeng's legal representative
        "credit_code": MINFENG_CREDIT,
        "enterprise_name": MINFENG,
    }
    refused = _register(client, body)
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["field"] == "credit_code"


def test_the_legal_representative_registers_the_enterprise_verified(
    client: TestClient, population: dict[str, int]
) -> None:
    body = {
        "kind": "enterprise",
        "display_name": "王五",
        "id_number": MINFENG_REP,
        "credit_code": MINFENG_CREDIT,
        "enterprise_name": MINFENG,
    }
    made = _register(client, {**body, "username": "minfeng2"})
    assert made.status_code == 201, made.text
    mine = client.get(f"{API}/profiles/me", headers=token(client, "minfeng2", PASSWORD)).json()
    firm = mine[0]
    assert firm["verified"] and firm["key"] == MINFENG_CREDIT and firm["sources"]


def test_an_unverified_account_sees_nothing_shared_of_the_number_it_gave(
    client: TestClient, as_user: Any, db: Session, population: dict[str, int]
) -> None:
    """An account made while the registers did not hold or answer for its number (here:
    zhangsan's verification taken back) sees nothing of that number's data."""
    headers = as_user("zhangsan")
    own = client.get(f"{API}/profiles/me", headers=headers).json()
    assert own[0]["verified"] and own[0]["sources"]
    user = db.scalars(select(User).where(User.username == "zhangsan")).one()
    user.identity_verified_at = None
    db.commit()
    mine = client.get(f"{API}/profiles/me", headers=headers).json()
    assert [p["verified"] for p in mine] == [False]
    assert mine[0]["sources"] == [] and mine[0]["licences"] == [] and mine[0]["key"] == ""
    assert client.get(f"{API}/licences", headers=headers).json() == []
    created = client.post(
        f"{API}/cases", json={"code": "3501-SCJG-002", "form_data": {}}, headers=headers
    )
    assert created.status_code == 201, created.text
    assert created.json()["form_data"].get("applicant_id_number") in (None, "", ZHANGSAN_ID)
    pulled = client.get(f"{API}/cases/{created.json()['number']}", headers=headers).json()
    assert "来自公安人口库" not in str(pulled)


def test_a_new_account_of_an_unknown_number_is_made_unverified(
    client: TestClient, population: dict[str, int]
) -> None:
    made = _register(client, {"display_name": "新用户", "id_number": "11010519491231002X"})
    assert made.status_code == 201, made.text
    mine = client.get(f"{API}/profiles/me", headers=token(client, "stranger", PASSWORD)).json()
    assert [p["verified"] for p in mine] == [False]
