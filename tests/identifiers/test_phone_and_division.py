"""Mobile numbers and division codes as form fields: normalised, then checked with a
message that says what is wrong."""

from __future__ import annotations

import pytest

from tongban.identifiers import (
    IdentifierError,
    kind_of,
    validate_division_code,
    validate_mobile_phone,
)


@pytest.mark.parametrize(
    "typed",
    [
        "13800000001",
        " 138 0000 0001 ",
        "138-0000-0001",
        "+86 138 0000 0001",
        "１３８００００００01",
    ],
)
def test_a_mobile_number_is_read_however_it_is_spaced(typed: str) -> None:
    assert validate_mobile_phone(typed) == "13800000001"


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("1380000000", "手机号码应为 11 位，实际为 10 位"),
        ("12800000001", "手机号码应以 13 至 19 开头，实际为“12”"),
        ("1380000000a", "手机号码只能包含数字，发现“A”"),
    ],
)
def test_a_bad_mobile_number_says_what_is_wrong(typed: str, says: str) -> None:
    with pytest.raises(IdentifierError) as error:
        validate_mobile_phone(typed)
    assert error.value.message_zh == says


def test_a_division_code_must_be_in_the_table() -> None:
    assert validate_division_code(" ３５０１０２ ").name == "鼓楼区"
    with pytest.raises(IdentifierError, match="不在区划表中"):
        validate_division_code("359999")
    with pytest.raises(IdentifierError, match="6 位数字"):
        validate_division_code("3501")


def test_a_field_is_an_identifier_by_its_format_or_the_catalogs_old_pattern() -> None:
    division = kind_of({"type": "string", "format": "division-code"})
    phone = kind_of({"type": "string", "pattern": "^1[3-9][0-9]{9}$"})
    assert division is not None and division.name == "division-code"
    assert phone is not None and phone.name == "mobile-phone"
    assert kind_of({"type": "string", "pattern": "^[0-9]{8,32}$"}) is None
    assert kind_of({"type": "integer", "format": "resident-id"}) is None
