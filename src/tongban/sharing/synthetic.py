"""A synthetic but valid population of Fuzhou for the own-database sources (demo, tests).

Deterministic for a seed: the same people and enterprises every time. Resident IDs carry
the GB 11643 check digit and a Fuzhou district code of GB/T 2260 (3501xx); credit codes
the GB 32100 check character; names, addresses, employers and marriages are plausible
and consistent across sources (a person's employer is one of the enterprises, a married
couple points at each other; real estate and name reservations in ``founders``). The demo
accounts are among them with their own data; the demo persons have reserved a company name.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from tongban.identifiers import make_credit_code, make_resident_id, validate_resident_id
from tongban.sharing.founders import add_estates_and_reservations
from tongban.sharing.vocabulary import (
    CREDIT_ALPHABET,
    DISTRICTS,
    DRIVING_CLASSES,
    EDUCATION,
    EDUCATION_WEIGHTS,
    ENTERPRISE_TYPES,
    ETHNICITIES,
    GIVEN_FEMALE,
    GIVEN_MALE,
    INDUSTRIES,
    SURNAMES,
    TRADE_NAMES,
)
from tongban.sharing.welfare import add_disabilities_and_unemployment

TODAY = date(2026, 11, 1)  # the population's "now": fixed, so a seed always gives the same


@dataclass
class Population:
    """Generated records by source code: (key, fields) pairs ready for ``source_records``."""

    records: dict[str, list[tuple[str, dict[str, Any]]]] = field(default_factory=dict)

    def add(self, source: str, key: str, data: dict[str, Any]) -> None:
        self.records.setdefault(source, []).append((key, data))

    def count(self, source: str) -> int:
        return len(self.records.get(source, []))


def _address(rng: random.Random, code: str) -> str:
    district, streets = DISTRICTS[code]
    return (
        f"福建省福州市{district}{rng.choice(streets)}{rng.randint(1, 399)}号"
        f"{rng.randint(1, 12)}座{rng.randint(1, 30)}{rng.randint(1, 4):02d}室"
    )


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randint(0, 999_999_999):09d}"


def _mobile(number: str, account: dict[str, Any] | None) -> str | None:
    """The mobile number a register holds (a person's, a firm's registration liaison's): a
    demo account's own phone; of nine in ten others one drawn from their resident ID or
    credit code (a stream of its own, so adding the field left every other value of a
    seed's population as it was)."""
    if account is not None and account.get("phone"):
        return str(account["phone"])
    own = random.Random(number)
    return _phone(own) if own.random() < 0.9 else None


def _name(rng: random.Random, male: bool) -> str:
    given = GIVEN_MALE if male else GIVEN_FEMALE
    length = rng.choice((1, 2, 2))
    return rng.choice(SURNAMES) + "".join(rng.choice(given) for _ in range(length))


class _Ids:
    """Resident IDs and credit codes, each issued once."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def resident(self, code: str, male: bool) -> tuple[str, date]:
        while True:
            # born 1940-2004: some over 80 (高龄津贴), most of working age
            birth = date(1940, 1, 1) + timedelta(days=self.rng.randint(0, 365 * 65))
            sequence = self.rng.randrange(1 if male else 0, 1000, 2)
            number = make_resident_id(code, birth, sequence)
            if number not in self.used:
                self.used.add(number)
                return number, birth

    def firm_name(self, body: str, district: str) -> str:
        """福州<字号><行业>有限公司; a taken name gets its district (福州鼓楼…) in front."""
        for name in (f"福州{body}有限公司", f"福州{district[:-1]}{body}有限公司"):
            if name not in self.used:
                self.used.add(name)
                return name
        return self.firm_name(body + "发展", district)

    def credit(self, code: str) -> str:
        while True:
            body = "MA" + "".join(self.rng.choice(CREDIT_ALPHABET) for _ in range(6))
            number = make_credit_code(code, body)
            if number not in self.used:
                self.used.add(number)
                return number


def _person(rng: random.Random, ids: _Ids, account: dict[str, Any] | None = None) -> dict[str, Any]:
    if account is not None:
        number = account["id_number"]
        checked = validate_resident_id(number)
        birth, male, code = checked.birth_date, checked.sex == "male", number[:6]
        ids.used.add(number)
        name = account["display_name"]
    else:
        code = rng.choice(list(DISTRICTS))
        male = rng.random() < 0.5
        number, birth = ids.resident(code, male)
        name = _name(rng, male)
    household = _address(rng, code if code in DISTRICTS else "350102")
    mobile = _mobile(number, account)
    return {
        "id_number": number,
        "name": name,
        "gender": "男" if male else "女",
        "ethnicity": rng.choice(ETHNICITIES),
        "birth_date": birth.isoformat(),
        "household_address": household,
        "residence_address": household
        if rng.random() < 0.7
        else _address(rng, rng.choice(list(DISTRICTS))),
        "division_code": code,
        "district": DISTRICTS.get(code, DISTRICTS["350102"])[0],
        "education": rng.choices(EDUCATION, EDUCATION_WEIGHTS)[0],
        **({"mobile": mobile} if mobile else {}),
    }


def _enterprise(
    rng: random.Random, ids: _Ids, legal_rep: dict[str, Any], account: dict[str, Any] | None
) -> dict[str, Any]:
    code = rng.choice(list(DISTRICTS))
    words, category, scope = rng.choice(INDUSTRIES)
    if account is not None:
        credit, name = account["credit_code"], account["enterprise_name"]
        code = credit[2:8]
        words, category, scope = INDUSTRIES[0]
        ids.used.add(credit)
    else:
        credit = ids.credit(code)
        name = ids.firm_name(f"{rng.choice(TRADE_NAMES)}{words}", DISTRICTS[code][0])
    # a demo account's enterprise opened this year (新办企业: 免申即享 subsidies find it)
    days = rng.randint(60, 300) if account is not None else rng.randint(20, 365 * 20)
    established = TODAY - timedelta(days=days)
    return {
        "credit_code": credit,
        "name": name,
        "enterprise_type": rng.choice(ENTERPRISE_TYPES),
        "legal_rep_name": legal_rep["name"],
        "legal_rep_id_number": legal_rep["id_number"],
        "registered_address": _address(rng, code if code in DISTRICTS else "350102"),
        "division_code": code,
        "registered_capital": float(rng.choice((10, 50, 100, 200, 300, 500, 1000, 3000))),
        "established_on": established.isoformat(),
        "business_scope": scope,
        "industry_category": category,
        "status": "存续",
        **({"mobile": liaison} if (liaison := _mobile(credit, None)) else {}),
    }


def _credit(rng: random.Random, credit_code: str, owned: set[str]) -> dict[str, Any]:
    """A public credit record: mostly A, some C (失信), half of those on the list of
    seriously dishonest entities; the demo accounts' own firms are always A, so their
    lenient modes (告知承诺, 容缺受理) work in the demo."""
    rating = rng.choices(("A", "B", "C"), (70, 25, 5))[0]
    if credit_code in owned:
        return {"rating": "A", "dishonest": False}
    return {"rating": rating, "dishonest": rating == "C" and sum(map(ord, credit_code)) % 2 == 0}


def _adult(person: dict[str, Any]) -> bool:
    return date.fromisoformat(person["birth_date"]) <= TODAY - timedelta(days=365 * 22)


def _person_sources(
    rng: random.Random, pop: Population, person: dict[str, Any], enterprises: list[dict[str, Any]]
) -> None:
    """Social insurance, housing fund and driver records of one person."""
    key = person["id_number"]
    if rng.random() < 0.75:
        employer = rng.choice(enterprises)
        since = date.fromisoformat(employer["established_on"]) + timedelta(days=rng.randint(0, 400))
        pop.add(
            "social_insurance",
            key,
            {
                "employer_name": employer["name"],
                "employer_credit_code": employer["credit_code"],
                "insured_since": min(since, TODAY).isoformat(),
                "insurance_types": "养老保险、医疗保险、失业保险、工伤保险",
                "status": "正常参保",
            },
        )
        if rng.random() < 0.7:
            pop.add(
                "housing_fund",
                key,
                {
                    "account_number": f"{rng.randint(10**11, 10**12 - 1)}",
                    "employer_name": employer["name"],
                    "contribution_rate": rng.choice((5, 8, 10, 12)),
                    "balance": round(rng.uniform(2_000, 160_000), 2),
                    "status": "正常缴存",
                },
            )
    if rng.random() < 0.45:
        first = date.fromisoformat(person["birth_date"]) + timedelta(days=365 * rng.randint(19, 40))
        pop.add(
            "vehicle_register",
            key,
            {
                "driving_class": rng.choice(DRIVING_CLASSES),
                "first_issued_on": min(first, TODAY - timedelta(days=30)).isoformat(),
                "plates": f"闽A{rng.choice('0123456789ABCDEFGHJK')}{rng.randint(1000, 9999)}",
            },
        )


def _marriages(rng: random.Random, pop: Population, people: list[dict[str, Any]]) -> None:
    """Pair adults of opposite sex; both records name the spouse. Others are 未婚."""
    men = [p for p in people if p["gender"] == "男" and _adult(p)]
    women = [p for p in people if p["gender"] == "女" and _adult(p)]
    rng.shuffle(men)
    rng.shuffle(women)
    couples = int(min(len(men), len(women)) * 0.7)
    for husband, wife in zip(men[:couples], women[:couples], strict=True):
        on = TODAY - timedelta(days=rng.randint(100, 365 * 30))
        for one, other in ((husband, wife), (wife, husband)):
            pop.add(
                "marriage_register",
                one["id_number"],
                {
                    "marital_status": "已婚",
                    "spouse_name": other["name"],
                    "spouse_id_number": other["id_number"],
                    "registered_on": on.isoformat(),
                },
            )
    for single in men[couples:] + women[couples:]:
        pop.add("marriage_register", single["id_number"], {"marital_status": "未婚"})


def _transport(
    rng: random.Random, pop: Population, firms: list[dict[str, Any]], accounts: int
) -> None:
    """Road transport permits (道路运输管理库): the demo accounts' enterprises and about a
    third of the others hold one. Its own random stream, so adding it moved no one else."""
    for index, firm in enumerate(firms):
        if index < accounts or rng.random() < 0.35:
            number = f"闽交运管许可榕字{rng.randint(350100000000, 350199999999)}号"
            pop.add(
                "transport",
                firm["credit_code"],
                {"permit_number": number, "vehicle_count": rng.randint(2, 60)},
            )


def generate(
    *,
    people: int,
    enterprises: int,
    seed: int,
    accounts: Iterable[dict[str, Any]] = (),
    progress: Callable[[], None] | None = None,
) -> Population:
    """``people`` persons and ``enterprises`` enterprises (the demo ``accounts`` among them,
    with their own names, IDs and enterprises), and what other sources hold about them."""
    rng, pop = random.Random(seed), Population()
    ids = _Ids(rng)
    applicants = [a for a in accounts if a.get("kind") in ("person", "enterprise")]
    persons = [_person(rng, ids, a) for a in applicants if a.get("id_number")]
    persons += [_person(rng, ids) for _ in range(max(people - len(persons), 0))]
    owners = [a for a in applicants if a.get("credit_code")]
    firms = [
        _enterprise(rng, ids, next(p for p in persons if p["id_number"] == a["id_number"]), a)
        for a in owners
    ]
    adults = [p for p in persons if _adult(p)]
    firms += [
        _enterprise(rng, ids, rng.choice(adults), None)
        for _ in range(max(enterprises - len(firms), 0))
    ]
    owned = {a["credit_code"] for a in owners}
    for firm in firms:
        pop.add("enterprise_register", firm["credit_code"], firm)
        pop.add(
            "tax",
            firm["credit_code"],
            {
                "taxpayer_type": rng.choice(("小规模纳税人", "小规模纳税人", "一般纳税人")),
                "registered_on": firm["established_on"],
                "tax_cleared": rng.random() < 0.95,
            },
        )
        pop.add("credit", firm["credit_code"], _credit(rng, firm["credit_code"], owned))
        if progress:
            progress()
    _transport(random.Random(f"{seed}-transport"), pop, firms, len(owners))
    for person in persons:
        pop.add("population", person["id_number"], person)
        _person_sources(rng, pop, person, firms)
        if progress:
            progress()
    _marriages(rng, pop, persons)
    add_disabilities_and_unemployment(
        pop,
        persons,
        firms,
        insured={key for key, _ in pop.records.get("social_insurance", [])},
        accounts={a["id_number"] for a in applicants if a.get("id_number")},
        seed=seed,
        today=TODAY,
    )
    add_estates_and_reservations(
        pop,
        persons,
        seed=seed,
        today=TODAY,
        founders={a["id_number"] for a in applicants if a.get("kind") == "person"},
        taken={firm["name"] for firm in firms},
        address=_address,
    )
    return pop
