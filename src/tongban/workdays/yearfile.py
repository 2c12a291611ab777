"""Reading and checking one year's holiday arrangement as entered by an administrator.

Format (YAML)::

    year: 2027
    holidays:
      - {name: 元旦, days: ["2027-01-01"]}
    workdays:
      - {name: 春节调休, days: ["2027-02-20"]}
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import yaml

from tongban.workdays.errors import CalendarError

DayEntry = tuple[date, bool, str]  # (date, is_workday, name)

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_WEEKDAYS_ZH = "一二三四五六日"
_KEYS = {"year", "holidays", "workdays"}


@dataclass(frozen=True)
class YearDocument:
    year: int
    days: list[DayEntry]


def parse_year_document(text: str) -> YearDocument:
    """Parse and check a year file; errors name the offending entry."""
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


def check_days(year: int, days: Sequence[DayEntry]) -> None:
    """Refuse entries that are surely mistakes: wrong year, repeats, weekday make-up days."""
    if not days:
        raise CalendarError(
            f"{year} 年没有任何放假日；请至少填写元旦等法定节假日。",
            f"No days given for {year}; list at least the statutory holidays.",
        )
    seen: dict[date, str] = {}
    for day, is_workday, name in days:
        if not name.strip():
            raise CalendarError(f"{day} 缺少名称。", f"{day} has no name.")
        if day.year != year:
            raise CalendarError(
                f"{day}（{name}）不在 {year} 年内；只填写本年的日期，跨年的放假日请放进对应年份。",
                f"{day} ({name}) is not in {year}; list each date under its own year.",
            )
        if day in seen:
            raise CalendarError(
                f"{day} 重复出现（{seen[day]}、{name}）；每个日期只能出现一次，请删掉一条。",
                f"{day} appears twice ({seen[day]}, {name}); keep one entry.",
            )
        if is_workday and day.weekday() < 5:
            raise CalendarError(
                f"{day}（{name}）是星期{_WEEKDAYS_ZH[day.weekday()]}，本来就上班；"
                "调休上班日应在周六或周日，是否应放在 holidays 下？",
                f"{day} ({name}) is a {day:%A}, already a working day; make-up working days "
                "fall on a weekend. Should it be under holidays?",
            )
        seen[day] = name


def _load(text: str) -> dict[str, Any]:
    try:
        doc = yaml.safe_load(text)
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
    # YAML turns an unquoted 2027-01-01 into a date already; a quoted one stays text.
    if type(raw) is date:  # not datetime: a time of day means a typo
        return raw
    if isinstance(raw, str) and _ISO_DATE.fullmatch(raw.strip()):
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            pass
    raise CalendarError(
        f"{label}：“{raw}” 不是有效日期，请写成 {year}-01-01 的形式。",
        f"{label}: “{raw}” is not a valid date; write it as {year}-01-01.",
    )
