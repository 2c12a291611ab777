"""A decision table written as people read it: each cell as a short formula (≥ today-18y,
∉ {存续, 在业}, 含 {生食类食品制售} 中任一项, 为空), a field compared with by its title, in Chinese or English, for the
catalog admin's pages and the dry run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tongban.rules.tables import cell_tests

SYMBOLS = {"eq": "=", "ne": "≠", "lt": "<", "le": "≤", "gt": ">", "ge": "≥"}
WORDS = {  # (Chinese, English)
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "between": ("介于 {} 与 {}", "between {} and {}"),
    "contains": ("含 {}", "contains {}"),
    "any_in": ("含 {{{}}} 中任一项", "includes any of {{{}}}"),
    "all_in": ("各项均属 {{{}}}", "all within {{{}}}"),
    "empty": ("为空", "is empty"),
    "filled": ("不为空", "is not empty"),
    "and": (" 且 ", " and "),
    "list": ("、", ", "),
}
Title = Callable[[str], str]  # a field's code -> its title


class _Words:
    def __init__(self, title: Title, english: bool) -> None:
        self.title, self.index = title, int(english)

    def __call__(self, key: str) -> str:
        return WORDS[key][self.index]

    def value(self, operand: Any) -> str:
        if isinstance(operand, dict):
            return f"【{self.title(operand['field'])}】"
        if isinstance(operand, bool):
            return self("yes") if operand else self("no")
        return str(operand)

    def test(self, op: str, operand: Any) -> str:
        if op in SYMBOLS:
            return f"{SYMBOLS[op]} {self.value(operand)}"
        if op in ("in", "not_in"):
            members = self("list").join(self.value(v) for v in operand)
            return f"{'∈' if op == 'in' else '∉'} {{{members}}}"
        if op == "between":
            return self("between").format(self.value(operand[0]), self.value(operand[1]))
        if op == "contains":
            return self("contains").format("/".join(operand))
        if op in ("any_in", "all_in"):
            return self(op).format(self("list").join(self.value(v) for v in operand))
        return self("empty") if operand else self("filled")


def cell_text(cell: Any, *, title: Title = str, english: bool = False) -> str:
    """One cell as a formula (a compared field by ``title``); tests of one cell are joined
    by 且 (and)."""
    words = _Words(title, english)
    return words("and").join(words.test(op, operand) for op, operand in cell_tests(cell).items())


def grid(
    table: dict[str, Any], *, title: Title = str, english: bool = False
) -> list[dict[str, Any]]:
    """Rows of the table: number, one text per input column ('-' when left out), outcome,
    reason (``reason_en`` with ``english``, where the row has one)."""
    columns = [column["field"] for column in table["inputs"]]
    return [
        {
            "number": number,
            "cells": [
                cell_text(row["when"][f], title=title, english=english) if f in row["when"] else "-"
                for f in columns
            ],
            "outcome": row["outcome"],
            "reason": (english and row.get("reason_en")) or row["reason"],
        }
        for number, row in enumerate(table["rules"], start=1)
    ]
