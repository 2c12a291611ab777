"""The page's script refuses a value in the server's words (found in trial: it said
"格式不正确" and named no format): each input carries, per problem the script finds, the
reason the server's check gives for the same field, so the two messages agree."""

from __future__ import annotations

from typing import Any

import pytest

from tongban.forms import inputs
from tongban.forms.service import problems

FORM: dict[str, Any] = {
    "type": "object",
    "properties": {
        "postcode": {"type": "string", "title": "邮政编码", "pattern": "^[0-9]{6}$"},
        "plate": {
            "type": "string",
            "title": "车牌号",
            "pattern": "^闽[A-Z][0-9A-Z]{5}$",
            "description": "如 闽A12345",
        },
        "staff": {"type": "integer", "title": "从业人数", "minimum": 1, "maximum": 500},
        "area": {"type": "number", "title": "面积", "minimum": 0},
        "shop": {"type": "string", "title": "店名", "minLength": 2, "maxLength": 30},
        "opened": {"type": "string", "title": "开业日期", "format": "date"},
        "mail": {"type": "string", "title": "电子邮箱", "format": "email"},
    },
}
# (field, the problem static/form.js finds, a value the server refuses for the same reason)
CASES = [
    ("postcode", "pattern", "3500"),
    ("plate", "pattern", "A12345"),
    ("staff", "minimum", 0),
    ("staff", "maximum", 501),
    ("staff", "type", 1.5),
    ("area", "minimum", -1),
    ("shop", "minLength", "店"),
    ("shop", "maxLength", "店" * 31),
    ("opened", "type", "2025-02-30"),
    ("mail", "pattern", "not-an-address"),
]


@pytest.mark.parametrize(("field", "problem", "value"), CASES)
@pytest.mark.parametrize("locale", ["zh", "en"])
def test_the_browser_says_what_the_server_says(
    field: str, problem: str, value: Any, locale: str
) -> None:
    shown = {f.name: f for f in inputs.fields(FORM, {}, {}, locale)}[field]
    [refused] = problems(FORM, {field: value})
    server = refused["message_en" if locale == "en" else "message_zh"]
    assert server.endswith(shown.reasons[problem]), (server, shown.reasons)


def test_the_formats_people_check_against_are_named() -> None:
    reasons = {f.name: f.reasons for f in inputs.fields(FORM, {}, {}, "zh")}
    assert reasons["postcode"]["pattern"] == "格式不正确，应为6 位数字邮政编码"
    assert reasons["opened"]["type"] == "应为有效日期，如 2025-09-01"
    assert "name@example.com" in reasons["mail"]["pattern"]


@pytest.mark.parametrize(
    ("format_", "words"),
    [
        ("mobile-phone", "11 位手机号码"),
        ("resident-id", "18 位身份证号码"),
        ("credit-code", "18 位统一社会信用代码"),
        ("division-code", "6 位数字行政区划代码"),
    ],
)
def test_an_identifier_is_refused_by_its_shape_in_words(format_: str, words: str) -> None:
    form = {"type": "object", "properties": {"id": {"type": "string", "format": format_}}}
    [shown] = inputs.fields(form, {}, {}, "zh")
    assert shown.reasons["pattern"].startswith(f"格式不正确，应为{words}")
