"""Property tests over decision tables: each operator means what docs/rules.md says, empty
values match only ``empty``, and each hit policy picks the row DMN 1.3 says it picks."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from tongban.rules.describe import cell_text
from tongban.rules.service import Outcome, Unavailable, evaluate, parse_date
from tongban.rules.tables import cell_holds

TODAY = date(2026, 11, 30)
numbers = st.integers(min_value=-1000, max_value=1000)
outcomes = st.sampled_from(["approve", "refuse", "to_person"])


def holds(cell: Any, value: Any) -> bool:
    return cell_holds(cell, value, {}, TODAY)


@given(numbers, numbers, numbers)
def test_between_is_both_bounds_inclusive(value: int, low: int, high: int) -> None:
    assert holds({"between": [low, high]}, value) == (low <= value <= high)
    assert holds({"between": [low, high]}, value) == holds({"ge": low, "le": high}, value)


@given(numbers, numbers)
def test_comparisons_are_exact_opposites(value: int, operand: int) -> None:
    assert holds({"lt": operand}, value) != holds({"ge": operand}, value)
    assert holds({"gt": operand}, value) != holds({"le": operand}, value)
    assert holds({"eq": operand}, value) != holds({"ne": operand}, value)
    assert holds(operand, value) == (value == operand)  # a bare value means eq


@given(numbers, st.lists(numbers, min_size=1, max_size=5))
def test_in_and_not_in_split_every_value(value: int, members: list[int]) -> None:
    assert holds({"in": members}, value) == (value in members)
    assert holds({"in": members}, value) != holds({"not_in": members}, value)
    assert holds(members, value) == (value in members)  # a bare list means in


@given(st.sampled_from(["eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "between"]), numbers)
def test_an_empty_value_matches_only_empty(op: str, operand: int) -> None:
    value = [operand] if op in ("in", "not_in") else [operand, operand + 1]
    cell = {op: value if op in ("in", "not_in", "between") else operand}
    assert not holds(cell, None)
    assert holds({"empty": True}, None) and not holds({"empty": False}, None)
    assert holds({"empty": False}, operand) and not holds({"empty": True}, operand)


@given(st.integers(min_value=-3650, max_value=3650), st.integers(min_value=0, max_value=400))
def test_dates_compare_with_today_plus_or_minus_days(offset: int, days: int) -> None:
    day = TODAY + timedelta(days=offset)
    assert holds({"ge": f"today-{days}d"}, day) == (offset >= -days)
    assert holds({"le": f"today+{days}d"}, day) == (offset <= days)
    assert parse_date("today", TODAY) == TODAY


@given(st.integers(min_value=0, max_value=120))
def test_years_back_keep_the_calendar_day(years: int) -> None:
    assert parse_date(f"today-{years}y", TODAY) == TODAY.replace(year=TODAY.year - years)
    assert parse_date("today-2y", date(2024, 2, 29)) == date(2022, 2, 28)


def _table(policy: str, rows: list[tuple[int, int, str]]) -> dict[str, Any]:
    return {
        "hit_policy": policy,
        "inputs": [{"field": "x"}],
        "rules": [
            {"when": {"x": {"between": [lo, hi]}}, "outcome": out, "reason": f"row {i}"}
            for i, (lo, hi, out) in enumerate(rows, start=1)
        ],
    }


rows_strategy = st.lists(st.tuples(numbers, numbers, outcomes), min_size=1, max_size=6)


def _held(rows: list[tuple[int, int, str]], x: int) -> list[int]:
    return [i for i, (lo, hi, _) in enumerate(rows, start=1) if lo <= x <= hi]


@given(rows_strategy, numbers)
def test_first_takes_the_first_row_that_holds(rows: list[tuple[int, int, str]], x: int) -> None:
    verdict = evaluate(_table("FIRST", rows), {"x": x}, today=TODAY)
    held = _held(rows, x)
    if not held:
        assert verdict.outcome == Outcome.to_person and verdict.row is None
    else:
        assert verdict.row == held[0]
        assert verdict.outcome == rows[held[0] - 1][2]
        assert verdict.reason == f"row {held[0]}"
    assert list(verdict.held) == held


@given(rows_strategy, numbers)
def test_unique_decides_only_when_one_row_holds(rows: list[tuple[int, int, str]], x: int) -> None:
    verdict = evaluate(_table("UNIQUE", rows), {"x": x}, today=TODAY)
    held = _held(rows, x)
    if len(held) == 1:
        assert verdict.row == held[0] and verdict.outcome == rows[held[0] - 1][2]
    else:
        assert verdict.outcome == Outcome.to_person and verdict.row is None


@given(rows_strategy, numbers)
def test_priority_prefers_refuse_then_person_then_approve(
    rows: list[tuple[int, int, str]], x: int
) -> None:
    verdict = evaluate(_table("PRIORITY", rows), {"x": x}, today=TODAY)
    held = _held(rows, x)
    found = {rows[i - 1][2] for i in held}
    expected = next((o for o in ("refuse", "to_person", "approve") if o in found), "to_person")
    assert verdict.outcome == expected
    if held:
        assert verdict.row == next(i for i in held if rows[i - 1][2] == expected)


@given(rows_strategy, numbers)
def test_any_needs_every_holding_row_to_agree(rows: list[tuple[int, int, str]], x: int) -> None:
    verdict = evaluate(_table("ANY", rows), {"x": x}, today=TODAY)
    found = {rows[i - 1][2] for i in _held(rows, x)}
    assert verdict.outcome == (found.pop() if len(found) == 1 else "to_person")


@given(rows_strategy, numbers)
def test_an_unavailable_source_lets_no_row_decide(rows: list[tuple[int, int, str]], x: int) -> None:
    down = Unavailable("人社社会保险库暂时无法访问，转人工办理", "down")
    verdict = evaluate(_table("FIRST", rows), {"x": down}, today=TODAY)
    assert verdict.outcome == Outcome.to_person
    assert verdict.reason == "人社社会保险库暂时无法访问，转人工办理"


def test_a_value_of_the_wrong_type_goes_to_a_person_instead_of_failing() -> None:
    table = _table("FIRST", [(0, 10, "approve")])
    verdict = evaluate(table, {"x": "十"}, today=TODAY)
    assert verdict.outcome == Outcome.to_person and "无法判断" in verdict.reason


def test_contains_finds_any_word_and_field_operands_compare_two_inputs() -> None:
    assert holds({"contains": ["食品", "药品"]}, "预包装食品销售")
    assert not holds({"contains": ["食品"]}, "日用百货")
    facts = {"start": date(2026, 1, 1), "end": date(2025, 12, 31)}
    assert cell_holds({"lt": {"field": "start"}}, facts["end"], facts, TODAY)


choices = st.lists(st.integers(min_value=0, max_value=9), min_size=1, max_size=5, unique=True)


@given(choices, choices)
def test_any_in_and_all_in_test_the_choices_of_a_list(chosen: list[int], listed: list[int]) -> None:
    assert holds({"any_in": listed}, chosen) == bool(set(chosen) & set(listed))
    assert holds({"all_in": listed}, chosen) == set(chosen).issubset(listed)
    assert not holds({"all_in": listed}, chosen) or holds({"any_in": listed}, chosen)
    assert not holds({"any_in": listed}, None) and not holds({"all_in": listed}, None)


@given(st.sampled_from(["any_in", "all_in"]), numbers)
def test_a_list_test_on_a_single_value_goes_to_a_person(op: str, value: int) -> None:
    table = {
        "hit_policy": "FIRST",
        "inputs": [{"field": "x"}],
        "rules": [{"when": {"x": {op: [value]}}, "outcome": "approve", "reason": "准予"}],
    }
    verdict = evaluate(table, {"x": value}, today=TODAY)
    assert verdict.outcome == Outcome.to_person and "不是列表" in verdict.reason


def test_list_tests_read_as_formulas_in_both_languages() -> None:
    cell = {"any_in": ["生食类食品制售", "半成品制售"], "empty": False}
    assert cell_text(cell) == "含 {生食类食品制售、半成品制售} 中任一项 且 不为空"
    assert cell_text({"all_in": ["a", "b"]}, english=True) == "all within {a, b}"
