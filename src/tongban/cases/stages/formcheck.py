"""Check a filled form against its JSON Schema, with messages people can act on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from tongban import identifiers

_format_checker = FormatChecker()

_ZH = {
    "required": "必须填写",
    "pattern": "格式不正确",
    "format": "格式不正确",
    "minLength": "内容太短",
    "maxLength": "内容太长",
    "minimum": "数值太小",
    "maximum": "数值太大",
    "exclusiveMinimum": "数值太小",
    "enum": "请从给定选项中选择",
    "type": "类型不正确",
}
_EN = {
    "required": "is required",
    "pattern": "has the wrong format",
    "format": "has the wrong format",
    "minLength": "is too short",
    "maxLength": "is too long",
    "minimum": "is too small",
    "maximum": "is too large",
    "exclusiveMinimum": "is too small",
    "enum": "must be one of the choices offered",
    "type": "has the wrong type",
}


def _field_of(error: ValidationError) -> str:
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        return ".".join([*map(str, error.absolute_path), missing]).strip(".")
    return ".".join(map(str, error.absolute_path))


def _title(schema: dict[str, Any], field: str) -> str:
    definition = schema.get("properties", {}).get(field.split(".")[0], {})
    return str(definition.get("title", field))


def _identifier_problems(data: dict[str, Any]) -> list[dict[str, str]]:
    found = []
    for field, value in data.items():
        if not isinstance(value, str) or not value:
            continue
        check: Callable[[str], object] | None = None
        if field.endswith("id_number"):
            check = identifiers.validate_resident_id
        elif field.endswith("credit_code"):
            check = identifiers.validate_credit_code
        if check is None:
            continue
        try:
            check(value)
        except identifiers.IdentifierError as error:
            found.append(
                {"field": field, "message_zh": error.message_zh, "message_en": error.message_en}
            )
    return found


def problems(schema: dict[str, Any], data: dict[str, Any]) -> list[dict[str, str]]:
    """Every problem of the form at once (never just the first), by field."""
    validator = Draft202012Validator(schema, format_checker=_format_checker)
    found = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        field = _field_of(error)
        title = _title(schema, field)
        reason = _ZH.get(str(error.validator), "不符合要求")
        found.append(
            {
                "field": field,
                "message_zh": f"“{title}”{reason}",
                "message_en": f"'{field}' {_EN.get(str(error.validator), 'is not acceptable')}",
            }
        )
    seen = {problem["field"] for problem in found}
    found += [p for p in _identifier_problems(data) if p["field"] not in seen]
    return found
