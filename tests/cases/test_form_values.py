"""Values a form must not take: NaN, infinities, numbers no field admits, endless text.

Every entry refuses them with a message naming the field: the JSON API (before the
body reaches a route), the service that saves a draft, the check before submission,
and, last, the JSON column itself.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from tests.conftest import START
from tests.factories import API, entry
from tongban.accounts import service as accounts
from tongban.cases import service as cases
from tongban.cases.models import Case
from tongban.demo.samples import fill_form
from tongban.errors import InvalidInput
from tongban.forms import service as formcheck

ITEM = "3501-CGJ-003"  # 临时占用城市道路审批: occupy_area_m2 is a number > 0
FIELD = "occupy_area_m2"
NOT_FINITE = ["NaN", "Infinity", "-Infinity", "1e400", "-1e999"]


def _body(client: TestClient, value: str) -> str:
    """A create body with ``value`` spliced in as raw JSON text for the area."""
    form = fill_form(entry(client, ITEM)["form"])
    form[FIELD] = "@@"
    return json.dumps({"code": ITEM, "form_data": form}).replace('"@@"', value)


@pytest.mark.parametrize("value", NOT_FINITE)
def test_the_api_refuses_a_number_json_cannot_hold(
    client: TestClient, as_user: Any, value: str
) -> None:
    headers = {**as_user("minfeng"), "content-type": "application/json"}
    response = client.post(f"{API}/cases", content=_body(client, value), headers=headers)

    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert error["details"][0]["field"] == f"form_data.{FIELD}"
    assert "有限" in error["details"][0]["message_zh"]
    assert client.get(f"{API}/cases", headers=as_user("minfeng")).json() == []


def test_a_saved_draft_keeps_its_value_when_an_update_sends_nan(
    client: TestClient, as_user: Any
) -> None:
    headers = {**as_user("minfeng"), "content-type": "application/json"}
    created = client.post(f"{API}/cases", content=_body(client, "12.5"), headers=headers)
    assert created.status_code == 201, created.text
    number = created.json()["number"]
    form = {**created.json()["form_data"], FIELD: "@@"}
    body = json.dumps({"form_data": form}).replace('"@@"', "NaN")

    response = client.patch(
        f"{API}/cases/{number}",
        content=body,
        headers={**headers, "accept-language": "en"},
    )

    assert response.status_code == 422
    assert "finite" in response.json()["error"]["details"][0]["message_en"]
    assert client.get(f"{API}/cases/{number}", headers=headers).json()["form_data"][FIELD] == 12.5


def test_a_huge_integer_is_refused_with_a_message_not_a_crash(
    client: TestClient, as_user: Any
) -> None:
    headers = {**as_user("minfeng"), "content-type": "application/json"}
    response = client.post(f"{API}/cases", content=_body(client, "9" * 5000), headers=headers)

    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == f"form_data.{FIELD}"


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_the_form_check_refuses_non_finite_numbers(value: float) -> None:
    schema = {"type": "object", "properties": {"x": {"type": "number", "exclusiveMinimum": 0}}}

    found = formcheck.problems(schema, {"x": value})

    assert [p["field"] for p in found] == ["x"]


@pytest.mark.parametrize("value", [math.nan, math.inf])
def test_the_service_refuses_to_save_a_non_finite_number(db: Session, value: float) -> None:
    applicant = accounts.find_user(db, username="minfeng")
    assert applicant is not None
    with pytest.raises(InvalidInput) as error:
        cases.create_case(db, applicant=applicant, code=ITEM, form_data={FIELD: value}, now=START)
    assert error.value.details[0]["field"] == FIELD


def test_the_json_column_refuses_nan(db: Session) -> None:
    """The last line: even a write that skips the services cannot store a bare NaN."""
    any_case = select(Case.id).limit(1)
    # SQLite's dialect serialises (wrapped as StatementError); psycopg calls it while binding
    with pytest.raises((StatementError, ValueError), match="JSON compliant"):
        db.execute(update(Case).where(Case.id.in_(any_case)).values(form_data={FIELD: math.nan}))


SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "area": {"type": "number", "title": "面积", "exclusiveMinimum": 0, "maximum": 1000},
        "count": {"type": "integer", "title": "人数", "minimum": 1},
        "capital": {"type": "number", "title": "注册资本"},
        "note": {"type": "string", "title": "说明"},
        "name": {"type": "string", "title": "名称", "maxLength": 10},
    },
}


@pytest.mark.parametrize(
    ("data", "field", "says"),
    [
        ({"area": 1001}, "area", "“面积”不能大于 1000"),
        ({"area": 0}, "area", "“面积”应大于 0"),
        ({"area": -0.0}, "area", "“面积”应大于 0"),
        ({"count": 0}, "count", "“人数”应为不小于 1 的整数"),
        ({"count": 2.5}, "count", "“人数”应填写整数"),
        ({"area": "abc"}, "area", "“面积”应填写数字"),
        ({"capital": 10**20}, "capital", "“注册资本”超出可处理的范围"),
        ({"capital": "1e400"}, "capital", "“注册资本”超出可处理的范围"),
        ({"name": "长" * 11}, "name", "“名称”最多 10 个字"),
        ({"note": "长" * 5000}, "note", "“说明”最多 2000 个字"),
    ],
)
def test_each_value_out_of_bounds_gets_a_message_saying_the_bound(
    data: dict[str, Any], field: str, says: str
) -> None:
    found = formcheck.problems(SCHEMA, data)

    assert [(p["field"], p["message_zh"]) for p in found] == [(field, says)]
    assert found[0]["message_en"].startswith("'" + says[1 : says.index("”")] + "'")


ENGLISH_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "filing_type": {
            "type": "string",
            "title": "备案人员类别",
            "title_en": "Category of the person filing",
            "enum": ["异地长期居住人员", "临时外出就医人员"],
            "enum_en": ["Living long-term elsewhere", "Treated elsewhere while away"],
        },
        "city": {"type": "string", "title": "就医地城市", "minLength": 2},
        "shareholders": {
            "type": "array",
            "title": "股东",
            "title_en": "Shareholders",
            "items": {
                "type": "object",
                "properties": {"name": {"type": "string", "title": "姓名", "title_en": "Name"}},
                "required": ["name"],
            },
        },
    },
    "required": ["filing_type"],
}


def test_an_english_message_names_the_field_as_the_english_page_labels_it() -> None:
    said = {p["field"]: p["message_en"] for p in formcheck.problems(ENGLISH_SCHEMA, {"city": "x"})}
    chosen = formcheck.problems(ENGLISH_SCHEMA, {"filing_type": "别的", "shareholders": [{}]})

    assert said["filing_type"] == "'Category of the person filing' is required"
    assert said["city"].startswith("'就医地城市' needs at least 2")  # no English title: as shown
    assert {p["field"]: p["message_en"] for p in chosen} == {
        "filing_type": "'Category of the person filing' must be one of: "
        "Living long-term elsewhere, Treated elsewhere while away",
        "shareholders.0.name": "'Shareholders, row 1, Name' is required",
    }
