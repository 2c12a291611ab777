"""Administrative division codes (GB/T 2260), read from a dated, hand-written table.

``data/divisions.csv`` has the columns ``code,name,level,valid_from,valid_to``.
It is *not* the full national table: it was written by hand and covers the
provinces, a set of cities and the districts the platform's demo and tests use.
An empty ``valid_to`` means the code is current.  An empty ``valid_from`` means
the start is not recorded here (the code predates anything we date).  Where only
the year of a change is known, the date is recorded as 1 January of that year.
A code may appear in several rows when it was reused; periods never overlap.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Literal

from tongban.identifiers._common import is_digits, normalise
from tongban.identifiers.errors import IdentifierError

Level = Literal["province", "prefecture", "county"]
_LEVELS: dict[str, Level] = {"province": "province", "prefecture": "prefecture", "county": "county"}


@dataclass(frozen=True, slots=True)
class Division:
    """One row of the division table: a code and the period it was valid."""

    code: str
    name: str
    level: Level
    valid_from: date | None
    valid_to: date | None

    @property
    def is_current(self) -> bool:
        return self.valid_to is None

    def valid_on(self, day: date) -> bool:
        """True if the code was in force on ``day`` (``valid_to`` is exclusive)."""
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.valid_to is None or day < self.valid_to


def _parse_date(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _parse_row(row: dict[str, str]) -> Division:
    code = row["code"]
    level = _LEVELS.get(row["level"])
    if len(code) != 6 or not is_digits(code) or level is None or not row["name"]:
        raise ValueError(f"bad row in divisions.csv: {row!r}")
    return Division(
        code=code,
        name=row["name"],
        level=level,
        valid_from=_parse_date(row["valid_from"]),
        valid_to=_parse_date(row["valid_to"]),
    )


@functools.cache
def _table() -> dict[str, tuple[Division, ...]]:
    # Read through importlib.resources so the table also loads from a wheel/zip.
    source = resources.files("tongban.identifiers").joinpath("data").joinpath("divisions.csv")
    text = source.read_text(encoding="utf-8")
    grouped: dict[str, list[Division]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        record = _parse_row(row)
        grouped.setdefault(record.code, []).append(record)
    return {
        code: tuple(sorted(records, key=lambda r: r.valid_from or date.min))
        for code, records in grouped.items()
    }


def division(code: str, on: date | None = None) -> Division | None:
    """Look up a division code.

    With ``on``, return the record in force on that date (``None`` if the code
    did not exist then).  Without it, return the latest record whether current
    or retired; check ``is_current``/``valid_to`` to tell them apart.
    """
    records = _table().get(code)
    if not records:
        return None
    if on is not None:
        return next((r for r in records if r.valid_on(on)), None)
    current = [r for r in records if r.valid_to is None]
    if current:
        return current[-1]
    return max(records, key=lambda r: r.valid_to or date.max)


def is_known_division(code: str, on: date | None = None) -> bool:
    """True if the table has ``code`` (on that date, if ``on`` is given)."""
    return division(code, on) is not None


def province_of(code: str) -> Division | None:
    """The province-level division that the first two digits of ``code`` name."""
    if len(code) < 2 or not is_digits(code[:2]):
        return None
    found = division(code[:2] + "0000")
    return found if found is not None and found.level == "province" else None


def nested_prefix(code: str) -> str:
    """The leading digits every division within ``code`` shares (GB/T 2260: two digits
    for the province, two for the prefecture, two for the county): ``"350000"`` →
    ``"35"``, ``"350100"`` → ``"3501"``, ``"350102"`` → ``"350102"``."""
    if len(code) != 6 or not is_digits(code):
        raise ValueError(f"not a six-digit division code: {code!r}")
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def full_name(code: str) -> str | None:
    """The division's name as people write it, with its prefecture before a county's
    (``"350203"`` → ``"厦门市思明区"``); None for a code the table does not have."""
    found = division(code)
    if found is None:
        return None
    if found.level == "county":
        city = division(code[:4] + "00")
        return (city.name if city else "") + found.name
    return found.name


def within(inner: str, outer: str) -> bool:
    """Whether division ``inner`` lies within ``outer`` (or is it): 350102 鼓楼区 lies within
    350100 福州市 and 350000 福建省, not within 350200 厦门市."""
    return inner.startswith(nested_prefix(outer))


def iter_divisions() -> Iterator[Division]:
    """Every record of the table, ordered by code and then by start date."""
    for code in sorted(_table()):
        yield from _table()[code]


def division_warning(code: str) -> str | None:
    """A bilingual warning if ``code`` is unknown to the table or retired, else None.

    Identifiers keep the division they were issued under, so an old or unlisted
    code is worth flagging for a human but is no reason to reject the number.
    """
    found = division(code)
    if found is None:
        return (
            f"行政区划代码 {code} 不在区划表中，请核对 / "
            f"division code {code} is not in the division table; please double-check it"
        )
    if found.valid_to is not None:
        return (
            f"行政区划代码 {code}（{found.name}）已于 {found.valid_to.isoformat()} 撤销，"
            f"号码可能签发于撤销之前 / division code {code} ({found.name}) was retired on "
            f"{found.valid_to.isoformat()}; the number may have been issued before that"
        )
    return None


def validate_division_code(value: str) -> Division:
    """A current or retired GB/T 2260 code from the table, or :class:`IdentifierError`."""
    code = normalise(value)
    if len(code) != 6 or not is_digits(code):
        raise IdentifierError(
            "length",
            f"行政区划代码应为 6 位数字，实际为“{code}”",
            f"a division code is 6 digits, got {code!r}",
            "division_code",
        )
    found = division(code)
    if found is None:
        raise IdentifierError(
            "division_code",
            f"行政区划代码 {code} 不在区划表中，请核对",
            f"division code {code} is not in the division table; please check it",
            "division_code",
        )
    return found
