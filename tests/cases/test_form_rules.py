"""Each rule of a form's JSON Schema is said as the rule it is, naming the field's title:
"应大于 0", "应为不小于 1 的整数", the choices of a list, the shape a pattern wants. Numbers
typed as text (an API client's "-1", a full-width "１２") are numbers, as in the browser.
Fields the form does not have are refused by the API and never stored.
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import API, draft, entry
from tests.web.support import ITEM, VALID, fill_in, sign_in
from tongban.cases.models import Case
from tongban.demo.samples import fill_form
from tongban.forms import service as formcheck

ROOT = Path(__file__).resolve().parents[2]
CGJ = "3501-CGJ-003"  # occupy_area_m2: number, exclusiveMinimum 0
GJJ = "3501-GJJ-001"  # hpf_depositor_count: integer, minimum 1; rate: 5 ≤ number ≤ 12


@cache
def _item(code: str) -> dict[str, Any]:
    """An item's YAML, read once per run (the keyword tests read every item's form)."""
    text = (ROOT / "catalog" / "items" / f"{code}.yaml").read_text("utf-8")
    return dict(yaml.load(text, Loader=yaml.CSafeLoader))


def _form(code: str) -> dict[str, Any]:
    return copy.deepcopy(_item(code)["form"])


def _said(code: str, **values: Any) -> dict[str, str]:
    schema = _form(code)
    data = {**fill_form(schema), **values}
    return {p["field"]: p["message_zh"] for p in formcheck.problems(schema, data)}


@pytest.mark.parametrize(
    ("code", "field", "typed", "message"),
    [
        (CGJ, "occupy_area_m2", "-1", "“占用面积(平方米)”应大于 0"),
        (CGJ, "occupy_area_m2", "0", "“占用面积(平方米)”应大于 0"),
        (CGJ, "occupy_area_m2", 0, "“占用面积(平方米)”应大于 0"),
        (GJJ, "hpf_depositor_count", "0", "“首次缴存职工人数”应为不小于 1 的整数"),
        (GJJ, "hpf_depositor_count", "1.5", "“首次缴存职工人数”应填写整数"),
        (GJJ, "hpf_contribution_rate", "４", "“缴存比例(%)”不能小于 5"),
        (GJJ, "hpf_contribution_rate", 13, "“缴存比例(%)”不能大于 12"),
        (GJJ, "hpf_contribution_rate", "abc", "“缴存比例(%)”应填写数字"),
    ],
)
def test_a_number_gets_the_rule_it_breaks(code: str, field: str, typed: Any, message: str) -> None:
    assert _said(code, **{field: typed})[field] == message


@pytest.mark.parametrize("typed", ["１２", " 12 ", "+12", "12.0"])
def test_numbers_typed_as_text_in_any_width_are_taken(typed: str) -> None:
    schema = _form(GJJ)
    data = formcheck.clean(schema, {**fill_form(schema), "hpf_depositor_count": typed})
    assert data["hpf_depositor_count"] == 12 and isinstance(data["hpf_depositor_count"], int)
    assert "hpf_depositor_count" not in _said(GJJ, hpf_depositor_count=typed)


def _catalog_fields() -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for path in sorted((ROOT / "catalog" / "items").glob("*.yaml")):
        form = _form(path.stem)
        found += [(path.stem, name, prop) for name, prop in form["properties"].items()]
    return found


def _breaking(keyword: str, prop: dict[str, Any]) -> Any:
    """A value that breaks ``keyword`` of ``prop`` and nothing before it."""
    value = prop[keyword]
    return {
        "minimum": lambda: value - 1,
        "exclusiveMinimum": lambda: value,
        "maximum": lambda: value + 1,
        "multipleOf": lambda: value * 1.5,
        "minLength": lambda: "字" * (value - 1),
        "maxLength": lambda: "字" * (value + 1),
        "pattern": lambda: "？？",
        "format": lambda: "2025-02-30",
        "enum": lambda: "不在其中",
        "minItems": lambda: [],
        "uniqueItems": lambda: (
            [prop["items"]["enum"][0]] * 2
            if "enum" in prop.get("items", {})
            else ["京A12345", "京A12345"]
        ),
    }[keyword]()


KEYWORDS = [
    "minimum",
    "exclusiveMinimum",
    "maximum",
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "enum",
    "minItems",
    "uniqueItems",
]
VAGUE = {"不符合要求", "超出可处理的范围", "类型不正确"}


@pytest.mark.parametrize("keyword", KEYWORDS)
def test_every_keyword_the_catalog_uses_gets_a_message_naming_the_field(keyword: str) -> None:
    fields = [f for f in _catalog_fields() if keyword in f[2]]
    assert fields, f"the catalog no longer uses {keyword}"
    for code, name, prop in fields:
        if keyword == "minLength" and prop[keyword] < 2:
            continue  # an empty text is a missing one
        if keyword == "format" and prop["format"] != "date":
            continue  # identifier formats: their own messages (tests/identifiers)
        said = _said(code, **{name: _breaking(keyword, prop)}).get(name)
        assert said, (code, name, keyword)
        assert said.startswith(f"“{prop['title']}”"), said
        assert said.removeprefix(f"“{prop['title']}”") not in VAGUE, (code, name, said)


def test_a_list_of_choices_names_them() -> None:
    said = _said(CGJ, occupy_purpose="唱歌")["occupy_purpose"]
    assert said == "“占用用途”应为以下之一：施工作业、物料堆放、临时设施搭建、其他"


def test_a_pattern_says_the_shape_its_description_gives() -> None:
    code, name, prop = next(
        f for f in _catalog_fields() if "pattern" in f[2] and "如 2024-350102" in str(f[2])
    )
    said = _said(code, **{name: "2024"})[name]
    assert said == f"“{prop['title']}”格式不正确（{prop['description']}）"


def test_the_api_takes_a_number_typed_as_text_and_names_the_rule(
    client: TestClient, as_user: Any
) -> None:
    headers = as_user("minfeng")
    form = {**fill_form(entry(client, CGJ)["form"]), "occupy_area_m2": "１２"}
    created = client.post(f"{API}/cases", json={"code": CGJ, "form_data": form}, headers=headers)
    assert created.status_code == 201, created.text
    assert created.json()["form_data"]["occupy_area_m2"] == 12


def test_the_api_refuses_a_field_the_form_does_not_have_and_keeps_what_was_saved(
    client: TestClient, as_user: Any
) -> None:
    headers = as_user("zhangsan")
    case = draft(client, headers, ITEM)
    saved = case["form_data"]
    body = {"form_data": {**saved, "zzz_unknown": 1, "phone": "13900000000"}}
    response = client.patch(f"{API}/cases/{case['number']}", json=body, headers=headers)

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == "zzz_unknown"
    assert error["details"] == [
        {
            "field": "zzz_unknown",
            "message_zh": "“zzz_unknown”不是本事项表单中的字段，请删去",
            "message_en": "'zzz_unknown' is not a field of this item's form; remove it",
        }
    ]
    assert client.get(f"{API}/cases/{case['number']}", headers=headers).json()["form_data"] == saved
    created = client.post(
        f"{API}/cases", json={"code": ITEM, "form_data": {"nickname": "x"}}, headers=headers
    )
    assert created.status_code == 422 and created.json()["error"]["field"] == "nickname"


def test_a_page_stores_only_the_fields_of_the_form(client: TestClient, db: Session) -> None:
    """A browser sends only the inputs the page has; anything else posted is never stored."""
    sign_in(client, "zhangsan")
    response = fill_in(client, ITEM, {**VALID, "zzz_unknown": "x", "role": "admin"}, {})
    assert response.status_code in (200, 422)
    stored = db.scalars(select(Case.form_data).order_by(Case.id.desc()).limit(1)).one()
    assert stored["phone"] == VALID["phone"]
    assert "zzz_unknown" not in stored and "role" not in stored
