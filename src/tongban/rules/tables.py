"""Evaluating a decision table (规则表) over the facts of one case.

A table is data from the catalog (``schema/decision.schema.json``): input columns, rows
of tests on them, each row with an outcome (approve, refuse, to_person) and a reason, and
a hit policy saying which row decides when several hold (DMN 1.3: FIRST, UNIQUE,
PRIORITY, ANY). Nothing in a table is executed: every test is one operator of a small,
closed set (``OPERATORS``) applied to a value and an operand. docs/rules.md is the
administrator's description of the same rules.

Facts are typed values by input field: text, numbers, booleans, ``datetime.date`` for
dates, lists (the choices made in a multiple-choice field), None when empty, or
:class:`Unavailable` when a shared source could not answer. An empty value satisfies
only ``empty: true`` (and a cell left out); an unavailable one lets no row decide: the
case goes to a person, saying which source.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any


class Outcome(StrEnum):
    approve = "approve"  # 准予
    refuse = "refuse"  # 不予许可
    to_person = "to_person"  # 转人工


class HitPolicy(StrEnum):
    first = "FIRST"
    unique = "UNIQUE"
    priority = "PRIORITY"
    any = "ANY"


OPERATORS = (
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "in",
    "not_in",
    "between",
    "contains",
    "any_in",
    "all_in",
    "empty",
)
ORDERED = frozenset({"lt", "le", "gt", "ge", "between"})  # numbers and dates only
CHOICES = frozenset({"any_in", "all_in"})  # list fields (several choices) only
PRIORITY = (Outcome.refuse, Outcome.to_person, Outcome.approve)  # PRIORITY: first wins
RELATIVE_DATE = re.compile(r"^today(?:([+-])([0-9]{1,5})([dy]))?$")
NO_MATCH_ZH = "没有一条规则对本申请作出决定，转人工办理"
NO_MATCH_EN = "No rule decides this application; it goes to a person"


@dataclass(frozen=True)
class Unavailable:
    """A fact a shared source could not give (down, slow): no rule may decide on it."""

    reason_zh: str
    reason_en: str


@dataclass(frozen=True)
class Verdict:
    """What a table decided: the outcome, the reason, the deciding row (1-based; None when
    no single row decided) and every row that held."""

    outcome: Outcome
    reason: str
    reason_en: str
    row: int | None
    held: tuple[int, ...] = ()


COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}


class RuleError(ValueError):
    """A test could not be applied to the facts (a value of the wrong type)."""


def is_relative_date(text: object) -> bool:
    return isinstance(text, str) and RELATIVE_DATE.match(text) is not None


def parse_date(text: object, today: date) -> date:
    """A date operand: ``YYYY-MM-DD``, or ``today``, ``today+30d``, ``today-18y``."""
    if not isinstance(text, str):
        raise RuleError(f"日期须写成 YYYY-MM-DD 或 today±N d/y，现为 {text!r}")
    found = RELATIVE_DATE.match(text)
    if found is None:
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise RuleError(f"日期须写成 YYYY-MM-DD 或 today±N d/y，现为 {text!r}") from None
    sign, amount, unit = found.groups()
    if sign is None:
        return today
    step = int(amount) if sign == "+" else -int(amount)
    if unit == "d":
        return today + timedelta(days=step)
    try:
        return today.replace(year=today.year + step)
    except ValueError:  # 29 February in a year without one
        return today.replace(year=today.year + step, day=28)


def cell_tests(cell: Any) -> dict[str, Any]:
    """A cell as operator → operand: a scalar means ``eq``, a list means ``in``."""
    if isinstance(cell, dict):
        return cell
    if isinstance(cell, list):
        return {"in": cell}
    return {"eq": cell}


def _operand(operand: Any, value: Any, facts: Mapping[str, Any], today: date) -> Any:
    """An operand as a value comparable with ``value`` (another input's fact, a date)."""
    if isinstance(operand, dict):
        return facts.get(operand["field"])
    if isinstance(value, date):
        return parse_date(operand, today)
    return operand


def _holds(op: str, operand: Any, value: Any, facts: Mapping[str, Any], today: date) -> bool:
    if op == "empty":
        return (value is None) == bool(operand)
    if value is None:
        return False
    if op in ("in", "not_in"):
        members = [_operand(member, value, facts, today) for member in operand]
        return (value in members) == (op == "in")
    if op == "contains":
        return isinstance(value, str) and any(word in value for word in operand)
    if op in CHOICES:
        if not isinstance(value, list):
            raise RuleError(f"{op} 只能判断多选的列表，值 {value!r} 不是列表")
        chosen = [choice in operand for choice in value]
        return any(chosen) if op == "any_in" else all(chosen)
    if op == "between":
        low, high = (_operand(bound, value, facts, today) for bound in operand)
        return low is not None and high is not None and low <= value <= high
    other = _operand(operand, value, facts, today)
    if other is None:
        return False
    return bool(COMPARE[op](value, other))


def cell_holds(cell: Any, value: Any, facts: Mapping[str, Any], today: date) -> bool:
    """Whether every test of ``cell`` holds for ``value``; RuleError on a type mismatch."""
    try:
        return all(
            _holds(op, operand, value, facts, today) for op, operand in cell_tests(cell).items()
        )
    except TypeError as error:
        raise RuleError(f"值 {value!r} 无法按规则比较") from error


def row_holds(row: Mapping[str, Any], facts: Mapping[str, Any], today: date) -> bool:
    """Whether every cell of a row holds (cells left out hold)."""
    return all(
        cell_holds(cell, facts.get(field), facts, today) for field, cell in row["when"].items()
    )


def _unavailable(table: Mapping[str, Any], facts: Mapping[str, Any]) -> Unavailable | None:
    for column in table["inputs"]:
        fact = facts.get(column["field"])
        if isinstance(fact, Unavailable):
            return fact
    return None


def _verdict(table: Mapping[str, Any], index: int, held: tuple[int, ...]) -> Verdict:
    row = table["rules"][index - 1]
    return Verdict(
        Outcome(row["outcome"]), row["reason"], row.get("reason_en", row["reason"]), index, held
    )


def _undecided(reason: str, reason_en: str, held: tuple[int, ...] = ()) -> Verdict:
    return Verdict(Outcome.to_person, reason, reason_en, None, held)


def evaluate(table: Mapping[str, Any], facts: Mapping[str, Any], *, today: date) -> Verdict:
    """The table's verdict on ``facts`` (by input field) on the local date ``today``."""
    missing = _unavailable(table, facts)
    if missing is not None:
        return _undecided(missing.reason_zh, missing.reason_en)
    try:
        held = tuple(
            index
            for index, row in enumerate(table["rules"], start=1)
            if row_holds(row, facts, today)
        )
    except RuleError as error:
        return _undecided(f"规则无法判断：{error}，转人工办理", "A rule could not be applied")
    if not held:
        reason = table.get("no_match_reason") or NO_MATCH_ZH
        return _undecided(reason, NO_MATCH_EN, held)
    policy = HitPolicy(table["hit_policy"])
    if policy == HitPolicy.first:
        return _verdict(table, held[0], held)
    if policy == HitPolicy.priority:
        rank = {outcome: place for place, outcome in enumerate(PRIORITY)}
        best = min(held, key=lambda index: rank[Outcome(table["rules"][index - 1]["outcome"])])
        return _verdict(table, best, held)
    outcomes = {table["rules"][index - 1]["outcome"] for index in held}
    if (policy == HitPolicy.unique and len(held) > 1) or len(outcomes) > 1:
        rows = "、".join(str(index) for index in held)
        return _undecided(
            f"规则表第 {rows} 行同时成立，命中规则冲突（{policy}），转人工办理",
            f"Rows {', '.join(map(str, held))} hold at once ({policy}): a conflict",
            held,
        )
    return _verdict(table, held[0], held)
