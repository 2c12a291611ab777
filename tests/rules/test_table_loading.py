"""The catalog loader checks decision tables: structure (JSON Schema), then that every field
exists in the form or a shared source, every test fits the field, and that an instant item
has a table, a decision stage and no step that waits for a person."""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.catalog.conftest import CatalogCopy
from tongban.catalog.loader import read_catalog

ROOT = Path(__file__).resolve().parents[2] / "catalog"


def _messages(catalog_copy: CatalogCopy, code: str, change) -> list[str]:  # type: ignore[no-untyped-def]
    path = catalog_copy.path(f"items/{code}.yaml")
    item = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(item)
    path.write_text(yaml.safe_dump(item, allow_unicode=True), encoding="utf-8")
    return [f"{p.field}: {p.message}" for p in read_catalog(catalog_copy.root).errors]


def test_every_demo_item_labelled_instant_has_a_sound_table() -> None:
    read = read_catalog(ROOT)
    assert not read.errors
    instant = [code for code, item in read.items.items() if item["approval_mode"] == "instant"]
    assert instant and all("decision" in read.items[code] for code in instant)


def test_a_field_that_is_neither_in_the_form_nor_in_a_source_is_refused(
    catalog_copy: CatalogCopy,
) -> None:
    def change(item: dict) -> None:  # type: ignore[type-arg]
        item["decision"]["inputs"].append({"field": "transport.colour"})
        item["decision"]["inputs"].append({"field": "no_such_field"})
        item["decision"]["rules"][0]["when"]["licence_count"] = 1

    found = _messages(catalog_copy, "3501-YB-003", change)
    assert any("inputs.4.field" in m and "transport.colour" in m for m in found), found
    assert any("inputs.5.field" in m and "no_such_field" in m for m in found), found
    assert any("licence_count" in m and "不是本表的输入列" in m for m in found), found


def test_tests_that_do_not_fit_their_field_are_refused(catalog_copy: CatalogCopy) -> None:
    def change(item: dict) -> None:  # type: ignore[type-arg]
        when = item["decision"]["rules"][0]["when"]
        when["filing_type"] = {"lt": 3}  # an ordering on text
        when["filing_start_date"] = {"ge": "next week"}  # not a date
        when["destination_province"] = {"eq": 5}  # a number for text

    found = _messages(catalog_copy, "3501-YB-003", change)
    assert any("filing_type" in m and "只能用于数字或日期" in m for m in found), found
    assert any("filing_start_date" in m and "today" in m for m in found), found
    assert any("destination_province" in m and "不是文字" in m for m in found), found


def test_an_enum_value_the_form_cannot_hold_is_refused(catalog_copy: CatalogCopy) -> None:
    def change(item: dict) -> None:  # type: ignore[type-arg]
        item["decision"]["rules"][5]["when"]["filing_type"] = "转诊人员"

    found = _messages(catalog_copy, "3501-YB-003", change)
    assert any("不在该字段的可选项" in m for m in found), found


def test_an_unknown_operator_or_hit_policy_is_refused_by_the_schema(
    catalog_copy: CatalogCopy,
) -> None:
    def change(item: dict) -> None:  # type: ignore[type-arg]
        item["decision"]["hit_policy"] = "COLLECT"
        item["decision"]["rules"][0]["when"]["filing_type"] = {"matches": "__import__('os')"}

    found = _messages(catalog_copy, "3501-YB-003", change)
    assert any(m.startswith("decision.hit_policy") for m in found), found


def test_an_instant_item_needs_a_table_and_no_step_that_waits_for_a_person(
    catalog_copy: CatalogCopy,
) -> None:
    def change(item: dict) -> None:  # type: ignore[type-arg]
        del item["decision"]
        item["process"]["stages"].insert(1, {"stage": "review", "limit": 1})
        item["materials"][1]["ways"] = ["licence", "verified", "upload"]
        item["materials"][1]["issuer"] = "GA"

    found = _messages(catalog_copy, "3501-CGJ-001", change)
    assert any(m.startswith("approval_mode") and "规则表" in m for m in found), found
    assert any(m.startswith("process.stages") and "review" in m for m in found), found
    assert any(m.startswith("materials.1.ways") and "协查" in m for m in found), found


def test_a_table_on_an_ordinary_item_is_checked_too(catalog_copy: CatalogCopy) -> None:
    def change(item: dict) -> None:  # type: ignore[type-arg]
        item["approval_mode"] = "ordinary"
        item["decision"]["inputs"].append({"field": "nowhere"})

    found = _messages(catalog_copy, "3501-YB-003", change)
    assert any("nowhere" in m for m in found), found


def test_a_table_that_breaks_its_schema_is_refused_in_chinese() -> None:
    """The table's schema errors were jsonschema's English ("'SOMETIMES' is not one of …")."""
    from tongban.rules.service import table_problems

    table = {
        "hit_policy": "SOMETIMES",
        "inputs": [{"field": "age"}, {"field": "age"}],
        "rules": [{"when": {}, "outcome": "approve", "reason": "可以", "extra": 1}],
    }
    found = [message for _, (message, _) in table_problems(table, form={}, sources={})]
    assert (
        "命中策略（hit_policy）：“SOMETIMES”不是可选的值，应为以下之一：FIRST、UNIQUE、PRIORITY、ANY"
        in found
    )
    assert any(message.startswith("规则（rules.0）：不认识的字段 extra") for message in found), (
        found
    )
    assert not any("is not one of" in message or "were unexpected" in message for message in found)


def test_a_multiple_choice_field_is_tested_by_its_choices(catalog_copy: CatalogCopy) -> None:
    """A list field (经营项目, several choices) could only be tested for empty: a table
    could not send raw-food or semi-prepared food businesses to a person."""
    high_risk = {"any_in": ["生食类食品制售", "半成品制售"]}

    def sound(item: dict) -> None:  # type: ignore[type-arg]
        item["decision"] = {
            "hit_policy": "FIRST",
            "inputs": [{"field": "food_business_items"}],
            "rules": [
                {
                    "when": {"food_business_items": high_risk},
                    "outcome": "to_person",
                    "reason": "高风险",
                },
                {"when": {}, "outcome": "approve", "reason": "准予许可"},
            ],
        }

    assert _messages(catalog_copy, "3501-SCJG-002", sound) == []

    def wrong(item: dict) -> None:  # type: ignore[type-arg]
        when = item["decision"]["rules"][0]["when"]
        when["food_business_items"] = {"any_in": ["卖烟花"], "in": ["热食类食品制售"]}
        item["decision"]["inputs"].append({"field": "food_operator_type"})
        when["food_operator_type"] = {"all_in": ["单位食堂"]}

    found = _messages(catalog_copy, "3501-SCJG-002", wrong)
    assert any("any_in" in m and "'卖烟花' 不在该字段的可选项" in m for m in found), found
    assert any("food_business_items.in" in m and "只能用 any_in" in m for m in found), found
    assert any("all_in" in m and "单个值请用 in 或 not_in" in m for m in found), found
