"""Unified social credit codes (GB 32100-2015 统一社会信用代码).

Layout: char 1 registration authority, char 2 entity type, chars 3-8 division
code, chars 9-17 the subject identifier (organisation code, GB 11714: 8 body
characters + check), char 18 a MOD 31 check character.

When the GB 11714 organisation-code check is enforced
------------------------------------------------------
The final check (char 18) is always enforced.  The organisation-code check
(char 17 over chars 9-16) is an **error** only when

* chars 9-16 are all digits, i.e. a legacy organisation code from the
  pre-2015 GB 11714 register carried over unchanged, and
* the registration authority (char 1) is one GB 32100 lists, all of which
  embed the organisation code as the subject identifier.

Otherwise a mismatch is a **warning**: bodies with letters (``MA…``, ``L…``)
are assigned by the registration authorities from their own segments, and
we do not reject a code the registry issued on a derived check.  For the
record, ~85 published codes we checked (91…, 92…, 12…), including 9144030071526726XG and
the letter-bodied 91350100M000100Y43 (M000100Y → 4, letters valued A=10 …
Z=35), all satisfy GB 11714, so the warning should be rare.
"""

from __future__ import annotations

from dataclasses import dataclass

from tongban.identifiers._common import is_digits, normalise
from tongban.identifiers.divisions import division_warning
from tongban.identifiers.errors import IdentifierError

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUES = {char: value for value, char in enumerate(ALPHABET)}
# 3**i mod 31, as tabulated in GB 32100.
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_MIX_UPS = {"I": "1", "O": "0", "Z": "2", "S": "5", "V": "U"}
# Registration authorities of GB 32100 and its amendments.
REGISTRATION_AUTHORITIES = {
    "1": "机构编制",
    "2": "外交",
    "3": "司法行政",
    "4": "文化",
    "5": "民政",
    "6": "旅游",
    "7": "宗教",
    "8": "工会",
    "9": "市场监管（工商）",
    "A": "中央军委改革和编制办公室",
    "N": "农业农村",
    "Y": "其他",
}
# National-level registration authorities use 100000, which GB/T 2260 lacks.
_NATIONAL_DIVISION = "100000"


@dataclass(frozen=True, slots=True)
class CreditCode:
    """A validated unified social credit code and its parts."""

    number: str
    registration_authority: str
    entity_type: str
    division_code: str
    organisation_code: str
    warnings: tuple[str, ...] = ()


def organisation_check_character(body: str) -> str:
    """The GB 11714 check character for an 8-character organisation-code body."""
    if len(body) != 8 or any(c not in _VALUES for c in body):
        raise IdentifierError(
            "argument",
            f"组织机构代码本体应为 8 位数字或字母，实际为“{body}”",
            f"an organisation-code body is 8 digits/letters, got {body!r}",
            "organisation_code",
        )
    # GB 11714 values letters by position in the full Latin alphabet (A=10 … Z=35).
    total = sum(
        (int(c) if c.isdigit() else ord(c) - 55) * w
        for c, w in zip(body, _ORG_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def credit_check_character(first17: str) -> str:
    """The GB 32100 MOD 31 check character for the first 17 characters."""
    if len(first17) != 17 or any(c not in _VALUES for c in first17):
        raise IdentifierError(
            "argument",
            "计算校验位需要 17 位有效字符",
            "the check character is computed from exactly 17 valid characters",
            "number",
        )
    total = sum(_VALUES[c] * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return ALPHABET[-total % 31]


def _check_shape(number: str) -> None:
    if len(number) != 18:
        raise IdentifierError(
            "length",
            f"统一社会信用代码应为 18 位，实际为 {len(number)} 位",
            f"a unified social credit code has 18 characters, got {len(number)}",
            "number",
        )
    for position, char in enumerate(number, start=1):
        if char in _MIX_UPS:
            raise IdentifierError(
                "character",
                f"统一社会信用代码不使用字母 I、O、Z、S、V：第 {position} 位为“{char}”"
                f"（是否应为“{_MIX_UPS[char]}”？）",
                f"credit codes never use the letters I, O, Z, S or V: character {position} "
                f"is {char!r} (did you mean {_MIX_UPS[char]!r}?)",
                "number",
            )
        if char not in _VALUES:
            raise IdentifierError(
                "character",
                f"统一社会信用代码第 {position} 位“{char}”不是数字或允许的大写字母",
                f"character {position} ({char!r}) is not a digit or an allowed capital letter",
                "number",
            )
    if not is_digits(number[2:8]):
        raise IdentifierError(
            "division_code",
            f"第 3-8 位应为 6 位数字的行政区划代码，实际为“{number[2:8]}”",
            f"characters 3-8 must be a 6-digit division code, got {number[2:8]!r}",
            "division_code",
        )


def validate_credit_code(value: str) -> CreditCode:
    """Validate a unified social credit code; raise :class:`IdentifierError` if invalid.

    Lower-case and full-width input is normalised.  Unknown or retired
    division codes and unknown registration authorities become warnings; see
    the module docstring for when the organisation-code check is enforced.
    """
    number = normalise(value)
    _check_shape(number)
    expected = credit_check_character(number[:17])
    if number[17] != expected:
        raise IdentifierError(
            "check_character",
            f"统一社会信用代码校验位错误：应为 {expected}，实际为 {number[17]}"
            "（若校验位无误，请核对前 17 位是否输错）",
            f"check character should be {expected}, got {number[17]} "
            "(if it is right, one of the first 17 characters was mistyped)",
            "check_character",
        )
    warnings: list[str] = []
    authority = number[0]
    if authority not in REGISTRATION_AUTHORITIES:
        warnings.append(
            f"登记管理部门代码“{authority}”不在已知列表中，请核对 / "
            f"registration authority code {authority!r} is not a known one; please double-check it"
        )
    org_expected = organisation_check_character(number[8:16])
    if number[16] != org_expected:
        zh = f"组织机构代码（第 9-17 位）校验位应为 {org_expected}，实际为 {number[16]}"
        en = f"organisation code (characters 9-17) check should be {org_expected}, got {number[16]}"
        if is_digits(number[8:16]) and authority in REGISTRATION_AUTHORITIES:
            raise IdentifierError("organisation_code", zh, en, "organisation_code")
        warnings.append(f"{zh}，请向登记机关核实 / {en}; please verify with the registry")
    division_code = number[2:8]
    if division_code != _NATIONAL_DIVISION:
        warning = division_warning(division_code)
        if warning:
            warnings.append(warning)
    return CreditCode(
        number=number,
        registration_authority=authority,
        entity_type=number[1],
        division_code=division_code,
        organisation_code=number[8:17],
        warnings=tuple(warnings),
    )


def make_credit_code(
    division_code: str, body8: str, authority: str = "9", entity: str = "1"
) -> str:
    """Build a valid credit code (for demo data and tests).

    Computes the GB 11714 check for ``body8`` (8 characters from the credit-code
    alphabet) and then the final GB 32100 check; the result is validated.
    """
    body = normalise(body8)
    for name, part in (("authority", authority), ("entity", entity)):
        if len(part) != 1 or part not in _VALUES:
            raise IdentifierError(
                "argument",
                f"{name} 应为 1 位数字或允许的大写字母，实际为“{part}”",
                f"{name} must be one digit or allowed capital letter, got {part!r}",
                name,
            )
    if len(division_code) != 6 or not is_digits(division_code):
        raise IdentifierError(
            "argument",
            f"行政区划代码应为 6 位数字，实际为“{division_code}”",
            f"division_code must be 6 digits, got {division_code!r}",
            "division_code",
        )
    first16 = f"{authority}{entity}{division_code}{body}"
    first17 = first16 + organisation_check_character(body)
    number = first17 + credit_check_character(first17)
    validate_credit_code(number)
    return number
