"""Reading and checking one year's holiday arrangement as entered by an administrator.

Format (YAML)::

    year: 2027
    holidays:
      - {name: 元旦, days: ["2027-01-01", "2027-01-02", "2027-01-03"]}
      - {name: 春节, days: [2027-02-05, 2027-02-06, …]}
    workdays:
      - {name: 春节调休, days: ["2027-01-31"]}

Every statutory holiday must be listed (see ``validation.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import yaml

from tongban.workdays.errors import CalendarError
from tongban.workdays.validation import DayEntry, check_days

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_KEYS = {"year", "holidays", "workdays"}


@dataclass(frozen=True)
class YearDocument:
    year: int
    days: list[DayEntry]


def parse_year_document(text: str) -> YearDocument:
    """Parse a year file and check it is complete (``validation.check_days``)."""
    doc = _load(text)
    year = doc.get("year")
    if not isinstance(year, int) or isinstance(year, bool):
        raise CalendarError("“year” 必须是年份数字，例如 year: 2027。", "“year” must be a number.")
    days: list[DayEntry] = []
    for section, is_workday in (("holidays", False), ("workdays", True)):
        entries = doc.get(section, [])
        if not isinstance(entries, list):
            raise CalendarError(f"“{section}” 必须是列表。", f"“{section}” must be a list.")
        for index, entry in enumerate(entries, start=1):
            label = f"{section} #{index}"
            name, raw_days = _entry(label, entry)
            days += [(_day(f"{label}（{name}）", raw, year), is_workday, name) for raw in raw_days]
    check_days(year, days)
    return YearDocument(year=year, days=days)


def parse_year_file(text: str) -> list[DayEntry]:
    """The (date, is_workday, name) entries of a year file."""
    return parse_year_document(text).days


class _Loader(yaml.SafeLoader):
    """YAML without implicit dates: an unquoted 2027-02-30 stays text, so the error
    names its entry instead of failing inside the parser."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _load(text: str) -> dict[str, Any]:
    try:  # _Loader subclasses SafeLoader: no arbitrary objects
        doc = yaml.load(text, Loader=_Loader)  # nosec B506
    except yaml.YAMLError as exc:
        raise CalendarError(f"文件不是有效的 YAML：{exc}", f"Not valid YAML: {exc}") from exc
    if not isinstance(doc, dict):
        raise CalendarError(
            "文件应包含 year、holidays、workdays 三项。",
            "The file must be a mapping with year, holidays and workdays.",
        )
    unknown = sorted(str(k) for k in doc if k not in _KEYS)
    if unknown:
        raise CalendarError(
            f"无法识别的项：{'、'.join(unknown)}；只允许 year、holidays、workdays。",
            f"Unknown keys {unknown}; allowed: year, holidays, workdays.",
        )
    return doc


def _entry(label: str, entry: object) -> tuple[str, list[object]]:
    if not isinstance(entry, dict) or set(entry) != {"name", "days"}:
        raise CalendarError(
            f"{label} 应写成 {{name: …, days: [...]}}。",
            f"{label} must be {{name: …, days: [...]}}.",
        )
    name, days = entry["name"], entry["days"]
    if not isinstance(name, str) or not name.strip():
        raise CalendarError(f"{label} 的 name 必须是非空文字。", f"{label}: name must be text.")
    if not isinstance(days, list) or not days:
        raise CalendarError(
            f"{label}（{name}）的 days 必须是非空的日期列表。",
            f"{label} ({name}): days must be a non-empty list of dates.",
        )
    return name.strip(), days


def _day(label: str, raw: object, year: int) -> date:
    if isinstance(raw, str) and _ISO_DATE.fullmatch(raw.strip()):
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            pass
    raise CalendarError(
        f"{label}：“{raw}” 不是有效日期，请写成 {year}-01-01 的形式。",
        f"{label}: “{raw}” is not a valid date; write it as {year}-01-01.",
    )
