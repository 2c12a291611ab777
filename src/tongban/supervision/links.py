"""Drill-down addresses: from a figure's conditions to ``/supervision/cases?…`` and back.

The dashboard links every figure (and every chart bar or point) to the list of the cases
it counts; the list page reads the same parameters into a ``CaseFilter``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TypeVar
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from tongban import textutil
from tongban.cases.enums import CaseState, Channel, Stage
from tongban.supervision.drilldown import CaseFilter
from tongban.supervision.measures import Dates, Status

DRILL = "/supervision/cases"
EARLIEST, LATEST = date(1970, 1, 1), date(9998, 12, 31)  # an open end of a date range
E = TypeVar("E", CaseState, Status, Stage, Channel)
FIELDS = (
    "q",
    "state",
    "department",
    "item",
    "channel",
    "status",
    "stage",
    "received_from",
    "received_to",
    "done_from",
    "done_to",
)


def drill(
    *,
    received: Dates | None = None,
    done: Dates | None = None,
    page: int | None = None,
    **params: object,
) -> str:
    """The drill-down address of the cases matching these conditions."""
    values = {key: str(value) for key, value in params.items() if value}
    for name, dates in (("received", received), ("done", done)):
        if dates is not None:
            values[f"{name}_from"] = dates.first.isoformat()
            values[f"{name}_to"] = dates.last.isoformat()
    return _address(values, page)


def _address(values: Mapping[str, str], page: int | None) -> str:
    query = [(key, values[key]) for key in FIELDS if values.get(key)]
    if page and page > 1:
        query.append(("page", str(page)))
    return f"{DRILL}?{urlencode(query)}" if query else DRILL


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _dates(first: str | None, last: str | None, tz: ZoneInfo) -> Dates | None:
    lo, hi = _day(first), _day(last)
    if lo is None and hi is None:
        return None
    return Dates.of(lo or EARLIEST, hi or LATEST, tz)


def _choice(kind: type[E], value: str | None) -> E | None:
    return kind(value) if value in set(kind) else None


@dataclass(frozen=True)
class Query:
    """The drill-down's parameters as sent (for the form) and as understood (the filter)."""

    values: dict[str, str]
    where: CaseFilter
    page: int

    @classmethod
    def parse(cls, params: Mapping[str, str], tz: ZoneInfo) -> Query:
        """Unknown or malformed values are ignored, as if the field were left empty."""
        values = {key: params[key].strip() for key in FIELDS if params.get(key, "").strip()}
        for key in ("department", "item"):  # codes however typed: ｗｊｗ, 3501-wjw-002
            if key in values:
                values[key] = textutil.code(values[key])
        where = CaseFilter(
            text=values.get("q", "")[:100] or None,
            state=_choice(CaseState, values.get("state")),
            department=values.get("department"),
            item=values.get("item"),
            channel=_choice(Channel, values.get("channel")),
            status=_choice(Status, values.get("status")),
            stage=_choice(Stage, values.get("stage")),
            received=_dates(values.get("received_from"), values.get("received_to"), tz),
            done=_dates(values.get("done_from"), values.get("done_to"), tz),
        )
        page = params.get("page", "")
        return cls(values, where, int(page) if page.isdigit() and len(page) < 7 else 1)

    def link(self, page: int) -> str:
        """This query at another page."""
        return _address(self.values, page)

    @property
    def filtered(self) -> bool:
        return bool(self.values)
