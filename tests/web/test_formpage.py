"""The JSON Schema form as a page: inputs from the schema, posted text back to typed values."""

from __future__ import annotations

from starlette.datastructures import FormData

from tongban.errors import InvalidInput
from tongban.forms import inputs as formpage

SCHEMA = {
    "type": "object",
    "required": ["name", "people"],
    "properties": {
        "name": {"type": "string", "title": "名称", "pattern": "^.+$"},
        "count": {"type": "integer", "title": "人数", "minimum": 0},
        "capital": {"type": "number", "title": "资本"},
        "online": {"type": "boolean", "title": "网上经营"},
        "kind": {"type": "string", "enum": ["甲", "乙"]},
        "day": {"type": "string", "format": "date"},
        "seals": {"type": "array", "items": {"type": "string", "enum": ["公章", "财务章"]}},
        "plates": {"type": "array", "items": {"type": "string"}},
        "people": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["who"],
                "properties": {
                    "who": {"type": "string", "title": "姓名"},
                    "share": {"type": "number"},
                },
            },
        },
    },
}


def test_widgets_follow_the_schema() -> None:
    inputs = {
        f.name: f for f in formpage.fields(SCHEMA, {"people": [{"who": "甲"}]}, {}, "zh_Hans")
    }
    widgets = {name: f.widget for name, f in inputs.items()}
    assert widgets == {
        "name": "text",
        "count": "number",
        "capital": "number",
        "online": "checkbox",
        "kind": "select",
        "day": "date",
        "seals": "checkboxes",
        "plates": "lines",
        "people": "rows",
    }
    assert inputs["name"].required and inputs["name"].attrs["pattern"] == "^.+$"
    assert inputs["count"].attrs == {"step": 1, "min": 0}
    rows = inputs["people"].rows
    assert len(rows) == 1 + formpage.BLANK_ROWS and rows[0][0].value == "甲"
    assert rows[0][0].required and not rows[0][0].enforce  # blank rows must not block the browser


def test_posted_text_becomes_typed_values() -> None:
    form = FormData(
        [
            ("name", " 店 "),
            ("count", "3"),
            ("capital", "1.5"),
            ("online", "on"),
            ("kind", "乙"),
            ("day", ""),
            ("seals", "公章"),
            ("seals", "财务章"),
            ("plates", "闽A12345\n\n闽B2"),
            ("people.rows", "3"),
            ("people.0.who", "张三"),
            ("people.0.share", "60"),
            ("people.1.who", ""),
            ("people.2.who", "李四"),
        ]
    )
    assert formpage.parse(SCHEMA, form) == {
        "name": "店",
        "count": 3,
        "capital": 1.5,
        "online": True,
        "kind": "乙",
        "seals": ["公章", "财务章"],
        "plates": ["闽A12345", "闽B2"],
        "people": [{"who": "张三", "share": 60}, {"who": "李四"}],
    }


def test_bad_numbers_stay_text_and_empty_lists_are_left_out() -> None:
    data = formpage.parse(SCHEMA, FormData([("count", "三"), ("people.rows", "x")]))
    assert data == {"count": "三", "online": False}


def test_problems_by_field_in_the_users_language() -> None:
    error = InvalidInput(
        "有误",
        "wrong",
        details=[
            {"field": "name", "message_zh": "“名称”必须填写", "message_en": "name is required"},
            {
                "field": "people.0.who",
                "message_zh": "“姓名”必须填写",
                "message_en": "who is required",
            },
        ],
    )
    assert formpage.problems_of(error, "zh_Hans") == {
        "name": "“名称”必须填写",
        "people.0.who": "“姓名”必须填写",
    }
    assert formpage.problems_of(error, "en")["name"] == "name is required"
    single = InvalidInput("不支持该送达方式。", "Unsupported delivery method.", field="delivery")
    assert formpage.problems_of(single, "en") == {"delivery": "Unsupported delivery method."}
    assert formpage.general({"x": "a", "name": "b"}, ["name"]) == ["a"]


def test_numbers_no_client_can_read_back_stay_text_for_the_check_to_name() -> None:
    schema = {"type": "object", "properties": {"n": {"type": "number"}}}
    for typed in ("nan", "inf", "1e400", "1e999999999999", "9" * 30):
        assert formpage.parse(schema, FormData([("n", typed)])) == {"n": typed}
    assert formpage.parse(schema, FormData([("n", "-0.0")])) == {"n": 0.0}
    assert formpage.parse(schema, FormData([("n", "１.５e3")])) == {"n": 1500.0}
