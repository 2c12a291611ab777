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
import unicodedata
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import ValidationError

from tongban import identifiers, timefmt
from tongban.errors import InvalidInput
from tongban.forms import dates
from tongban.schema_words import reason_of
from tongban.timeutil import utcnow

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


def _path_of(error: ValidationError) -> Path:
    path = tuple(error.absolute_path)
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        return (*path, missing) if missing else path
    return path


def _titles(schema: dict[str, Any], path: Path) -> tuple[str, str]:
    """The field's title in Chinese and in English (``title_en``, else the Chinese title
    the English page shows in its place); a cell of a table row is named with its table
    and row: "股东第 2 行的姓名", "Shareholders, row 2, Name"."""
    zh: list[str] = []
    en: list[str] = []
    current = schema
    for part in path:
        if isinstance(part, int):
            current = current.get("items", {})
            rows = isinstance(current, dict) and current.get("type") == "object"
            zh.append(f"第 {part + 1} 行的" if rows else f"第 {part + 1} 项")
            en.append(f"row {part + 1}" if rows else f"item {part + 1}")
            continue
        current = current.get("properties", {}).get(part, {})
        title = str(current.get("title", part))
        zh.append(title)
        en.append(str(current.get("title_en") or title))
    return "".join(zh), ", ".join(en)


def _problem(schema: dict[str, Any], path: Path, zh: str, en: str) -> Problem:
    title_zh, title_en = _titles(schema, path)
    return {
        "field": ".".join(map(str, path)),
        "message_zh": f"“{title_zh}”{zh}",
        "message_en": f"'{title_en}' {en}",
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


def problems(
    schema: dict[str, Any], data: dict[str, Any], *, today: date | None = None
) -> list[Problem]:
    """Every problem of the form at once (never just the first), one per field; dates are
    held to their bounds (``dates``: no birth after ``today``, the applicant's day in the
    configured zone by default)."""
    data = normalised(schema, data)
    by_field: dict[str, Problem] = {}
    extras: dict[str, Problem] = {}
    day = today or timefmt.local(utcnow()).date()
    for path, zh, en in dates.problems(schema, fields(schema, data), data, today=day):
        extras[".".join(map(str, path))] = _problem(schema, path, zh, en)
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
        by_field.setdefault(field, _problem(schema, path, *reason_of(error)))
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


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def number_of(text: str) -> int | float | None:
    """Digits typed in any width (NFKC: "１２" is 12) as a JSON number: an int when written
    without a point or exponent, else a float; None for what is no finite number a client
    reads back exactly (NaN, "inf", 1e400, twenty digits), which stays text for the check
    to name."""
    text = unicodedata.normalize("NFKC", text).strip()
    if not _NUMBER.fullmatch(text):
        return None
    value = Decimal(text)
    if value.copy_abs() > MAX_NUMBER:  # copy_abs: no context, no Overflow
        return None
    if text.lstrip("+-").isdigit():
        return int(value)
    return float(value) or 0.0  # -0.0 is stored as 0.0


def _number_field(prop: dict[str, Any], value: Any) -> Any:
    """A number field's value as a number: text that is one (an API client's "１２" as a
    browser's), and an integer field's 12.0 as 12."""
    if prop.get("type") not in ("number", "integer") or isinstance(value, bool):
        return value
    if isinstance(value, str):
        number = number_of(value)
        value = value if number is None else number
    if prop.get("type") == "integer" and isinstance(value, float) and value.is_integer():
        return int(value) if abs(value) <= MAX_NUMBER else value
    if isinstance(value, float) and value == 0:
        return 0.0
    return value


def normalised(schema: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """A copy with identifiers normalised (NFKC, trimmed, upper case), numbers typed as text
    made numbers (NFKC), and −0 as 0."""
    result = copy.deepcopy(data)
    for path, prop, value in fields(schema, result):
        kind = identifiers.kind_of(prop)
        if kind is not None and isinstance(value, str):
            _set(result, path, kind.normalise(value))
        else:
            _set(result, path, _number_field(prop, value))
    return result


def unknown(schema: dict[str, Any], data: Any, prefix: Path = ()) -> Iterator[Path]:
    """The places of ``data`` that the form's schema does not name (rows of tables too)."""
    if not isinstance(data, dict):
        return
    properties = schema.get("properties", {})
    for name, value in data.items():
        prop = properties.get(name)
        if not isinstance(prop, dict):
            yield (*prefix, name)
            continue
        items = prop.get("items") if prop.get("type") == "array" else None
        if isinstance(items, dict) and items.get("type") == "object" and isinstance(value, list):
            for index, row in enumerate(value):
                yield from unknown(items, row, (*prefix, name, index))


def _unknown_problem(path: Path) -> Problem:
    field = ".".join(map(str, path))
    return {
        "field": field,
        "message_zh": f"“{field}”不是本事项表单中的字段，请删去",
        "message_en": f"'{field}' is not a field of this item's form; remove it",
    }


def clean(schema: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """The form data as it is stored. Refused, with every place named: NaN and the
    infinities, wherever they are, and fields the form does not have (which would be
    stored and shown to nobody)."""
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
    strangers = list(unknown(schema, data))
    if strangers:
        raise InvalidInput(
            "表单中有本事项没有的字段，请删去标出的字段后再保存；已保存的内容未改动。",
            "The form holds fields this item does not have; remove them and save again. "
            "Nothing saved was changed.",
            field=".".join(map(str, strangers[0])),
            details=[_unknown_problem(path) for path in strangers],
        )
    return normalised(schema, data)
