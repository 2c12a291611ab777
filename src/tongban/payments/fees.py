"""Fees computed from the form (收费标准 as catalog data): each fee of an item is a fixed
amount, or an amount per unit of an integer form field (``per``), and is waived when a
listed field holds a listed value (``exempt``). A closed rule set read as data, never
evaluated as text; the loader checks the fields exist (``catalog/loader.py``).
docs/payments.md describes it.

Amounts are integers in fen (分); the catalog gives yuan (``money.amount_of``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from tongban.errors import InvalidInput
from tongban.money import CENT, amount_of


@dataclass(frozen=True)
class FeeLine:
    """One fee as charged: unit amount and quantity in, amount out (fen); the ``*_en``
    texts are the catalog's English, None where it gives none (English pages then show
    the Chinese)."""

    name: str
    basis: str
    unit_fen: int
    quantity: int
    amount_fen: int
    exempt_reason: str | None = None
    name_en: str | None = None
    basis_en: str | None = None
    exempt_reason_en: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def to_fen(yuan: object) -> int:
    """Yuan as the catalog writes them (80, 12.5, "12.50") to integer fen."""
    return int(amount_of(yuan) * 100)


def typed_fen(text: str) -> int:
    """Yuan as a person types them on a page ("5", "5.50") to integer fen. InvalidInput
    (field ``amount``) for anything that is not such a number, or finer than one fen."""
    try:
        amount = Decimal(text.strip())
    except InvalidOperation:
        amount = Decimal(-1)
    if not amount.is_finite() or amount < 0:
        raise InvalidInput(
            f"金额应写成不带单位的数字，如 20 或 12.50，实际为“{text}”。",
            f"Type the amount in yuan as a number such as 20 or 12.50, not “{text}”.",
            field="amount",
        )
    if amount != amount.quantize(CENT):
        raise InvalidInput(
            f"金额最多两位小数（精确到分），实际为 {text}。",
            f"An amount has at most 2 decimals (to the fen), not {text}.",
            field="amount",
        )
    return int(amount * 100)


def _quantity(fee: Mapping[str, Any], form: Mapping[str, Any]) -> int:
    field = fee.get("per")
    if field is None:
        return 1
    value = form.get(field, 0)
    if value in (None, ""):
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidInput(
            f"收费按“{field}”计件，须填写不小于 0 的整数。",
            f"The fee is charged per unit of “{field}”: enter a whole number, 0 or more.",
            field=field,
        )
    return value


def _exemption(fee: Mapping[str, Any], form: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The exemption rule of ``fee`` that ``form`` meets, if any."""
    for rule in fee.get("exempt", []):
        if form.get(rule["field"]) in rule["in"]:
            return dict(rule)
    return None


def _reason(rule: Mapping[str, Any] | None, form: Mapping[str, Any]) -> str | None:
    if rule is None:
        return None
    return str(rule.get("reason") or f"{rule['field']} = {form.get(rule['field'])}")


def fee_lines(item: Mapping[str, Any], form: Mapping[str, Any]) -> list[FeeLine]:
    """Every fee of ``item`` charged on the answers ``form``, zero ones included (shown)."""
    lines = []
    for fee in item.get("fees", []):
        unit, rule = to_fen(fee["amount"]), _exemption(fee, form)
        quantity = 0 if rule else _quantity(fee, form)
        lines.append(
            FeeLine(
                name=fee["name"],
                basis=str(fee.get("basis") or ""),
                unit_fen=unit,
                quantity=quantity,
                amount_fen=unit * quantity,
                exempt_reason=_reason(rule, form),
                name_en=fee.get("name_en"),
                basis_en=fee.get("basis_en"),
                exempt_reason_en=rule.get("reason_en") if rule else None,
            )
        )
    return lines


def total_fen(lines: list[FeeLine]) -> int:
    return sum(line.amount_fen for line in lines)


def yuan(fen: int) -> str:
    """Fen as a decimal yuan string with two places ("80.00"), for the API and notices."""
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"
