"""The conditions of a policy read as data (never evaluated as code): a period, and
whether one subject's records meet every condition.

Operators (the closed set the catalog admits, ``catalog.policies``):

- ``age_at_least N``: a date field (birth date) N full years before the period's last day
  or earlier; someone born on 29 February reaches an age in a common year on 1 March;
- ``within_months N``: a date field in the N months ending with the period's last day
  (成立未满 N 个月): after the same day N months earlier, not after the last day;
- ``equals V``, ``one_of [V…]``: the value itself (a boolean equals only a boolean);
- ``at_least B``, ``at_most B``: a number.

A field the subject's records lack (no record in that source, or no value) fails its
condition: nobody is found eligible on data that is not there.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from tongban.errors import InvalidInput
from tongban.timeutil import add_months

PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Period:
    """A calendar month (the policies' period), written ``2026-11``."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        """``YYYY-MM``, or InvalidInput saying how to write it."""
        match = PERIOD.match(text.strip())
        if match is None or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1900:
            raise InvalidInput(
                f"期间“{text}”格式不对，请写成年-月，如 2026-11。",
                f"Period '{text}' is not valid; write year-month, e.g. 2026-11.",
                field="period",
            )
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, day: date) -> Period:
        return cls(day.year, day.month)

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def check_not_after(self, today: date) -> None:
        """InvalidInput for a month after ``today``'s: a run judges ages and dates the
        register holds now, so a later month would grant what nobody has reached yet."""
        current = Period.of(today)
        if (self.year, self.month) > (current.year, current.month):
            raise InvalidInput(
                f"期间“{self.label}”还未到：只能比对本月（{current.label}）或以前的月份。",
                f"Period {self.label} has not come yet: run the current month "
                f"({current.label}) or an earlier one.",
                field="period",
            )


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _same(value: Any, wanted: Any) -> bool:
    if isinstance(value, bool) or isinstance(wanted, bool):
        return value is wanted
    return bool(value == wanted)


def holds(op: str, wanted: Any, value: Any, period: Period) -> bool:
    """Whether a record's ``value`` meets condition ``op wanted`` in ``period``."""
    if value is None:
        return False
    if op in ("age_at_least", "within_months"):
        day = _date(value)
        if day is None:
            return False
        end = period.last_day
        if op == "age_at_least":
            return add_months(day, int(wanted) * 12) <= end
        return add_months(end, -int(wanted)) < day <= end
    if op == "equals":
        return _same(value, wanted)
    if op == "one_of":
        return any(_same(value, choice) for choice in wanted)
    number, bound = _number(value), _number(wanted)
    if number is None or bound is None:
        return False
    return number >= bound if op == "at_least" else number <= bound


def unmet(
    conditions: list[dict[str, Any]],
    records: dict[str, dict[str, Any] | None],
    period: Period,
) -> list[str]:
    """The titles of the conditions a subject does not meet (empty: eligible); ``records``
    by source code, None where the source holds no record of the subject."""
    failed = []
    for condition in conditions:
        source, _, field = condition["field"].partition(".")
        record = records.get(source) or {}
        if not holds(condition["op"], condition["value"], record.get(field), period):
            failed.append(str(condition["title"]))
    return failed
