"""GB/T 36904 e-licence identifiers and the ISO/IEC 7064 MOD 37,36 check character."""

from __future__ import annotations

import pytest

from tongban.identifiers import IdentifierError
from tongban.identifiers.licence import (
    make_licence_identifier,
    mod_37_36_check_character,
    validate_licence_identifier,
)

# Identifiers issued on provincial platforms and published in their interface documents.
PUBLISHED = [
    "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U",
    "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.002.S",
    "1.2.156.3005.2.11100000000013338W087.11370800MB28559184.37080001202411010001.001.3",
    "1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0",
]


@pytest.mark.parametrize(
    ("text", "check"),
    [
        ("A12425GABC1234002", "M"),  # the worked example of ISO/IEC 7064
        ("B3739U6CR", "K"),
        ("9", "J"),
        ("WP8Z0", "9"),
        ("TRO", "D"),
    ],
)
def test_mod_37_36_worked_examples(text: str, check: str) -> None:
    assert mod_37_36_check_character(text) == check


@pytest.mark.parametrize("identifier", PUBLISHED)
def test_published_identifiers_validate(identifier: str) -> None:
    assert str(validate_licence_identifier(identifier)) == identifier


def test_a_new_version_changes_the_check_character() -> None:
    first = make_licence_identifier(
        type_code="11100000000013338W011", issuer_code="11430000006122244L", serial="20230000403"
    )
    second = make_licence_identifier(
        type_code="11100000000013338W011",
        issuer_code="11430000006122244L",
        serial="20230000403",
        version=2,
    )
    assert (str(first), str(second)) == (PUBLISHED[0], PUBLISHED[1])


@pytest.mark.parametrize(
    ("changed", "code"),
    [
        (PUBLISHED[0][:-1] + "V", "check_character"),
        (PUBLISHED[0].replace("20230000403", "20230000430"), "check_character"),  # swapped digits
        (PUBLISHED[0].replace("1.2.156.3005.2.", "1.2.156.3005.1."), "format"),
        (PUBLISHED[0].replace(".001.", ".01."), "length"),
        (PUBLISHED[0].replace("11430000006122244L", "1143000000612224"), "length"),
    ],
)
def test_errors_say_what_is_wrong(changed: str, code: str) -> None:
    with pytest.raises(IdentifierError) as raised:
        validate_licence_identifier(changed)
    assert raised.value.code == code


def test_lower_case_and_full_width_input_is_normalised() -> None:
    text = PUBLISHED[2].lower().replace("1.2.156", "１.２.１５６")
    assert str(validate_licence_identifier(text)) == PUBLISHED[2]
