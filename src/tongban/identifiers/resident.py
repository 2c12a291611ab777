"""Resident identity numbers (GB 11643-1999 公民身份号码).

Layout: 6-digit division code, 8-digit birth date (YYYYMMDD), 3-digit sequence
(odd for men, even for women) and an ISO 7064 MOD 11-2 check character.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from tongban.identifiers._common import DIGITS, china_today, is_digits, normalise
from tongban.identifiers.divisions import division_warning, province_of
from tongban.identifiers.errors import IdentifierError

Sex = Literal["male", "female"]

# MOD 11-2 weights are 2**k mod 11 counted from the check position.
_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_CHECK_CHARACTERS = "10X98765432"
_EARLIEST_BIRTH_YEAR = 1800
# Residence permits for Taiwan residents use 830000, which is not a GB/T 2260 code.
_PERMIT_PROVINCES = frozenset({"83"})


@dataclass(frozen=True, slots=True)
class ResidentId:
    """A validated resident identity number and what it encodes."""

    number: str
    division_code: str
    birth_date: date
    sex: Sex
    warnings: tuple[str, ...] = ()


def resident_check_character(body: str) -> str:
    """The MOD 11-2 check character for the first 17 digits of a number."""
    if len(body) != 17 or not is_digits(body):
        raise IdentifierError(
            "argument",
            "计算校验位需要 17 位数字",
            "the check character is computed from exactly 17 digits",
            "number",
        )
    total = sum(int(c) * w for c, w in zip(body, _WEIGHTS, strict=True))
    return _CHECK_CHARACTERS[total % 11]


def _check_shape(number: str) -> None:
    if len(number) != 18:
        hint_zh = "；15 位旧号码请换用 18 位号码" if len(number) == 15 else ""
        hint_en = "; 15-digit legacy numbers must be given in 18-digit form" if hint_zh else ""
        raise IdentifierError(
            "length",
            f"身份证号码应为 18 位，实际为 {len(number)} 位{hint_zh}",
            f"a resident ID number has 18 characters, got {len(number)}{hint_en}",
            "number",
        )
    for position, char in enumerate(number[:17], start=1):
        if char not in DIGITS:
            raise IdentifierError(
                "character",
                f"身份证号码第 {position} 位应为数字，实际为“{char}”",
                f"character {position} must be a digit, got {char!r}",
                "number",
            )
    if number[17] not in DIGITS and number[17] != "X":
        raise IdentifierError(
            "character",
            f"身份证号码最后一位应为数字或 X，实际为“{number[17]}”",
            f"the last character must be a digit or X, got {number[17]!r}",
            "check_character",
        )


def _birth_date(number: str, today: date) -> date:
    raw = number[6:14]
    shown = f"{raw[:4]}-{raw[4:6]}-{raw[6:]}"
    year, month, day = int(raw[:4]), int(raw[4:6]), int(raw[6:])
    if year < _EARLIEST_BIRTH_YEAR:
        raise IdentifierError(
            "birth_date",
            f"出生日期 {shown} 早于 1800 年，请核对第 7-14 位",
            f"birth date {shown} is before 1800; check characters 7-14",
            "birth_date",
        )
    try:
        born = date(year, month, day)
    except ValueError:
        raise IdentifierError(
            "birth_date",
            f"出生日期 {shown} 不是有效日期，请核对第 7-14 位",
            f"birth date {shown} is not a valid date; check characters 7-14",
            "birth_date",
        ) from None
    if born > today:
        raise IdentifierError(
            "birth_date",
            f"出生日期 {shown} 晚于今天（{today.isoformat()}），请核对第 7-14 位",
            f"birth date {shown} is in the future (today is {today.isoformat()}); "
            "check characters 7-14",
            "birth_date",
        )
    return born


def validate_resident_id(value: str, *, today: date | None = None) -> ResidentId:
    """Validate a resident ID number; raise :class:`IdentifierError` saying what to fix.

    Full-width characters and a lower-case ``x`` are accepted and normalised.
    Only the province (first two digits) must exist; an unknown or retired
    division code is reported in ``warnings`` because numbers keep the code
    they were issued under.  ``today`` (default: today in China) bounds the
    birth date.
    """
    number = normalise(value)
    _check_shape(number)
    division_code = number[:6]
    if province_of(division_code) is None and division_code[:2] not in _PERMIT_PROVINCES:
        raise IdentifierError(
            "province",
            f"前两位“{division_code[:2]}”不是有效的省级行政区划代码",
            f"the first two digits {division_code[:2]!r} are not a province code",
            "division_code",
        )
    born = _birth_date(number, today if today is not None else china_today())
    expected = resident_check_character(number[:17])
    if number[17] != expected:
        raise IdentifierError(
            "check_character",
            f"身份证号码校验位错误：应为 {expected}，实际为 {number[17]}"
            "（若校验位无误，请核对前 17 位是否输错）",
            f"check character should be {expected}, got {number[17]} "
            "(if it is right, one of the first 17 digits was mistyped)",
            "check_character",
        )
    warning = division_warning(division_code)
    return ResidentId(
        number=number,
        division_code=division_code,
        birth_date=born,
        sex="male" if int(number[16]) % 2 else "female",
        warnings=(warning,) if warning else (),
    )


def make_resident_id(division_code: str, birth: date, sequence: int) -> str:
    """Build a valid resident ID number (for demo data and tests).

    ``sequence`` is 0-999; its parity sets the sex (odd = male).  The result is
    run through :func:`validate_resident_id`, so impossible input (unknown
    province, birth before 1800 or in the future) raises :class:`IdentifierError`.
    """
    if len(division_code) != 6 or not is_digits(division_code):
        raise IdentifierError(
            "argument",
            f"行政区划代码应为 6 位数字，实际为“{division_code}”",
            f"division_code must be 6 digits, got {division_code!r}",
            "division_code",
        )
    if not 0 <= sequence <= 999:
        raise IdentifierError(
            "argument",
            f"顺序码应在 0 至 999 之间，实际为 {sequence}",
            f"sequence must be between 0 and 999, got {sequence}",
            "sequence",
        )
    if birth.year < _EARLIEST_BIRTH_YEAR:
        raise IdentifierError(
            "argument",
            f"出生日期 {birth.isoformat()} 早于 1800 年",
            f"birth date {birth.isoformat()} is before 1800",
            "birth_date",
        )
    body = f"{division_code}{birth.year:04d}{birth.month:02d}{birth.day:02d}{sequence:03d}"
    number = body + resident_check_character(body)
    validate_resident_id(number)
    return number
