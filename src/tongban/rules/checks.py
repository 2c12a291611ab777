"""What the catalog loader checks in a decision table beyond its JSON Schema: every field
a table names exists in the item's form or in a shared source (``sources.yaml``), each
test fits the field's type, and every operand is a value of that type.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from tongban.rules.tables import CHOICES, ORDERED, RuleError, cell_tests, parse_date

Path = list[str | int]
Words = tuple[str, str]  # a message in Chinese and in English
KINDS = ("string", "number", "boolean", "date", "array")
KIND_NAMES = {"number": "数字", "boolean": "是/否", "string": "文字", "date": "日期"}
KIND_NAMES_EN = {"number": "a number", "boolean": "yes/no", "string": "text", "date": "a date"}


def field_kind(
    field: str, form: Mapping[str, Any], sources: Mapping[str, dict[str, Any]]
) -> str | None:
    """The type of an input field (one of ``KINDS``), None when it names nothing."""
    if "." in field:
        code, _, name = field.partition(".")
        declared = sources.get(code, {}).get("fields", {}).get(name)
        if declared is None:
            return None
        return "number" if declared["type"] in ("integer", "number") else str(declared["type"])
    prop = form.get("properties", {}).get(field)
    if not isinstance(prop, dict):
        return None
    kind = prop.get("type")
    if kind == "string" and prop.get("format") == "date":
        return "date"
    if kind in ("integer", "number"):
        return "number"
    return kind if kind in KINDS else None


def field_title(
    field: str,
    form: Mapping[str, Any],
    sources: Mapping[str, dict[str, Any]],
    *,
    english: bool = False,
) -> str:
    """How a column is headed: the form property's or the source field's title, in English
    with ``english`` (``title_en``; a source field, which has none, by its name and the
    source's English name)."""
    if "." in field:
        code, _, name = field.partition(".")
        source = sources.get(code, {})
        if english:
            return f"{name.replace('_', ' ')} ({source.get('name_en') or code})"
        title = source.get("fields", {}).get(name, {}).get("title", name)
        return f"{title}（{source.get('name', code)}）"
    prop = form.get("properties", {}).get(field, {})
    return str((english and prop.get("title_en")) or prop.get("title", field))


def _literal_problem(kind: str, value: Any) -> Words | None:
    if kind == "date":
        try:
            parse_date(value, date(2000, 1, 1))
        except RuleError as error:
            return str(error), f"Dates are written YYYY-MM-DD or today±N d/y; this is {value!r}"
        return None
    expected = {"number": (int, float), "boolean": (bool,), "string": (str,)}[kind]
    if (isinstance(value, bool) and kind != "boolean") or not isinstance(value, expected):
        return f"{value!r} 不是{KIND_NAMES[kind]}", f"{value!r} is not {KIND_NAMES_EN[kind]}"
    return None


def _operand_problem(
    operand: Any, kind: str, kinds: Mapping[str, str | None], enum: list[Any] | None
) -> Words | None:
    if isinstance(operand, dict):
        other = operand["field"]
        if other not in kinds:
            return (
                f"比较对象 {other} 须是本表的输入列",
                f"{other}, compared with, must be an input column of the table",
            )
        if kinds[other] != kind:
            return (
                f"比较对象 {other} 的类型与本列不同",
                f"{other}, compared with, is of another type than this column",
            )
        return None
    problem = _literal_problem(kind, operand)
    if problem is None and enum is not None and operand not in enum:
        return (
            f"{operand!r} 不在该字段的可选项 {enum} 中",
            f"{operand!r} is not among the field's choices {enum}",
        )
    return problem


def choice_kind(field: str, form: Mapping[str, Any]) -> str | None:
    """The type of one choice (``KIND_NAMES``) of the multiple-choice form field ``field``;
    None for any other field, or choices of no such type."""
    return _choices(form.get("properties", {}).get(field))[0]


def _choices(prop: Any) -> tuple[str | None, list[Any] | None]:
    """The type and the allowed values of one choice of a multiple-choice form field."""
    items = prop.get("items") if isinstance(prop, dict) else None
    if not isinstance(items, dict):
        return None, None
    kind = "number" if items.get("type") in ("integer", "number") else items.get("type")
    return (kind if kind in KIND_NAMES else None), items.get("enum")


def _cell_problems(
    cell: Any, kind: str, kinds: Mapping[str, str | None], prop: Any
) -> list[tuple[str, Words]]:
    """(operator, message) for each test of a cell that does not fit the column."""
    found: list[tuple[str, Words]] = []
    enum = prop.get("enum") if isinstance(prop, dict) else None
    for op, operand in cell_tests(cell).items():
        if op == "empty":
            continue
        if kind == "array" and op in CHOICES:
            member, choices = _choices(prop)
            for value in operand:
                problem = _operand_problem(value, member, kinds, choices) if member else None
                if problem:
                    found.append((op, problem))
        elif kind == "array":
            words = (
                "多选的列表字段只能用 any_in（含其中任一项）、all_in（各项均在其中）或 empty 判断",
                "A multiple-choice list field is tested only by any_in (any choice in the "
                "list), all_in (every choice in the list) or empty",
            )
            found.append((op, words))
        elif op in CHOICES:
            words = (
                f"{op} 只能用于多选的列表字段，单个值请用 in 或 not_in",
                f"{op} is for multiple-choice list fields only; for one value use in or not_in",
            )
            found.append((op, words))
        elif op in ORDERED and kind not in ("number", "date"):
            found.append((op, (f"{op} 只能用于数字或日期", f"{op} is for numbers or dates only")))
        elif op == "contains" and kind != "string":
            found.append((op, ("contains 只能用于文字", "contains is for text only")))
        elif op == "contains":
            continue
        else:
            operands = operand if op in ("in", "not_in", "between") else [operand]
            for value in operands:
                problem = _operand_problem(value, kind, kinds, enum)
                if problem:
                    found.append((op, problem))
    return found


def problems(
    table: Mapping[str, Any], form: Mapping[str, Any], sources: Mapping[str, dict[str, Any]]
) -> list[tuple[Path, Words]]:
    """(path inside the table, message) for each problem of a schema-valid table."""
    found: list[tuple[Path, Words]] = []
    kinds: dict[str, str | None] = {}
    for index, column in enumerate(table["inputs"]):
        field = column["field"]
        if field in kinds:
            words = f"输入列 {field} 重复", f"The input column {field} is there twice"
            found.append((["inputs", index, "field"], words))
        kinds[field] = field_kind(field, form, sources)
        if kinds[field] is None:
            words = (
                f"输入列 {field} 既不是表单字段，也不是 sources.yaml 中数据源的字段",
                f"The input column {field} is neither a form field nor a field of a source "
                "in sources.yaml",
            )
            found.append((["inputs", index, "field"], words))
    for number, row in enumerate(table["rules"]):
        for field, cell in row["when"].items():
            path: Path = ["rules", number, "when", field]
            if field not in kinds:
                words = (
                    f"条件 {field} 不是本表的输入列（inputs）",
                    f"The condition {field} is not an input column of the table (inputs)",
                )
                found.append((path, words))
                continue
            kind = kinds[field]
            if kind is None:
                continue
            prop = form.get("properties", {}).get(field, {})
            for op, message in _cell_problems(cell, kind, kinds, prop):
                found.append(([*path, op] if isinstance(cell, dict) else path, message))
    return found
