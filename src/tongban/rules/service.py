"""The rules domain promises: an item's approval standard in instant approval (秒批) is a
decision table, data that a catalog administrator reads and changes, checked when the
catalog is loaded (its JSON Schema, then :func:`table_problems`: every field exists in the
form or a shared source, every test fits its field) and evaluated by a small closed set of
operators, never by running text from the catalog (``tables.py``).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator

from tongban import schema_words
from tongban.rules.checks import Words, field_kind, field_title
from tongban.rules.checks import problems as _semantic_problems
from tongban.rules.tables import (
    OPERATORS,
    HitPolicy,
    Outcome,
    RuleError,
    Unavailable,
    Verdict,
    evaluate,
    parse_date,
)

__all__ = [
    "OPERATORS",
    "HitPolicy",
    "Outcome",
    "RuleError",
    "Unavailable",
    "Verdict",
    "evaluate",
    "field_kind",
    "field_title",
    "parse_date",
    "table_problems",
]


# The Chinese names of a decision table's top-level fields, as its editor shows them.
FIELD_NAMES = {
    "hit_policy": "命中策略",
    "inputs": "输入字段",
    "rules": "规则",
    "no_match_reason": "无规则命中时的理由",
}


@cache
def _validator() -> Draft202012Validator:
    text = resources.files("tongban.rules").joinpath("schema/decision.schema.json").read_text()
    return Draft202012Validator(json.loads(text))


def table_problems(
    table: Any, *, form: dict[str, Any], sources: dict[str, dict[str, Any]]
) -> list[tuple[list[str | int], Words]]:
    """(path inside the table, (Chinese, English) message) for each problem; empty when it
    is sound. A test by an operator the closed set lacks (``regex``) is named with the
    operators there are, not as a cell of the wrong shape."""
    unknown = _unknown_operators(table)
    cells = [path[:-1] for path, _ in unknown]
    found = [
        (
            list(error.absolute_path),
            (schema_words.message_of(error, FIELD_NAMES), schema_words.message_en_of(error)),
        )
        for error in _validator().iter_errors(table)
        if list(error.absolute_path) not in cells
    ]
    if found or unknown:
        return unknown + found
    return _semantic_problems(table, form, sources)


def _unknown_operators(table: Any) -> list[tuple[list[str | int], Words]]:
    rows = table.get("rules") if isinstance(table, dict) else None
    found: list[tuple[list[str | int], Words]] = []
    for number, row in enumerate(rows if isinstance(rows, list) else []):
        when = row.get("when") if isinstance(row, dict) else None
        for field, cell in when.items() if isinstance(when, dict) else []:
            for op in cell if isinstance(cell, dict) else []:
                if op not in OPERATORS:
                    words = (
                        f"规则（rules.{number}.when.{field}）：没有运算符 {op}，"
                        f"可用的运算符为 {'、'.join(OPERATORS)}（docs/rules.md）",
                        f"Rule rules.{number}.when.{field}: there is no operator {op}; the "
                        f"operators are {', '.join(OPERATORS)} (docs/rules.md)",
                    )
                    found.append((["rules", number, "when", str(field), str(op)], words))
    return found
