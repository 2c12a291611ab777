"""Unified social credit codes: required vectors, the GB 11714 rule, rejections."""

from __future__ import annotations

import pytest

from tongban.identifiers import (
    IdentifierError,
    credit_check_character,
    make_credit_code,
    organisation_check_character,
    validate_credit_code,
)


def _with_check(first17: str) -> str:
    return first17 + credit_check_character(first17)


def test_shenzhen_vector() -> None:
    code = validate_credit_code("9144030071526726XG")
    assert code.registration_authority == "9"
    assert code.entity_type == "1"
    assert code.division_code == "440300"
    assert code.organisation_code == "71526726X"
    assert code.warnings == ()


def test_letter_prefixed_body_vector() -> None:
    code = validate_credit_code("91350100M000100Y43")
    assert code.division_code == "350100"
    assert code.organisation_code == "M000100Y4"
    assert code.warnings == ()


def test_vectors_satisfy_gb_11714() -> None:
    # The investigation behind the rule in credit.py: both bodies check out,
    # the letter one with letters valued A=10 … Z=35.
    assert organisation_check_character("71526726") == "X"
    assert organisation_check_character("M000100Y") == "4"


def test_lower_case_is_normalised() -> None:
    assert validate_credit_code("91350100m000100y43").number == "91350100M000100Y43"


def test_wrong_check_character() -> None:
    with pytest.raises(IdentifierError) as info:
        validate_credit_code("9144030071526726XA")
    assert info.value.code == "check_character"
    assert "应为 G，实际为 A" in info.value.message_zh
    assert "check character should be G, got A" in info.value.message_en


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_forbidden_letters(letter: str) -> None:
    with pytest.raises(IdentifierError) as info:
        validate_credit_code(f"91350100M{letter}00100Y43")
    assert info.value.code == "character"
    assert "character 10" in info.value.message_en
    assert "I、O、Z、S、V" in info.value.message_zh


@pytest.mark.parametrize("raw", ["", "9144030071526726X", "9144030071526726XG0"])
def test_bad_length(raw: str) -> None:
    with pytest.raises(IdentifierError) as info:
        validate_credit_code(raw)
    assert info.value.code == "length"


def test_punctuation_is_rejected() -> None:
    with pytest.raises(IdentifierError) as info:
        validate_credit_code("91440300-1526726XG")
    assert info.value.code == "character"


def test_division_must_be_digits() -> None:
    with pytest.raises(IdentifierError) as info:
        validate_credit_code(_with_check("9144A30071526726X"))
    assert info.value.code == "division_code"


def test_digit_body_with_bad_organisation_check_is_an_error() -> None:
    # Final check right, GB 11714 check wrong (X expected): a legacy code mistyped
    # and then "fixed up", which the final check alone would not catch.
    with pytest.raises(IdentifierError) as info:
        validate_credit_code(_with_check("91440300715267261"))
    assert info.value.code == "organisation_code"
    assert "should be X, got 1" in info.value.message_en


def test_letter_body_with_bad_organisation_check_is_a_warning() -> None:
    code = validate_credit_code(_with_check("91350100M000100Y5"))
    assert any("organisation code" in w for w in code.warnings)


def test_unknown_authority_only_warns_even_for_digit_body() -> None:
    code = validate_credit_code(_with_check("B1440300715267261"))
    assert len(code.warnings) == 2
    assert "registration authority" in code.warnings[0]


def test_unknown_division_warns_and_national_level_does_not() -> None:
    unknown = validate_credit_code(make_credit_code("350199", "12345678"))
    assert "not in the division table" in unknown.warnings[0]
    assert validate_credit_code(make_credit_code("100000", "12345678", "1", "2")).warnings == ()


def test_make_credit_code_computes_both_checks() -> None:
    assert make_credit_code("440300", "71526726") == "9144030071526726XG"
    assert make_credit_code("350100", "M000100Y") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("division_code", "body8", "authority", "entity"),
    [
        ("35010", "12345678", "9", "1"),
        ("350100", "1234567", "9", "1"),
        ("350100", "1234567O", "9", "1"),
        ("350100", "12345678", "I", "1"),
        ("350100", "12345678", "9", "11"),
    ],
)
def test_make_credit_code_rejects_bad_input(
    division_code: str, body8: str, authority: str, entity: str
) -> None:
    with pytest.raises(IdentifierError) as info:
        make_credit_code(division_code, body8, authority, entity)
    assert info.value.code == "argument"
