"""Money: amounts in yuan (元) as ``Decimal`` with two places, and one way to write them.

Catalog files give fees as YAML numbers and stored catalog versions keep them as JSON
numbers; :func:`amount_of` turns either (or a decimal string) into an exact ``Decimal``
(a float is read through its shortest repr, which is exact for the at most 15
significant digits the loader admits). Pages write amounts with :func:`format_money`,
the API as strings with two decimals (:func:`amount_text`).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from babel.numbers import format_currency, format_decimal

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1000000000000")  # 10**12 yuan: 15 digits with the fen, exact as JSON
_PLAIN = re.compile(r"\d+(\.\d+)?")


def amount_of(value: object) -> Decimal:
    """An amount as ``Decimal`` rounded to the fen; ValueError if it is no finite number."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError(f"not an amount: {value!r}")
    try:
        amount = Decimal(repr(value) if isinstance(value, float) else value)
    except InvalidOperation:
        raise ValueError(f"not an amount: {value!r}") from None
    if not amount.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    return amount.quantize(CENT)


def amount_problem(text: str) -> str | None:
    """What is wrong with an amount as written in a catalog file, or None if it is money."""
    if not _PLAIN.fullmatch(text):
        return f"金额应写成不带单位的数字，如 80 或 12.50，实际为“{text}”"
    amount = Decimal(text)
    if amount != amount.quantize(CENT):
        return f"金额最多两位小数（精确到分），实际为 {text}"
    if amount > MAX_AMOUNT:
        return f"金额不能超过 {MAX_AMOUNT} 元"
    return None


def amount_text(value: object) -> str:
    """The amount as the API gives it: a decimal string with two places, "1234567.50"."""
    return f"{amount_of(value):.2f}"


def format_money(value: object, locale: str) -> str:
    """ "1,234,567.50 元" for Chinese pages, "CNY 1,234,567.50" for English ones."""
    amount = amount_of(value)
    if locale == "en":
        return format_currency(
            amount, "CNY", format="¤¤ #,##0.00", locale="en", currency_digits=False
        )
    return f"{format_decimal(amount, format='#,##0.00', locale='zh_Hans_CN')} 元"
