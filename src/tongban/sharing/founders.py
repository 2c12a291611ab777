"""What a city holds about people before their company exists (synthetic, like the rest of
the population): the real estate they own (不动产登记, by owner and by certificate number)
and, for people about to found a company, their name reservation (企业名称自主申报), whose
premises are one of their properties.

Drawn from a random generator of its own, so adding these records leaves the people,
enterprises and other records of a seed as they were.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, Protocol

from tongban.sharing.vocabulary import DISTRICTS, ENTERPRISE_TYPES, INDUSTRIES, TRADE_NAMES

OWNER_SHARE = 0.35  # people who own a home
FOUNDER_SHARE = 0.08  # adults with a company name reserved but not yet registered
USES = {"home": ("住宅", 60, 160), "premises": ("商业服务", 30, 300)}
REAL_ESTATE_FIELDS = (
    "property_cert_number",
    "property_location",
    "property_unit_number",
    "building_area",
)


class Records(Protocol):
    def add(self, source: str, key: str, data: dict[str, Any]) -> None: ...


def _division(person: dict[str, Any]) -> str:
    return person["division_code"] if person["division_code"] in DISTRICTS else "350102"


def _estate(
    rng: random.Random, person: dict[str, Any], use: str, serial: int, address: str
) -> dict[str, Any]:
    """One registered property of ``person`` (不动产权证书 and what the register holds)."""
    planned, smallest, largest = USES[use]
    division = _division(person)
    year = rng.randint(2016, 2026)
    return {
        "property_cert_number": f"闽({year})福州市不动产权第{serial:07d}号",
        "property_unit_number": (
            f"{division}{rng.randint(0, 999_999):06d}GB{rng.randint(0, 99_999):05d}"
            f"F{rng.randint(0, 99_999_999):08d}"
        ),
        "property_location": address,
        "building_area": round(rng.uniform(smallest, largest), 2),
        "planned_use": planned,
        "owner_name": person["name"],
        "owner_id_number": person["id_number"],
    }


def _free_name(rng: random.Random, words: str, district: str, taken: set[str]) -> str:
    """福州<字号><行业>有限公司 not yet in use; the district's name in front when taken."""
    for _ in range(20):
        trade = rng.choice(TRADE_NAMES)
        for name in (f"福州{trade}{words}有限公司", f"福州{district[:-1]}{trade}{words}有限公司"):
            if name not in taken:
                taken.add(name)
                return name
    return _free_name(rng, words + "发展", district, taken)


def _reservation(
    rng: random.Random, person: dict[str, Any], serial: int, today: date, taken: set[str]
) -> dict[str, Any]:
    """A company name reserved by ``person``, who is to be its legal representative."""
    words, category, scope = rng.choice(INDUSTRIES)
    district = DISTRICTS.get(person["division_code"], DISTRICTS["350102"])[0]
    return {
        "reservation_number": f"{today.year}3501{serial:08d}",
        "status": "已申报",  # 已使用 once it founds its company (``feeding``)
        "name": _free_name(rng, words, district, taken),
        "enterprise_type": rng.choice(ENTERPRISE_TYPES[:2]),
        "business_scope": scope,
        "industry_category": category,
        "registered_capital": float(rng.choice((10, 30, 50, 100, 200))),
        "legal_rep_name": person["name"],
        "legal_rep_id_number": person["id_number"],
        "declared_on": (today - timedelta(days=rng.randint(1, 25))).isoformat(),
    }


def add_estates_and_reservations(
    pop: Records,
    persons: list[dict[str, Any]],
    *,
    seed: int,
    today: date,
    founders: set[str],
    taken: set[str],
    address: Callable[[random.Random, str], str],
) -> None:
    """Real estate of owners, and a reservation with premises for each founder (by
    resident ID: the demo person accounts among them) and ``FOUNDER_SHARE`` of the adults.

    ``address(rng, division)`` draws a Fuzhou address; ``taken`` are enterprise names in use.
    """
    rng = random.Random(f"{seed}-estates")
    serial = 0
    for person in persons:
        owned = []
        if rng.random() < OWNER_SHARE:
            serial += 1
            owned.append(_estate(rng, person, "home", serial, person["household_address"]))
        founding = person["id_number"] in founders or (
            person["birth_date"] < "2004-01-01" and rng.random() < FOUNDER_SHARE
        )
        if founding:
            serial += 1
            division = _division(person)
            owned.append(_estate(rng, person, "premises", serial, address(rng, division)))
            reserved = _reservation(rng, person, serial, today, taken)
            pop.add("name_reservation", person["id_number"], reserved)
        for estate in owned:
            pop.add("real_estate_certificate", estate["property_cert_number"], estate)
        if owned:
            first = owned[-1]
            held = {name: first[name] for name in REAL_ESTATE_FIELDS}
            pop.add("real_estate", person["id_number"], held)
