"""Property tests: generated numbers validate, round-trip, and single typos are caught."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tongban.forms import service as formcheck
from tongban.identifiers import (
    KINDS,
    IdentifierError,
    iter_divisions,
    make_credit_code,
    make_resident_id,
    validate_credit_code,
    validate_resident_id,
)
from tongban.identifiers.credit import ALPHABET

# No example database: it would write a .hypothesis directory into the work tree.
SETTINGS = settings(database=None, deadline=None, max_examples=300)
DIGITS = "0123456789"

province_prefixes = sorted({d.code[:2] for d in iter_divisions() if d.level == "province"})
resident_divisions = st.builds(
    lambda prefix, rest: prefix + rest,
    st.sampled_from(province_prefixes),
    st.text(DIGITS, min_size=4, max_size=4),
)
births = st.dates(min_value=date(1800, 1, 1), max_value=date(2020, 12, 31))
sequences = st.integers(min_value=0, max_value=999)
resident_ids = st.builds(make_resident_id, resident_divisions, births, sequences)

credit_codes = st.builds(
    make_credit_code,
    st.text(DIGITS, min_size=6, max_size=6),
    st.text(ALPHABET, min_size=8, max_size=8),
    st.sampled_from(ALPHABET),
    st.sampled_from(ALPHABET),
)


@SETTINGS
@given(resident_divisions, births, sequences)
def test_generated_resident_ids_round_trip(division_code: str, birth: date, seq: int) -> None:
    number = make_resident_id(division_code, birth, seq)
    rid = validate_resident_id(number)
    assert rid.number == number
    assert rid.division_code == division_code
    assert rid.birth_date == birth
    assert rid.sex == ("male" if seq % 2 else "female")
    assert validate_resident_id(number.lower()) == rid
    assert validate_resident_id(f"  {number} ") == rid


@SETTINGS
@given(resident_ids, st.data())
def test_any_single_substitution_breaks_a_resident_id(number: str, data: st.DataObject) -> None:
    position = data.draw(st.integers(min_value=0, max_value=17))
    allowed = DIGITS + ("X" if position == 17 else "")
    replacement = data.draw(st.sampled_from(allowed).filter(lambda c: c != number[position]))
    typo = number[:position] + replacement + number[position + 1 :]
    with pytest.raises(IdentifierError):
        validate_resident_id(typo)


@SETTINGS
@given(
    st.text(DIGITS, min_size=6, max_size=6),
    st.text(ALPHABET, min_size=8, max_size=8),
    st.sampled_from(ALPHABET),
    st.sampled_from(ALPHABET),
)
def test_generated_credit_codes_round_trip(
    division_code: str, body8: str, authority: str, entity: str
) -> None:
    number = make_credit_code(division_code, body8, authority, entity)
    code = validate_credit_code(number)
    assert code.number == number
    assert code.registration_authority == authority
    assert code.entity_type == entity
    assert code.division_code == division_code
    assert code.organisation_code[:8] == body8
    assert not any("organisation code" in w for w in code.warnings)
    assert validate_credit_code(number.lower()) == code


@SETTINGS
@given(credit_codes, st.data())
def test_any_single_substitution_breaks_a_credit_code(number: str, data: st.DataObject) -> None:
    position = data.draw(st.integers(min_value=0, max_value=17))
    replacement = data.draw(st.sampled_from(ALPHABET).filter(lambda c: c != number[position]))
    typo = number[:position] + replacement + number[position + 1 :]
    with pytest.raises(IdentifierError):
        validate_credit_code(typo)


# How people type an identifier: any character full width or not, any letter in either
# case, and spaces (ASCII or ideographic) around it.
def _disguise(number: str, data: st.DataObject) -> str:
    typed = []
    for char in number:
        if data.draw(st.booleans()):
            char = chr(ord(char) + 0xFEE0)  # the full-width form of an ASCII character
        typed.append(char.lower() if data.draw(st.booleans()) else char)
    pad = st.text(" \u3000\t", max_size=2)
    return data.draw(pad) + "".join(typed) + data.draw(pad)


mobiles = st.builds(
    lambda second, rest: f"1{second}{rest}",
    st.sampled_from("3456789"),
    st.text(DIGITS, min_size=9, max_size=9),
)
FORM_KINDS = {
    "resident-id": resident_ids,
    "credit-code": credit_codes,
    "mobile-phone": mobiles,
}


@SETTINGS
@given(st.sampled_from(sorted(FORM_KINDS)), st.data())
def test_every_entry_reads_a_typed_identifier_as_the_same_number(
    kind: str, data: st.DataObject
) -> None:
    number = data.draw(FORM_KINDS[kind])
    typed = _disguise(number, data)
    schema = {"type": "object", "properties": {"f": {"type": "string", "format": kind}}}

    assert KINDS[kind].check(typed) == number  # registration and window intake
    assert formcheck.normalised(schema, {"f": typed}) == {"f": number}  # forms and the API
    assert formcheck.problems(schema, {"f": typed}) == []


@SETTINGS
@given(resident_ids, st.data())
def test_a_form_says_what_registration_says_about_a_typo(number: str, data: st.DataObject) -> None:
    position = data.draw(st.integers(min_value=0, max_value=17))
    replacement = data.draw(st.sampled_from(DIGITS).filter(lambda c: c != number[position]))
    typo = number[:position] + replacement + number[position + 1 :]
    legacy = {"type": "string", "title": "号码", "pattern": "^[0-9]{17}[0-9X]$"}
    schema = {"type": "object", "properties": {"f": legacy}}

    with pytest.raises(IdentifierError) as error:
        validate_resident_id(typo)
    assert formcheck.problems(schema, {"f": typo}) == [
        {
            "field": "f",
            "message_zh": f"“号码”：{error.value.message_zh}",
            "message_en": f"'号码' is not valid: {error.value.message_en}",
        }
    ]
