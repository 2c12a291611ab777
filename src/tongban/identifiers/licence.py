"""E-licence identifiers (GB/T 36904-2018 电子证照标识) and their check character.

An identifier is five dot-separated parts after the OID arc ``1.2.156.3005.2`` the
standard assigns to e-licences::

    1.2.156.3005.2.<licence type code>.<issuer code>.<serial>.<version>.<check>

- licence type code (证照类型代码): the defining authority's 18-character unified social
  credit code followed by a 3-digit number of the type (21 characters);
- issuer code (颁发机构代码): the issuing department's unified social credit code;
- serial (证照顺序号): the issuer's number for this licence, 1 to 32 digits or capital
  letters;
- version (版本号): 3 digits, ``001`` for the first issue of a licence;
- check (校验位): one character of ISO/IEC 7064 MOD 37,36 (GB/T 17710) computed over the
  four parts above written together without dots.
"""

from __future__ import annotations

from dataclasses import dataclass

from tongban.identifiers._common import normalise
from tongban.identifiers.errors import IdentifierError

OID_ARC = "1.2.156.3005.2"
MOD_37_36_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_VALUES = {char: value for value, char in enumerate(MOD_37_36_ALPHABET)}
_SERIAL_MAX = 32


def mod_37_36_check_character(text: str) -> str:
    """The ISO/IEC 7064 MOD 37,36 (hybrid system) check character of ``text``.

    ``text`` holds digits and capital letters A-Z (valued 10-35); raises
    :class:`IdentifierError` for any other character.
    """
    modulus = 36
    product = modulus
    for position, char in enumerate(text):
        if char not in _VALUES:
            raise IdentifierError(
                "character",
                f"第 {position + 1} 位“{char}”不是数字或大写字母",
                f"character {position + 1} ({char!r}) is not a digit or capital letter",
                "number",
            )
        total = (product + _VALUES[char]) % modulus or modulus
        product = (total * 2) % (modulus + 1)
    return MOD_37_36_ALPHABET[(modulus + 1 - product) % modulus]


@dataclass(frozen=True, slots=True)
class LicenceIdentifier:
    """A GB/T 36904 e-licence identifier and its parts."""

    type_code: str
    issuer_code: str
    serial: str
    version: str
    check: str

    def __str__(self) -> str:
        parts = (self.type_code, self.issuer_code, self.serial, self.version, self.check)
        return ".".join((OID_ARC, *parts))


def make_licence_identifier(
    *, type_code: str, issuer_code: str, serial: str, version: int = 1
) -> LicenceIdentifier:
    """Build an identifier and its check character; the parts are checked as in
    :func:`validate_licence_identifier`."""
    body = (normalise(type_code), normalise(issuer_code), normalise(serial), f"{version:03d}")
    _check_parts(*body)
    return LicenceIdentifier(*body, check=mod_37_36_check_character("".join(body)))


def validate_licence_identifier(value: str) -> LicenceIdentifier:
    """Parse and check an identifier; raises :class:`IdentifierError` saying what is wrong
    (``format``, ``character``, ``length`` or ``check_character``)."""
    text = normalise(value)
    prefix = OID_ARC + "."
    parts = text[len(prefix) :].split(".") if text.startswith(prefix) else []
    if len(parts) != 5:
        raise IdentifierError(
            "format",
            f"电子证照标识应为“{prefix}证照类型代码.颁发机构代码.顺序号.版本号.校验位”",
            f"an e-licence identifier reads {prefix}<type>.<issuer>.<serial>.<version>.<check>",
            "number",
        )
    type_code, issuer_code, serial, version, check = parts
    _check_parts(type_code, issuer_code, serial, version)
    expected = mod_37_36_check_character(type_code + issuer_code + serial + version)
    if check != expected:
        raise IdentifierError(
            "check_character",
            f"校验位应为“{expected}”，实际为“{check}”：请核对标识是否抄错",
            f"the check character should be {expected!r}, not {check!r}: re-check the identifier",
            "check_character",
        )
    return LicenceIdentifier(type_code, issuer_code, serial, version, check)


def _check_parts(type_code: str, issuer_code: str, serial: str, version: str) -> None:
    lengths = (
        ("type_code", "证照类型代码", type_code, 21, 21),
        ("issuer_code", "颁发机构代码", issuer_code, 18, 18),
        ("serial", "顺序号", serial, 1, _SERIAL_MAX),
        ("version", "版本号", version, 3, 3),
    )
    for field, name_zh, part, shortest, longest in lengths:
        if not shortest <= len(part) <= longest or any(c not in _VALUES for c in part):
            size = f"{shortest}" if shortest == longest else f"{shortest}–{longest}"
            raise IdentifierError(
                "length",
                f"{name_zh}应为 {size} 位数字或大写字母，实际为“{part}”",
                f"{field} must be {size} digits or capital letters, got {part!r}",
                field,
            )
    if not version.isdigit():
        raise IdentifierError(
            "character",
            f"版本号应为 3 位数字，实际为“{version}”",
            f"version must be 3 digits, got {version!r}",
            "version",
        )
