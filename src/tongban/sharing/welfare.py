"""What the civil-affairs and labour registers hold about people (synthetic, like the rest of
the population): disability certificates (残疾人信息库, 残疾人联合会) and ended employment
(就业登记库: the employer's online 减员, after which 失业登记 needs no termination proof).

The categories and grades are those of GB/T 26341-2010《残疾人残疾分类和分级》; the
certificate number (第二代残疾人证) is the holder's 18-digit resident ID followed by the
category's digit and the grade's digit. Only people who are not demo accounts get records,
so a demo applicant's own steps (uploading a termination proof for 失业登记) stay as they
are. Drawn from a random generator of its own, so the people, enterprises and other
records of a seed stay as they were.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any, Protocol

# GB/T 26341-2010 § 4: category (with its digit on the certificate) and weight among holders
CATEGORIES = (
    ("视力残疾", 1, 0.14),
    ("听力残疾", 2, 0.24),
    ("言语残疾", 3, 0.01),
    ("肢体残疾", 4, 0.30),
    ("智力残疾", 5, 0.07),
    ("精神残疾", 6, 0.07),
    ("多重残疾", 7, 0.17),
)
GRADES = ("一级", "二级", "三级", "四级")  # GB/T 26341-2010 § 5: 一级 the most severe
DISABILITY_SHARE = 0.06  # holders of a 残疾人证 among residents (about 6 % in China)
WORKING_AGE = 16  # 《劳动法》第十五条: no employment under 16
UNEMPLOYED_SHARE = 0.12  # of people without social insurance: an employment ended lately


class Records(Protocol):
    def add(self, source: str, key: str, data: dict[str, Any]) -> None: ...


def add_disabilities_and_unemployment(
    records: Records,
    persons: list[dict[str, Any]],
    firms: list[dict[str, Any]],
    *,
    insured: set[str],
    accounts: set[str],
    seed: int,
    today: date,
) -> None:
    """Add ``disabled_persons`` and ``employment_register`` records for some of ``persons``
    (by resident ID), never for ``accounts``. ``insured``: resident IDs with a social
    insurance record, who are in work and so have no ended employment."""
    rng = random.Random(f"{seed}-welfare")
    for person in persons:
        number = person["id_number"]
        if number in accounts:
            continue
        if rng.random() < DISABILITY_SHARE:
            name, digit, _ = rng.choices(CATEGORIES, [c[2] for c in CATEGORIES])[0]
            grade = rng.randrange(len(GRADES))
            records.add(
                "disabled_persons",
                number,
                {
                    "card_number": f"{number}{digit}{grade + 1}",
                    "category": name,
                    "grade": GRADES[grade],
                },
            )
        born = date.fromisoformat(person["birth_date"])
        working_age = born <= today - timedelta(days=round(365.25 * WORKING_AGE))
        if working_age and number not in insured and firms and rng.random() < UNEMPLOYED_SHARE:
            ended = today - timedelta(days=rng.randint(3, 300))
            records.add(
                "employment_register",
                number,
                {
                    "employer_name": rng.choice(firms)["name"],
                    "employment_status": "失业",
                    "terminated_on": ended.isoformat(),
                },
            )
