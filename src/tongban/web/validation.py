"""FastAPI's request validation errors in the user's two languages.

Pydantic writes its messages in English ("Field required") and names places by their
raw location (``("body", 8)``). Each problem is translated here by its pydantic-core
error *type*, with the numbers and choices of its context, and its place is written as a
person reads it: the field's name (``form_data.phone``, ``problems[0].target``), or the
query parameter, or the body as a whole. A type not listed still gets a Chinese message
(``_fallback``), never pydantic's English. A value that does not match a field's regular
expression is told what the value should look like, in words given with the pattern
(``shaped``), never the expression itself. A field is named as people call it: by its
``title`` where the route gives one, else by ``web.field_names``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tongban.textutil import counted
from tongban.web.field_names import FIELD_NAMES

Message = tuple[str, str]  # (Chinese, English), each still to be given the context
Problem = dict[str, str]

_PLACES = {"query": ("查询参数", "query parameter"), "path": ("路径参数", "path parameter")}
_PLACES |= {"header": ("请求头", "header"), "cookie": ("Cookie", "cookie")}

# What a value should be, by the first word of a ``<kind>_type`` / ``<kind>_parsing`` type.
_KINDS: dict[str, Message] = {
    "int": ("整数", "a whole number"),
    "float": ("数字", "a number"),
    "decimal": ("数字", "a number"),
    "fraction": ("数字", "a number"),
    "complex": ("数字", "a number"),
    "string": ("文本（字符串）", "text (a string)"),
    "bytes": ("文本（字符串）", "text (a string)"),
    "bool": ("true 或 false", "true or false"),
    "dict": ("JSON 对象", "a JSON object"),
    "model": ("JSON 对象", "a JSON object"),
    "dataclass": ("JSON 对象", "a JSON object"),
    "mapping": ("JSON 对象", "a JSON object"),
    "list": ("数组", "a list"),
    "tuple": ("数组", "a list"),
    "set": ("数组", "a list"),
    "frozen": ("数组", "a list"),
    "iterable": ("数组", "a list"),
    "date": ("日期，如 2025-09-01", "a date such as 2025-09-01"),
    "datetime": (
        "日期时间，如 2025-09-01T09:00:00+08:00",
        "a date and time such as 2025-09-01T09:00:00+08:00",
    ),
    "time": ("时刻，如 09:30", "a time such as 09:30"),
    "url": ("网址，如 https://example.cn/", "a URL such as https://example.cn/"),
    "uuid": ("UUID", "a UUID"),
    "none": ("空值 null", "null"),
    "json": ("JSON 文本", "JSON text"),
}

_MESSAGES: dict[str, Message] = {
    "missing": ("必须填写", "is required"),
    "extra_forbidden": ("不是可接受的字段，请删去", "is not an accepted field; remove it"),
    "json_invalid": (
        "不是有效的 JSON，请检查第 {position} 个字符附近",
        "is not valid JSON; check near character {position}",
    ),
    "greater_than": ("应大于 {gt}", "must be greater than {gt}"),
    "greater_than_equal": ("不能小于 {ge}", "must not be less than {ge}"),
    "less_than": ("应小于 {lt}", "must be less than {lt}"),
    "less_than_equal": ("不能大于 {le}", "must not be greater than {le}"),
    "multiple_of": ("应为 {multiple_of} 的整数倍", "must be a multiple of {multiple_of}"),
    "finite_number": ("应为有限的数字", "must be a finite number"),
    "too_short": ("至少需要 {min_length} 项", "needs at least {min_length}"),
    "too_long": ("最多 {max_length} 项", "takes at most {max_length}"),
    "string_too_short": ("至少 {min_length} 个字", "needs at least {min_length}"),
    "string_too_long": ("最多 {max_length} 个字", "takes at most {max_length}"),
    "bytes_too_short": ("至少 {min_length} 个字节", "needs at least {min_length}"),
    "bytes_too_long": ("最多 {max_length} 个字节", "takes at most {max_length}"),
    "string_pattern_mismatch": ("格式不正确", "has the wrong format"),
    "string_not_ascii": ("只能包含 ASCII 字符", "must hold ASCII characters only"),
    "string_unicode": ("应为有效的 Unicode 文本", "must be valid Unicode text"),
    "enum": ("应为以下之一：{expected}", "must be one of: {expected}"),
    "literal_error": ("应为以下之一：{expected}", "must be one of: {expected}"),
    "int_from_float": ("应为整数，不能带小数", "must be a whole number, without a fraction"),
    "int_parsing_size": ("数值过大，无法处理", "is too large to handle"),
    "decimal_max_digits": ("最多 {max_digits} 位数字", "takes at most {max_digits} digits"),
    "decimal_max_places": (
        "小数最多 {decimal_places} 位",
        "takes at most {decimal_places} decimal places",
    ),
    "decimal_whole_digits": (
        "整数部分最多 {whole_digits} 位",
        "takes at most {whole_digits} digits before the point",
    ),
    "date_from_datetime_inexact": (
        "应为日期（不含时刻），如 2025-09-01",
        "must be a date without a time, such as 2025-09-01",
    ),
    "date_past": ("应为今天以前的日期", "must be a date in the past"),
    "date_future": ("应为今天以后的日期", "must be a date in the future"),
    "datetime_past": ("应为过去的时间", "must be in the past"),
    "datetime_future": ("应为将来的时间", "must be in the future"),
    "timezone_naive": ("不能带时区", "must not carry a time zone"),
    "timezone_aware": ("应带时区，如 +08:00", "must carry a time zone such as +08:00"),
    "timezone_offset": ("时区应为 {tz_expected}", "must be in time zone {tz_expected}"),
    "time_delta_type": ("应为时长，如 PT2H", "must be a duration such as PT2H"),
    "time_delta_parsing": ("应为时长，如 PT2H", "must be a duration such as PT2H"),
    "uuid_version": ("UUID 版本应为 {expected_version}", "must be UUID version {expected_version}"),
    "url_too_long": ("网址最多 {max_length} 个字符", "takes at most {max_length}"),
    "url_scheme": ("网址应以 {expected_schemes} 开头", "must start with {expected_schemes}"),
    "union_tag_invalid": ("类型标记应为 {expected_tags}", "must be tagged {expected_tags}"),
    "union_tag_not_found": ("缺少类型标记 {discriminator}", "lacks the tag {discriminator}"),
    "recursion_loop": ("嵌套过深", "is nested too deeply"),
    "recursion_depth_exceeded": ("嵌套过深", "is nested too deeply"),
    "set_item_not_hashable": ("含有不能比较的项", "holds items that cannot be compared"),
    "frozen_field": ("不能修改", "cannot be changed"),
    "frozen_instance": ("不能修改", "cannot be changed"),
}
_ALIASES = {
    "missing_argument": "missing",
    "missing_keyword_only_argument": "missing",
    "missing_positional_only_argument": "missing",
    "unexpected_keyword_argument": "extra_forbidden",
    "unexpected_positional_argument": "extra_forbidden",
    "no_such_attribute": "extra_forbidden",
    "date_from_datetime_parsing": "date_parsing",
    "datetime_from_date_parsing": "datetime_parsing",
    "datetime_object_invalid": "datetime_parsing",
    "complex_str_parsing": "complex_parsing",
    "model_attributes_type": "model_type",
    "dataclass_exact_type": "dataclass_type",
    "named_tuple_type": "tuple_type",
    "frozen_set_type": "set_type",
    "ordered_dict_type": "dict_type",
    "frozen_dict_type": "dict_type",
    "counter_type": "dict_type",
    "deque_type": "list_type",
    "none_required": "none_type",
    "url_syntax_violation": "url_parsing",
    "bytes_invalid_encoding": "bytes_type",
}


_SHAPES: dict[str, Message] = {}


def shaped(pattern: str, zh: str, en: str) -> str:
    """``pattern`` (for a ``Field`` or parameter) with what a matching value is, in words
    (``zh``, ``en``: "金额（元），如 20 或 12.50"), said instead when a value does not match."""
    _SHAPES[pattern] = (zh, en)
    return pattern


def shape_of(pattern: str) -> Message | None:
    """The words ``shaped`` gave ``pattern``, or None."""
    return _SHAPES.get(pattern)


def _choices(expected: object, joiner: str) -> str:
    """pydantic's "'a', 'b' or 'c'" as a list the language reads."""
    text = str(expected).replace("'", "")
    if joiner == "、":
        return text.replace(" or ", "、").replace(", ", "、")
    return text


def _kind_message(kind: str) -> Message | None:
    for suffix in ("_type", "_parsing"):
        if kind.endswith(suffix) and kind.removesuffix(suffix) in _KINDS:
            zh, en = _KINDS[kind.removesuffix(suffix)]
            space = " " if zh[0].isascii() else ""
            return f"应为{space}{zh}", f"must be {en}"
    return None


_NOUNS = {  # what a length bound counts, in English ("needs at least 1 character")
    "too_short": ("item", "items"),
    "too_long": ("item", "items"),
    "string_too_short": ("character", "characters"),
    "string_too_long": ("character", "characters"),
    "bytes_too_short": ("byte", "bytes"),
    "bytes_too_long": ("byte", "bytes"),
    "url_too_long": ("character", "characters"),
}


def _fallback(problem: Mapping[str, Any]) -> Message:
    return "不符合要求，请检查后重新填写", f"is not acceptable: {problem.get('msg', '')}"


def _message(problem: Mapping[str, Any]) -> Message:
    """The reason, in both languages, filled in with the problem's context."""
    kind = _ALIASES.get(str(problem.get("type")), str(problem.get("type")))
    zh, en = _MESSAGES.get(kind) or _kind_message(kind) or _fallback(problem)
    context: dict[str, Any] = dict(problem.get("ctx") or {})
    words = shape_of(str(context.get("pattern"))) if kind == "string_pattern_mismatch" else None
    if words is not None:
        return f"格式不正确，应为{words[0]}", f"has the wrong format: it must be {words[1]}"
    if kind == "json_invalid":
        location = problem.get("loc") or ()
        context["position"] = location[-1] if location else 0
    filled_zh = {k: _choices(v, "、") if k == "expected" else v for k, v in context.items()}
    filled_en = {k: _choices(v, ", ") if k == "expected" else v for k, v in context.items()}
    for key in ("min_length", "max_length"):
        if kind in _NOUNS and isinstance(context.get(key), int):
            filled_en[key] = counted(context[key], *_NOUNS[kind])
    return _safe_format(zh, filled_zh), _safe_format(en, filled_en)


def _safe_format(template: str, context: Mapping[str, Any]) -> str:
    try:
        return template.format(**context)
    except (KeyError, IndexError, ValueError):
        return template.split("{")[0].rstrip("，, ：:") or template


def field_path(location: Sequence[Any]) -> str:
    """``("body", "problems", 0, "target")`` → ``problems[0].target``; the body is ""."""
    parts = list(location)
    if parts and parts[0] in ("body", *_PLACES):
        parts = parts[1:]
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _label(location: Sequence[Any], path: str, titles: Mapping[str, str]) -> Message:
    """How the problem's place is named: "“签到码”", "The check-in code"."""
    names = [part for part in location[1:] if isinstance(part, str)]
    last = names[-1] if names else ""
    english = FIELD_NAMES.get(last, ("", ""))[1]
    chinese = titles.get(path) or FIELD_NAMES.get(last, ("", ""))[0]
    if chinese and len(names) == len(location) - 1:  # a named field, not an item of a list
        return f"“{chinese}”", (english or path)[:1].upper() + (english or path)[1:]
    place = location[0] if location else "body"
    if place in _PLACES:
        zh, en = _PLACES[place]
        return f"{zh}“{path}”", f"{en} '{path}'"
    if not path:
        return "提交的内容", "The request"
    return f"字段“{path}”", f"Field '{path}'"


def translated(problem: Mapping[str, Any], titles: Mapping[str, str] | None = None) -> Problem:
    """One pydantic problem as the project's detail: field, message_zh, message_en;
    ``titles`` the Chinese names the route gives its fields, by field path."""
    location = tuple(problem.get("loc") or ())
    kind = problem.get("type")
    if kind == "json_invalid":
        location = location[:1]  # the rest is a character position, not a field
    path = field_path(location)
    label_zh, label_en = _label(location, path, titles or {})
    zh, en = _message(problem)
    return {"field": path, "message_zh": f"{label_zh}{zh}", "message_en": f"{label_en} {en}"}


def details(
    problems: Sequence[Mapping[str, Any]], titles: Mapping[str, str] | None = None
) -> list[Problem]:
    """Every problem translated, one per field (the first reason a field got)."""
    found: dict[str, Problem] = {}
    for problem in problems:
        detail = translated(problem, titles)
        found.setdefault(detail["field"], detail)
    return list(found.values())
