"""Mainland mobile phone numbers (11 digits, 1 then 3-9), as people type them."""

from __future__ import annotations

import re

from tongban.identifiers._common import is_digits, normalise
from tongban.identifiers.errors import IdentifierError

_SEPARATORS = re.compile(r"[\s\-()]")
_COUNTRY = "+86"


def normalise_phone(value: str) -> str:
    """The common normalisation, then without spaces, hyphens, brackets or a +86 prefix."""
    number = _SEPARATORS.sub("", normalise(value))
    return number[len(_COUNTRY) :] if number.startswith(_COUNTRY) else number


def validate_mobile_phone(value: str) -> str:
    """The normalised number, or :class:`IdentifierError` saying what to fix."""
    number = normalise_phone(value)
    if not is_digits(number):
        bad = next((c for c in number if not c.isascii() or not c.isdigit()), "")
        raise IdentifierError(
            "character",
            f"手机号码只能包含数字，发现“{bad}”",
            f"a mobile number has digits only, found {bad!r}",
            "number",
        )
    if len(number) != 11:
        raise IdentifierError(
            "length",
            f"手机号码应为 11 位，实际为 {len(number)} 位",
            f"a mobile number has 11 digits, got {len(number)}",
            "number",
        )
    if number[0] != "1" or number[1] not in "3456789":
        raise IdentifierError(
            "prefix",
            f"手机号码应以 13 至 19 开头，实际为“{number[:2]}”",
            f"a mobile number starts with 13 to 19, got {number[:2]!r}",
            "number",
        )
    return number
