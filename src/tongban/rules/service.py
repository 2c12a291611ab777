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
from tongban.rules.checks import field_kind, field_title
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
) -> list[tuple[list[str | int], str]]:
    """(path inside the table, Chinese message) for each problem; empty when it is sound."""
    found = [
        (list(error.absolute_path), schema_words.message_of(error, FIELD_NAMES))
        for error in _validator().iter_errors(table)
    ]
    if found:
        return found
    return _semantic_problems(table, form, sources)
