"""A decision table written as people read it: each cell as a short formula (≥ today-18y,
∉ {存续, 在业}, 为空), for the catalog admin's pages and the dry run."""

from __future__ import annotations

from typing import Any

from tongban.rules.tables import cell_tests

SYMBOLS = {"eq": "=", "ne": "≠", "lt": "<", "le": "≤", "gt": ">", "ge": "≥"}


def _value(operand: Any) -> str:
    if isinstance(operand, dict):
        return f"【{operand['field']}】"
    if isinstance(operand, bool):
        return "是" if operand else "否"
    return str(operand)


def _test(op: str, operand: Any) -> str:
    if op in SYMBOLS:
        return f"{SYMBOLS[op]} {_value(operand)}"
    if op in ("in", "not_in"):
        members = "、".join(_value(v) for v in operand)
        return f"{'∈' if op == 'in' else '∉'} {{{members}}}"
    if op == "between":
        return f"介于 {_value(operand[0])} 与 {_value(operand[1])}"
    if op == "contains":
        return "含 " + "/".join(operand)
    return "为空" if operand else "不为空"


def cell_text(cell: Any) -> str:
    """One cell as a formula; tests of one cell are joined by 且."""
    return " 且 ".join(_test(op, operand) for op, operand in cell_tests(cell).items())


def grid(table: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of the table: number, one text per input column ('-' when left out), outcome,
    reason."""
    columns = [column["field"] for column in table["inputs"]]
    return [
        {
            "number": number,
            "cells": [cell_text(row["when"][f]) if f in row["when"] else "-" for f in columns],
            "outcome": row["outcome"],
            "reason": row["reason"],
        }
        for number, row in enumerate(table["rules"], start=1)
    ]
