"""Resident ID numbers: required vectors and clear rejections."""

from __future__ import annotations

import pickle
from datetime import date

import pytest

from tongban.identifiers import (
    IdentifierError,
    make_resident_id,
    resident_check_character,
    validate_resident_id,
)


def _with_check(body17: str) -> str:
    """A number whose check character is right, so other rules get exercised."""
    return body17 + resident_check_character(body17)


def test_beijing_vector() -> None:
    rid = validate_resident_id("11010519491231002X")
    assert rid.number == "11010519491231002X"
    assert rid.division_code == "110105"
    assert rid.birth_date == date(1949, 12, 31)
    assert rid.sex == "female"
    assert rid.warnings == ()


def test_retired_division_vector_passes_with_warning() -> None:
    rid = validate_resident_id("440524188001010014")
    assert rid.birth_date == date(1880, 1, 1)
    assert rid.sex == "male"
    assert len(rid.warnings) == 1
    assert "440524" in rid.warnings[0]
    assert "retired" in rid.warnings[0]


@pytest.mark.parametrize(
    "raw", ["11010519491231002x", " 11010519491231002X\n", "１１０１０５１９４９１２３１００２ｘ"]
)
def test_input_is_normalised(raw: str) -> None:
    assert validate_resident_id(raw).number == "11010519491231002X"


def test_unknown_division_in_real_province_warns() -> None:
    rid = validate_resident_id(_with_check("35019919800101001"))
    assert "not in the division table" in rid.warnings[0]


def test_taiwan_residence_permit_prefix_is_accepted() -> None:
    rid = validate_resident_id(_with_check("83000019900101002"))
    assert rid.division_code == "830000"


def test_wrong_check_character() -> None:
    with pytest.raises(IdentifierError) as info:
        validate_resident_id("110105194912310023")
    err = info.value
    assert err.code == "check_character"
    assert err.field == "check_character"
    assert "身份证号码校验位错误：应为 X，实际为 3" in err.message_zh
    assert "check character should be X, got 3" in err.message_en


def test_february_30_is_rejected() -> None:
    with pytest.raises(IdentifierError) as info:
        validate_resident_id(_with_check("35010219900230001"))
    assert info.value.code == "birth_date"
    assert "1990-02-30" in info.value.message_zh
    assert "not a valid date" in info.value.message_en


def test_future_birth_is_rejected_and_today_is_allowed() -> None:
    today = date(2024, 6, 1)
    assert validate_resident_id(_with_check("35010220240601001"), today=today)
    with pytest.raises(IdentifierError) as info:
        validate_resident_id(_with_check("35010220240602001"), today=today)
    assert info.value.code == "birth_date"
    assert "future" in info.value.message_en


def test_birth_before_1800_is_rejected() -> None:
    with pytest.raises(IdentifierError) as info:
        validate_resident_id(_with_check("35010217991231001"))
    assert info.value.code == "birth_date"
    assert "1800" in info.value.message_en


@pytest.mark.parametrize("raw", ["", "11010519491231002", "11010519491231002X1", "110105491231002"])
def test_bad_length(raw: str) -> None:
    with pytest.raises(IdentifierError) as info:
        validate_resident_id(raw)
    assert info.value.code == "length"
    assert f"got {len(raw)}" in info.value.message_en


def test_fifteen_digit_number_gets_a_hint() -> None:
    with pytest.raises(IdentifierError) as info:
        validate_resident_id("110105491231002")
    assert "18-digit" in info.value.message_en
    assert "15 位旧号码" in info.value.message_zh


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ("1101051949123100XX", "number"),
        ("11010A19491231002X", "number"),
        ("11010519491231002Y", "check_character"),
    ],
)
def test_bad_characters(raw: str, field: str) -> None:
    with pytest.raises(IdentifierError) as info:
        validate_resident_id(raw)
    assert info.value.code == "character"
    assert info.value.field == field


def test_arabic_indic_digits_are_not_digits() -> None:
    # NFKC leaves these alone and str.isdigit() would accept them.
    with pytest.raises(IdentifierError):
        validate_resident_id("١١٠١٠٥١٩٤٩١٢٣١٠٠٢X")


def test_unknown_province_is_rejected() -> None:
    with pytest.raises(IdentifierError) as info:
        validate_resident_id(_with_check("99010219800101001"))
    assert info.value.code == "province"
    assert info.value.field == "division_code"


def test_make_resident_id() -> None:
    number = make_resident_id("350102", date(1985, 3, 7), 123)
    rid = validate_resident_id(number)
    assert rid.division_code == "350102"
    assert rid.birth_date == date(1985, 3, 7)
    assert rid.sex == "male"
    assert validate_resident_id(make_resident_id("350102", date(1985, 3, 7), 124)).sex == "female"


@pytest.mark.parametrize(
    ("division_code", "birth", "sequence"),
    [
        ("35010", date(1985, 1, 1), 1),
        ("990102", date(1985, 1, 1), 1),
        ("350102", date(1985, 1, 1), 1000),
        ("350102", date(1985, 1, 1), -1),
        ("350102", date(1799, 12, 31), 1),
        ("350102", date(9999, 1, 1), 1),
    ],
)
def test_make_resident_id_rejects_impossible_input(
    division_code: str, birth: date, sequence: int
) -> None:
    with pytest.raises(IdentifierError):
        make_resident_id(division_code, birth, sequence)


def test_error_is_a_value_error_and_pickles() -> None:
    with pytest.raises(ValueError) as info:
        validate_resident_id("110105194912310023")
    assert isinstance(info.value, IdentifierError)
    copy = pickle.loads(pickle.dumps(info.value))
    assert copy.as_dict() == info.value.as_dict()
    assert str(copy) == str(info.value)
