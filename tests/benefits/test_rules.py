"""Policy conditions read as data: periods, ages at the month's last day (29 February
included), months since a date, equality without bool/number confusion, missing data."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongban.benefits.rules import Period, holds, unmet
from tongban.errors import InvalidInput

NOV = Period(2026, 11)


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026/11", "26-11", "", "2026-1"])
def test_a_wrong_period_is_refused_with_how_to_write_it(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        Period.parse(text)
    assert "2026-11" in caught.value.message_zh


def test_a_period_has_its_last_day() -> None:
    assert Period.parse("2028-02").last_day == date(2028, 2, 29)
    assert NOV.last_day == date(2026, 11, 30) and NOV.label == "2026-11"


@pytest.mark.parametrize(
    ("born", "eligible"),
    [
        (date(1946, 11, 30), True),  # 80 on the month's last day
        (date(1946, 12, 1), False),
        (date(1930, 1, 1), True),
    ],
)
def test_age_is_counted_at_the_months_last_day(born: date, eligible: bool) -> None:
    assert holds("age_at_least", 80, born.isoformat(), NOV) is eligible


def test_someone_born_on_29_february_comes_of_age_on_1_march() -> None:
    born = "1948-02-29"
    assert not holds("age_at_least", 80, born, Period(2028, 1))
    assert holds("age_at_least", 80, born, Period(2028, 2))  # 2028 is a leap year
    assert not holds("age_at_least", 79, born, Period(2027, 2))  # 1 March 2027
    assert holds("age_at_least", 79, born, Period(2027, 3))


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2026, 11, 30)))
def test_age_at_least_grows_with_time_and_shrinks_with_the_bound(born: date) -> None:
    value = born.isoformat()
    if holds("age_at_least", 80, value, NOV):
        assert holds("age_at_least", 80, value, Period(2026, 12))
        assert holds("age_at_least", 79, value, NOV)


@pytest.mark.parametrize(
    ("opened", "eligible"),
    [
        ("2025-11-30", False),  # exactly 12 months before the last day
        ("2025-12-01", True),
        ("2026-11-30", True),
        ("2026-12-01", False),  # after the period
    ],
)
def test_within_months_is_the_n_months_ending_with_the_period(opened: str, eligible: bool) -> None:
    assert holds("within_months", 12, opened, NOV) is eligible


def test_equality_does_not_mix_booleans_and_numbers() -> None:
    assert holds("equals", False, False, NOV)
    assert not holds("equals", False, 0, NOV)
    assert not holds("equals", 1, True, NOV)
    assert holds("one_of", ["鼓楼区", "台江区"], "台江区", NOV)
    assert holds("at_most", 500, 500.0, NOV) and not holds("at_most", 500, 500.5, NOV)
    assert not holds("at_least", 1, True, NOV)


def test_a_missing_record_or_value_fails_its_condition() -> None:
    conditions = [
        {"field": "population.birth_date", "op": "age_at_least", "value": 80, "title": "80"},
        {"field": "tax.taxpayer_type", "op": "equals", "value": "小规模纳税人", "title": "小规模"},
    ]
    person = {"population": {"birth_date": "1930-01-01"}, "tax": None}
    assert unmet(conditions, person, NOV) == ["小规模"]
    assert unmet(conditions, {}, NOV) == ["80", "小规模"]
    assert not holds("age_at_least", 80, "not a date", NOV)
    last = (NOV.last_day - timedelta(days=1)).isoformat()
    assert holds("within_months", 1, last, NOV)
