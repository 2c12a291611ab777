"""Dates that cannot be: a newborn born tomorrow, a contract ended next month, a planned
start last year, an end before its start. The form says so (``x-not-after``,
``x-not-before``), the check names the field and what to fix, and the loader refuses a
bound that names no date."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from tests.catalog.conftest import CatalogCopy
from tests.conftest import START
from tests.factories import API, draft
from tongban import models
from tongban.catalog.loader import read_catalog
from tongban.demo.samples import fill_form
from tongban.forms import service as formcheck

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2025, 9, 22)  # START in Beijing
# date fields whose title names something that has already happened (a birth, a death, a
# contract ended, an acceptance passed, an exam passed, a licence first issued, a stay begun)
PAST_WORDS = re.compile(r"出生|死亡|成立|解除|终止|完成|合格|初次|居住起始|竣工验收")
PLANNED_WORDS = re.compile(r"计划|设置期限起|占用起始|认缴出资期限")


def _items() -> dict[str, dict[str, Any]]:
    found = {}
    for path in sorted((ROOT / "catalog" / "items").glob("*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        found[data["code"]] = data
    return found


def _dates(props: dict[str, Any], prefix: str = "") -> list[tuple[str, dict[str, Any]]]:
    found = []
    for name, prop in props.items():
        if prop.get("format") == "date":
            found.append((prefix + name, prop))
        items = prop.get("items", {})
        if prop.get("type") == "array" and items.get("type") == "object":
            found += _dates(items.get("properties", {}), f"{prefix}{name}[].")
    return found


FORM = {
    "type": "object",
    "properties": {
        "born": {"type": "string", "format": "date", "title": "出生日期", "x-not-after": "today"},
        "start": {"type": "string", "format": "date", "title": "起始日期", "x-not-before": "today"},
        "end": {"type": "string", "format": "date", "title": "截止日期", "x-not-before": "start"},
    },
}


@given(
    born=st.integers(-4000, 4000),
    start=st.integers(-4000, 4000),
    end=st.integers(-4000, 4000),
    today=st.dates(date(2000, 1, 1), date(2090, 1, 1)),
)
def test_a_date_is_refused_exactly_when_it_breaks_its_bound(
    born: int, start: int, end: int, today: date
) -> None:
    day = {
        "born": today + timedelta(days=born),
        "start": today + timedelta(days=start),
        "end": today + timedelta(days=end),
    }
    data = {name: value.isoformat() for name, value in day.items()}
    said = {p["field"]: p for p in formcheck.problems(FORM, data, today=today)}
    assert ("born" in said) == (day["born"] > today)
    assert ("start" in said) == (day["start"] < today)
    assert ("end" in said) == (day["end"] < day["start"])
    if "born" in said:
        assert said["born"]["message_zh"].startswith("“出生日期”不能晚于今天")
        assert "after today" in said["born"]["message_en"]
    if "end" in said:
        assert "不能早于“起始日期”" in said["end"]["message_zh"]


def test_every_date_of_what_has_happened_may_not_be_in_the_future() -> None:
    missing, planned = [], []
    for code, item in _items().items():
        for name, prop in _dates(item["form"]["properties"]):
            title = str(prop.get("title", ""))
            if PAST_WORDS.search(title) and prop.get("x-not-after") != "today":
                missing.append(f"{code} {name} {title}")
            if PLANNED_WORDS.search(title) and "x-not-before" not in prop:  # today, or its start
                planned.append(f"{code} {name} {title}")
    assert not missing, missing
    assert not planned, planned


def test_a_newborn_born_tomorrow_is_refused_at_submission_saying_what_to_fix(
    client: TestClient, as_user: Any
) -> None:
    headers = as_user("zhangsan")
    case = draft(client, headers, "3501-GA-002")
    form = client.get(f"{API}/cases/{case['number']}", headers=headers).json()["form_data"]
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    response = client.patch(
        f"{API}/cases/{case['number']}",
        json={"form_data": {**form, "child_birth_date": tomorrow}},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    refused = client.post(f"{API}/cases/{case['number']}/submit", headers=headers)
    assert refused.status_code == 422, refused.text
    details = {d["field"]: d for d in refused.json()["error"]["details"]}
    said = details["child_birth_date"]["message_zh"]
    assert said == "“新生儿出生日期”不能晚于今天（2025年9月22日），请填写已经发生的日期"
    assert START.date() == TODAY


def test_the_loader_refuses_a_bound_on_a_text_field_or_naming_no_date(
    catalog_copy: CatalogCopy,
) -> None:
    models.load_all()
    name = "items/3501-GA-002.yaml"
    catalog_copy.replace(name, "x-not-after: today", "x-not-after: tomorrow")
    messages = [p.message for p in read_catalog(catalog_copy.root).errors]
    assert any("x-not-after 须为 today" in m for m in messages), messages


def test_sample_forms_respect_the_bounds() -> None:
    for code, item in _items().items():
        data = fill_form(item["form"])
        problems = formcheck.problems(item["form"], data, today=date.today())
        assert not [p for p in problems if "日期" in p["message_zh"]], (code, problems)


@pytest.mark.parametrize("code", ["3501-GA-002"])
def test_the_bound_reaches_the_item_definition(client: TestClient, code: str) -> None:
    form = client.get(f"{API}/items/{code}").json()["definition"]["form"]
    assert form["properties"]["child_birth_date"]["x-not-after"] == "today"
