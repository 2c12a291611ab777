"""Identifier kinds as form fields know them: one normalisation and one check per kind.

A JSON Schema property is an identifier when it says ``format: resident-id`` (or
``credit-code``, ``resident-id-or-credit-code`` for a party that may be a person or an
organisation, ``mobile-phone``, ``division-code``), or, in catalog versions written
before these formats existed, when its ``pattern`` is the one the catalog used for that
kind. Every entry point (item forms, registration, window intake, the API) normalises
and checks through here, so a value is accepted, stored and explained the same way
wherever it is typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from tongban.identifiers._common import normalise
from tongban.identifiers.credit import validate_credit_code
from tongban.identifiers.divisions import validate_division_code
from tongban.identifiers.errors import IdentifierError
from tongban.identifiers.phone import normalise_phone, validate_mobile_phone
from tongban.identifiers.resident import validate_resident_id


@dataclass(frozen=True, slots=True)
class Kind:
    """One kind of identifier: its format name, how it is normalised and checked."""

    name: str
    normalise: Callable[[str], str]
    check: Callable[[str], str]  # the normalised value, or IdentifierError
    shape: str  # what a normalised value looks like, for the browser's early check
    words: tuple[str, str]  # the shape in Chinese and English words, for its refusal


def validate_party_number(value: str) -> str:
    """A party that may be a person or an organisation (a shareholder, a seller): its
    GB 11643 resident ID number or its GB 32100 unified social credit code, normalised;
    raises :class:`IdentifierError` with the message of the kind the value looks like
    (18 digits, the last maybe X: a resident ID; otherwise a credit code)."""
    text = normalise(value)
    if RESIDENT_SHAPE.fullmatch(text):
        try:
            return validate_resident_id(text).number
        except IdentifierError as error:
            try:  # a credit code may be all digits too
                return validate_credit_code(text).number
            except IdentifierError:
                raise error from None
    return validate_credit_code(text).number


def party_kind(value: str) -> Literal["resident_id", "credit_code"]:
    """Which register a party's number (a shareholder's: a person or a company) belongs
    to: ``resident_id`` for a valid GB 11643 resident ID number, else ``credit_code``
    (the number :func:`validate_party_number` then checked as a GB 32100 code)."""
    text = normalise(value)
    if RESIDENT_SHAPE.fullmatch(text):
        try:
            validate_resident_id(text)
            return "resident_id"
        except IdentifierError:
            pass  # all digits, yet a credit code
    return "credit_code"


RESIDENT_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
CREDIT_SHAPE = r"^[0-9A-HJ-NP-RTUW-Y]{2}[0-9]{6}[0-9A-HJ-NP-RTUW-Y]{10}$"

KINDS = {
    kind.name: kind
    for kind in (
        Kind(
            "resident-id",
            normalise,
            lambda value: validate_resident_id(value).number,
            r"^[0-9]{17}[0-9X]$",
            (
                "18 位身份证号码（末位为数字或 X）",
                "an 18-character ID number (the last a digit or X)",
            ),
        ),
        Kind(
            "credit-code",
            normalise,
            lambda value: validate_credit_code(value).number,
            CREDIT_SHAPE,
            ("18 位统一社会信用代码", "an 18-character unified social credit code"),
        ),
        Kind(
            "resident-id-or-credit-code",
            normalise,
            validate_party_number,
            rf"^([0-9]{{17}}[0-9X]|{CREDIT_SHAPE[1:-1]})$",
            (
                "18 位身份证号码或统一社会信用代码",
                "an 18-character ID number or unified social credit code",
            ),
        ),
        Kind(
            "mobile-phone",
            normalise_phone,
            validate_mobile_phone,
            r"^1[3-9][0-9]{9}$",
            ("11 位手机号码", "an 11-digit mobile number"),
        ),
        Kind(
            "division-code",
            normalise,
            lambda value: validate_division_code(value).code,
            r"^[0-9]{6}$",
            ("6 位数字行政区划代码", "a 6-digit division code"),
        ),
    )
}
# The patterns catalog forms used before the formats; a stored version never changes.
LEGACY_PATTERNS = {
    "^[0-9]{17}[0-9X]$": "resident-id",
    "^[0-9A-HJ-NP-RTUW-Y]{2}[0-9]{6}[0-9A-HJ-NP-RTUW-Y]{10}$": "credit-code",
    "^1[3-9][0-9]{9}$": "mobile-phone",
}


def kind_of(prop: Mapping[str, object]) -> Kind | None:
    """The identifier kind of a JSON Schema property, or None for any other field."""
    if prop.get("type") not in (None, "string"):
        return None
    name = prop.get("format")
    if isinstance(name, str) and name in KINDS:
        return KINDS[name]
    pattern = prop.get("pattern")
    legacy = LEGACY_PATTERNS.get(pattern) if isinstance(pattern, str) else None
    return KINDS[legacy] if legacy else None
