"""What a JSON-Schema keyword a value breaks means, in the user's words: to the person
filling a form, the rule with its bound or its choices ("应大于 0", "应为以下之一：…",
:func:`reason_of`), never a bare "格式不正确" where the schema can say more; to the
administrator editing catalog data (an item, a decision table, the list of matters
handled elsewhere), the field by its Chinese name and what to change (:func:`message_of`),
never jsonschema's English ("['a', 'a'] has non-unique elements"). Below the domains, so
that the forms, the rules and the catalog word their errors alike.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any, cast

from jsonschema.exceptions import SchemaError, ValidationError, best_match

from tongban.textutil import counted

_NUMERIC_TEXT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _bound(wanted: Any) -> str:
    if isinstance(wanted, float) and wanted.is_integer():
        wanted = int(wanted)
    return str(wanted)


def _type_reason(wanted: Any, value: Any) -> tuple[str, str]:
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
    "format": ("格式不正确", "has the wrong format"),
    "uniqueItems": ("各项不能重复", "must not list the same thing twice"),
}
_FORMATS = {  # the formats a form field declares, as a person writes them
    "date": ("应为有效日期，如 2025-09-01", "must be a date such as 2025-09-01"),
    "email": (
        "格式不正确，应为电子邮箱地址，如 name@example.com",
        "has the wrong format: it must be an e-mail address such as name@example.com",
    ),
}
_BOUNDED = {
    "minLength": ("至少 {} 个字", "needs at least {}"),
    "maxLength": ("最多 {} 个字", "takes at most {}"),
    "minimum": ("不能小于 {}", "must not be less than {}"),
    "maximum": ("不能大于 {}", "must not be greater than {}"),
    "exclusiveMinimum": ("应大于 {}", "must be greater than {}"),
    "exclusiveMaximum": ("应小于 {}", "must be less than {}"),
    "multipleOf": ("应为 {} 的整数倍", "must be a multiple of {}"),
    "minItems": ("至少 {} 项", "needs at least {}"),
    "maxItems": ("最多 {} 项", "takes at most {}"),
}
_NOUNS = {  # the English noun a bound counts ("needs at least 1 entry")
    "minLength": ("character", "characters"),
    "maxLength": ("character", "characters"),
    "minItems": ("entry", "entries"),
    "maxItems": ("entry", "entries"),
}
_WHOLE_BOUNDED = {  # the same bounds of an integer field, which say so
    "minimum": ("应为不小于 {} 的整数", "must be a whole number not less than {}"),
    "maximum": ("应为不大于 {} 的整数", "must be a whole number not greater than {}"),
    "exclusiveMinimum": ("应为大于 {} 的整数", "must be a whole number greater than {}"),
    "exclusiveMaximum": ("应为小于 {} 的整数", "must be a whole number less than {}"),
}


def _choices(offered: Any, labels_en: Any = None) -> tuple[str, str]:
    """The choices, named in English by ``labels_en`` (a form field's ``enum_en``, one
    label per value) where there is one for each."""
    values = [str(value) for value in offered] if isinstance(offered, list) else []
    english = values
    if isinstance(labels_en, list) and len(labels_en) == len(values):
        english = [str(label) for label in labels_en]
    return "应为以下之一：" + "、".join(values), "must be one of: " + ", ".join(english)


_KNOWN_SHAPES = {  # catalog patterns no identifier check owns (the identifier checks
    # words the mobile number, ID number and credit code), in the words a person checks against
    "^[0-9]{6}$": ("6 位数字邮政编码", "a 6-digit postal code"),
}


def shape_reason(words: tuple[str, str]) -> tuple[str, str]:
    """The reason of a value not of the shape ``words`` (Chinese, English) names:
    "格式不正确，应为6 位数字邮政编码"."""
    return f"格式不正确，应为{words[0]}", f"has the wrong format: it must be {words[1]}"


def _shape(pattern: Any, schema: Mapping[str, Any]) -> tuple[str, str]:
    """A pattern a person cannot read: the field's description, else the words of a known
    pattern (``_KNOWN_SHAPES``), say what is wanted."""
    hint = schema.get("description")
    known = _KNOWN_SHAPES.get(str(pattern))
    if known is not None and not hint:
        return shape_reason(known)
    if hint:
        return f"格式不正确（{hint}）", f"has the wrong format ({hint})"
    return "格式不正确", "has the wrong format"


def reason_of(error: ValidationError) -> tuple[str, str]:
    """Why a value breaks its schema keyword, as (Chinese, English) phrases that follow the
    field's title: "应大于 0", "must be greater than 0"."""
    schema = error.schema if isinstance(error.schema, dict) else {}
    return reason_for(str(error.validator), error.validator_value, schema, error.instance)


def reason_for(
    keyword: str, wanted: Any, schema: Mapping[str, Any], value: Any = None
) -> tuple[str, str]:
    """:func:`reason_of` without a value at hand: why a value would break ``keyword``
    (``wanted``, its value in the property ``schema``), as the page's script says it
    before the form is sent; ``value``, where known, tells a number too large to handle
    from a wrong type."""
    if keyword == "type":
        return _type_reason(wanted, value)
    if keyword == "format" and wanted in _FORMATS:
        return _FORMATS[wanted]
    if keyword == "enum":
        return _choices(wanted, schema.get("enum_en"))
    if keyword == "pattern":
        return _shape(wanted, schema)
    table = {**_BOUNDED, **_WHOLE_BOUNDED} if schema.get("type") == "integer" else _BOUNDED
    items = schema.get("items", {})
    if keyword == "minItems" and isinstance(items, dict) and "enum" in items:
        table = {**table, "minItems": ("至少选择 {} 项", "needs at least {} chosen")}
    if keyword in table:
        zh, en = table[keyword]
        bound = _bound(wanted)
        if keyword in _NOUNS:
            return zh.format(bound), en.format(counted(float(bound), *_NOUNS[keyword]))
        return zh.format(bound), en.format(bound)
    return _REASONS.get(keyword, ("不符合要求", "is not acceptable"))


_TYPES = {
    "string": "文字",
    "array": "列表（每项一行，以“- ”开头）",
    "object": "键值对象（“名称: 值”）",
    "integer": "整数",
    "number": "数字",
    "boolean": "true 或 false",
    "null": "空",
}


def field_label(path: Sequence[str | int], names: Mapping[str, str]) -> str:
    """``path`` as the administrator finds it in the file, led by the Chinese name
    ``names`` gives its top-level field: "同义说法（synonyms.3）"."""
    where = ".".join(str(part) for part in path)
    name = names.get(str(path[0])) if path else None
    return f"{name}（{where}）" if name else where or "文件"


def message_of(error: ValidationError, names: Mapping[str, str]) -> str:
    """The Chinese message of one schema error in a data file: the field, then what to fix."""
    return f"{field_label(list(error.absolute_path), names)}：{what_to_fix(error)}"


def message_en_of(error: ValidationError) -> str:
    """:func:`message_of` in English: the field by its path in the file, what to change."""
    where = ".".join(str(part) for part in error.absolute_path) or "file"
    return f"{where}: {what_to_fix_en(error)}"


def what_to_fix_en(error: ValidationError) -> str:
    """:func:`what_to_fix` in English."""
    kind, instance, wanted = str(error.validator), error.instance, error.validator_value
    if kind == "required" and isinstance(instance, dict) and isinstance(wanted, list):
        return "add the required " + ", ".join(str(n) for n in wanted if n not in instance)
    if kind == "additionalProperties" and isinstance(instance, dict):
        known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        extra = ", ".join(str(name) for name in instance if name not in known)
        return f"unknown field {extra}: check its spelling, or remove it"
    if kind == "uniqueItems" and isinstance(instance, list):
        return f"{_repeated(instance)!r} is there more than once; remove the repeat"
    if kind == "type":
        kinds = wanted if isinstance(wanted, list) else [wanted]
        return "must be " + " or ".join(str(each) for each in kinds)
    if kind == "const":
        return f"must be {wanted}"
    if kind in ("oneOf", "anyOf"):
        closest = best_match(error.context) if isinstance(error.context, list) else None
        return what_to_fix_en(closest) if closest is not None else "fits none of the allowed forms"
    return reason_of(error)[1]


def _names(values: Any) -> str:
    return "、".join(str(value) for value in values)


def _repeated(values: list[Any]) -> Any:
    """The first value of ``values`` seen a second time."""
    seen: list[Any] = []
    for value in values:
        if value in seen:
            return value
        seen.append(value)
    return None


def what_to_fix(error: ValidationError | SchemaError) -> str:
    """What to change so that the value meets the keyword it breaks, in Chinese."""
    kind, instance, wanted = str(error.validator), error.instance, error.validator_value
    if kind == "required" and isinstance(instance, dict) and isinstance(wanted, list):
        return f"缺少必填字段 {_names(name for name in wanted if name not in instance)}"
    if kind == "enum" and isinstance(wanted, list):
        return f"“{instance}”不是可选的值，应为以下之一：{_names(wanted)}"
    if kind == "additionalProperties" and isinstance(instance, dict):
        known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        extra = [name for name in instance if name not in known]
        return f"不认识的字段 {_names(extra)}：请检查拼写，或删去它"
    if kind == "uniqueItems" and isinstance(instance, list):
        return f"“{_repeated(instance)}”出现了不止一次，请删去重复的一项"
    if kind == "type":
        kinds = wanted if isinstance(wanted, list) else [wanted]
        return "应填写" + "或".join(_TYPES.get(str(each), str(each)) for each in kinds)
    if kind == "const":
        return f"应为 {wanted}"
    if kind == "pattern":
        return f"格式不正确，应符合正则表达式 {wanted}"
    if kind in ("oneOf", "anyOf"):
        closest = best_match(error.context) if isinstance(error.context, list) else None
        return what_to_fix(closest) if closest is not None else "不符合任何一种允许的写法"
    return reason_of(cast(ValidationError, error))[0]  # the same attributes
