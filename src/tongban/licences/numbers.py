"""Licence numbers (证照编号) and GB/T 36904 identifiers of newly issued licences.

- 营业执照: the holder's unified social credit code is the number (GB 32100; a new
  enterprise gets its code at registration: ``MA`` + the licence's serial as body).
- 食品经营许可证: ``JY`` + 主体业态 (1 食品销售经营者, 2 餐饮服务经营者, 3 单位食堂) + the
  6-digit division + a 7-digit serial (总局令第78号 writes 14 digits after JY; the last,
  a check digit in the national register, is here part of the serial).
- 出生医学证明: the edition letter (第六版: ``T``) + 9 digits, the province's 2 and a
  7-digit serial (the format its form field checks, ``^[A-Z][0-9]{9}$``).
- any other: division + year + the type's 3-digit number + a 6-digit serial.
"""

from __future__ import annotations

from datetime import date

from tongban.identifiers.credit import make_credit_code
from tongban.identifiers.licence import LicenceIdentifier, make_licence_identifier
from tongban.licences.types import LicenceType

FOOD_FORMS = {"食品销售经营者": "1", "餐饮服务经营者": "2", "单位食堂": "3"}


# The second letter of a new code's organisation body (M + letter + 6 digits): A first, the
# next letter when the register already holds the code (``holders.fresh_credit_code``).
BODY_LETTERS = "ABCDEFGHJKLMNPQRTUWXY"


def new_credit_code(*, division: str, serial: int, sole_trader: bool, variant: int = 0) -> str:
    """The code a new enterprise (91…) or sole trader (92…) is registered under: its body is
    M, the ``variant``-th of ``BODY_LETTERS`` and ``serial`` in six digits (GB 32100)."""
    return make_credit_code(
        division,
        f"M{BODY_LETTERS[variant]}{serial % 10**6:06d}",
        authority="9",
        entity="2" if sole_trader else "1",
    )


def licence_number(
    kind: LicenceType,
    *,
    division: str,
    serial: int,
    issued_on: date,
    form: dict[str, object],
    credit: str | None,
) -> str:
    """The number printed on a new licence of ``kind``."""
    if kind.layout == "business" and credit:
        return credit
    if kind.layout == "food":
        operator = FOOD_FORMS.get(str(form.get("food_operator_type")), "2")
        return f"JY{operator}{division}{serial:07d}"
    if kind.name == "出生医学证明":
        return f"T{division[:2]}{serial % 10**7:07d}"
    return f"{division}{issued_on.year}{kind.type_code[-3:]}{serial:06d}"


def identifier(
    kind: LicenceType, *, issuer_code: str, number: str, version: int = 1
) -> LicenceIdentifier:
    """The GB/T 36904 identifier: the number is the issuer's serial; ``version`` counts
    the licences issued under that number (a re-issue after a change: 换发, version 2 …)."""
    return make_licence_identifier(
        type_code=kind.type_code, issuer_code=issuer_code, serial=number, version=version
    )
