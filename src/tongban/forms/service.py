"""Check a filled form against its JSON Schema, with messages people can act on.

Beyond the schema, every form holds to what JSON and its clients can carry: numbers are
finite and within ±(2**53 − 1), so a browser reads back the number that was stored;
text without a ``maxLength`` of its own is held to ``DEFAULT_MAX_LENGTH``. Identifier
fields (see :mod:`tongban.identifiers.formats`) are normalised the same way as at
registration and get the same precise messages, not "格式不正确".
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Iterator
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import ValidationError

from tongban import identifiers
from tongban.errors import InvalidInput

MAX_NUMBER = 2**53 - 1  # the largest integer a JavaScript client reads back exactly
DEFAULT_MAX_LENGTH = 2000  # characters, for text fields whose schema sets no maxLength
Path = tuple[str | int, ...]
Problem = dict[str, str]

_format_checker = FormatChecker()


def _finite_number(checker: Any, instance: object) -> bool:
    """JSON numbers only: NaN and the infinities are not numbers a form can hold."""
    if isinstance(instance, bool) or not isinstance(instance, int | float):
        return False
    return not isinstance(instance, float) or math.isfinite(instance)


_Validator = validators.extend(  # type: ignore[no-untyped-call]
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("number", _finite_number),
)
_NUMERIC_TEXT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _bound(error: ValidationError) -> str:
    value = error.validator_value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _type_reason(error: ValidationError) -> tuple[str, str]:
    wanted, value = error.validator_value, error.instance
    if wanted in ("number", "integer") and (
        (isinstance(value, float) and not math.isfinite(value))
        or (isinstance(value, str) and _NUMERIC_TEXT.fullmatch(value.strip()))
    ):
        return "超出可处理的范围", "is out of the range that can be handled"
    if wanted == "integer":
        return "应填写整数", "must be a whole number"
    if wanted == "number":
        return "应填写数字", "must be a number"
    return "类型不正确", "has the wrong type"


_REASONS = {
    "required": ("必须填写", "is required"),
    "pattern": ("格式不正确", "has the wrong format"),
    "format": ("格式不正确", "has the wrong format"),
    "enum": ("请从给定选项中选择", "must be one of the choices offered"),
}
_BOUNDED = {
    "minLength": ("至少 {} 个字", "needs at least {} characters"),
    "maxLength": ("最多 {} 个字", "takes at most {} characters"),
    "minimum": ("不能小于 {}", "must not be less than {}"),
    "maximum": ("不能大于 {}", "must not be greater than {}"),
    "exclusiveMinimum": ("应大于 {}", "must be greater than {}"),
    "exclusiveMaximum": ("应小于 {}", "must be less than {}"),
}


def _reason(error: ValidationError) -> tuple[str, str]:
    kind = str(error.validator)
    if kind == "type":
        return _type_reason(error)
    if kind == "format" and error.validator_value == "date":
        return "应为有效日期，如 2025-09-01", "must be a date such as 2025-09-01"
    if kind in _BOUNDED:
        zh, en = _BOUNDED[kind]
        return zh.format(_bound(error)), en.format(_bound(error))
    return _REASONS.get(kind, ("不符合要求", "is not acceptable"))


def _path_of(error: ValidationError) -> Path:
    path = tuple(error.absolute_path)
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        return (*path, missing) if missing else path
    return path


def _title(schema: dict[str, Any], path: Path) -> str:
    """The field's title; a cell of a table row is named with its table and row."""
    titles: list[str] = []
    current = schema
    for part in path:
        if isinstance(part, int):
            titles.append(f"第 {part + 1} 行的")
            current = current.get("items", {})
            continue
        current = current.get("properties", {}).get(part, {})
        titles.append(str(current.get("title", part)))
    return "".join(titles)


def _problem(schema: dict[str, Any], path: Path, zh: str, en: str) -> Problem:
    field = ".".join(map(str, path))
    return {
        "field": field,
        "message_zh": f"“{_title(schema, path)}”{zh}",
        "message_en": f"'{field}' {en}",
    }


def fields(schema: dict[str, Any], data: Any, prefix: Path = ()) -> Iterator[tuple[Path, Any, Any]]:
    """(path, property schema, value) of every filled scalar, rows of tables included."""
    if not isinstance(data, dict):
        return
    for name, prop in schema.get("properties", {}).items():
        if name not in data or not isinstance(prop, dict):
            continue
        value, path = data[name], (*prefix, name)
        items = prop.get("items") if prop.get("type") == "array" else None
        if isinstance(items, dict) and isinstance(value, list):
            for index, element in enumerate(value):
                if items.get("type") == "object":
                    yield from fields(items, element, (*path, index))
                else:
                    yield (*path, index), items, element
        else:
            yield path, prop, value


def _extra_problem(prop: dict[str, Any], value: Any) -> tuple[str, str] | None:
    """What the schema alone lets through: identifiers, unsafe numbers, endless text."""
    kind = identifiers.kind_of(prop)
    if kind is not None and isinstance(value, str):
        try:
            kind.check(value)
        except identifiers.IdentifierError as error:
            return f"：{error.message_zh}", f"is not valid: {error.message_en}"
        return None
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and math.isfinite(value) and abs(value) > MAX_NUMBER:
        return "超出可处理的范围", "is out of the range that can be handled"
    if isinstance(value, str) and "maxLength" not in prop and len(value) > DEFAULT_MAX_LENGTH:
        return f"最多 {DEFAULT_MAX_LENGTH} 个字", f"takes at most {DEFAULT_MAX_LENGTH} characters"
    return None


_SHAPE_KEYWORDS = {"pattern", "format", "minLength", "maxLength"}


def problems(schema: dict[str, Any], data: dict[str, Any]) -> list[Problem]:
    """Every problem of the form at once (never just the first), one per field."""
    data = normalised(schema, data)
    by_field: dict[str, Problem] = {}
    extras: dict[str, Problem] = {}
    owned: set[str] = set()  # identifier fields: their own check owns the shape
    for path, prop, value in fields(schema, data):
        field = ".".join(map(str, path))
        found = _extra_problem(prop, value)
        if found is not None:
            extras[field] = _problem(schema, path, *found)
        if identifiers.kind_of(prop) is not None:
            owned.add(field)
    validator = _Validator(schema, format_checker=_format_checker)
    for error in sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.path]):
        path = _path_of(error)
        field = ".".join(map(str, path))
        if field in owned and error.validator in _SHAPE_KEYWORDS:
            continue
        by_field.setdefault(field, _problem(schema, path, *_reason(error)))
    for field, problem in extras.items():
        by_field.setdefault(field, problem)
    return sorted(by_field.values(), key=lambda p: p["field"])


def _set(data: Any, path: Path, value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _non_finite(value: Any, path: Path = ()) -> Iterator[Path]:
    if isinstance(value, float) and not math.isfinite(value):
        yield path
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield from _non_finite(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _non_finite(inner, (*path, index))


def normalised(schema: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """A copy with identifiers normalised (NFKC, trimmed, upper case) and −0 as 0."""
    result = copy.deepcopy(data)
    for path, prop, value in fields(schema, result):
        kind = identifiers.kind_of(prop)
        if kind is not None and isinstance(value, str):
            _set(result, path, kind.normalise(value))
        elif isinstance(value, float) and value == 0:
            _set(result, path, 0.0)
    return result


def clean(schema: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """The form data as it is stored; NaN and the infinities are refused, wherever they are."""
    bad = list(_non_finite(data))
    if bad:
        raise InvalidInput(
            "数值必须是有限的数字，请修改标出的字段。",
            "Numbers must be finite; correct the fields listed.",
            details=[
                _problem(schema, path, "应填写有限的数字", "must be a finite number")
                for path in bad
            ],
        )
    return normalised(schema, data)
