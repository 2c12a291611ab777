"""Dates a form may not hold although they are valid dates: a birth, a death, a date a
contract ended or an acceptance passed cannot lie in the future; a planned start cannot lie
in the past; an end cannot come before its start.

A date property (``format: date``) says so with ``x-not-after`` and ``x-not-before``, each
``today`` (the applicant's day in the configured zone, ``TONGBAN_TIMEZONE``) or the name of
another date property of the same object (in a table: of the same row). The catalog loader
checks the keywords (:func:`schema_problems`); :func:`problems` names each date that breaks
its bound, with the bound, in words an applicant can act on.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

TODAY = "today"
KEYWORDS = ("x-not-after", "x-not-before")
Path = tuple[str | int, ...]


def _day(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None  # the format check names it


def chinese(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _container(data: Any, path: Path) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


def _bound(
    keyword: str, target: str, parent: dict[str, Any], siblings: dict[str, Any], today: date
) -> tuple[date | None, str, str]:
    """(the bounding day, its name in Chinese, in English)."""
    if target == TODAY:
        return today, f"今天（{chinese(today)}）", f"today ({today.isoformat()})"
    other = siblings.get(target, {})
    day = _day(parent.get(target)) if isinstance(parent, dict) else None
    title = str(other.get("title", target)).split("(")[0]
    when = f"（{chinese(day)}）" if day else ""
    return day, f"“{title}”{when}", f"'{target}' ({day.isoformat() if day else ''})"


def problems(
    schema: dict[str, Any],
    located: Iterator[tuple[Path, dict[str, Any], Any]],
    data: dict[str, Any],
    *,
    today: date,
) -> Iterator[tuple[Path, str, str]]:
    """(path, Chinese, English) of each date of ``located`` (path, property, value) outside
    the bounds its property declares."""
    for path, prop, value in located:
        day = _day(value)
        if day is None or not any(keyword in prop for keyword in KEYWORDS):
            continue
        parent = _container(data, path)
        siblings = _siblings(schema, path)
        for keyword in KEYWORDS:
            target = prop.get(keyword)
            if not isinstance(target, str):
                continue
            bound, name_zh, name_en = _bound(keyword, target, parent, siblings, today)
            if bound is None:
                continue
            if keyword == "x-not-after" and day > bound:
                past = "请填写已经发生的日期" if target == TODAY else "请核对这两个日期"
                yield path, f"不能晚于{name_zh}，{past}", f"must not be after {name_en}"
                break
            if keyword == "x-not-before" and day < bound:
                hint = "请填写今天或以后的日期" if target == TODAY else "请核对这两个日期"
                yield path, f"不能早于{name_zh}，{hint}", f"must not be before {name_en}"
                break


def _siblings(schema: dict[str, Any], path: Path) -> dict[str, Any]:
    """The properties of the object that holds the field at ``path``."""
    current = schema
    for part in path[:-1]:
        if isinstance(part, int):
            current = current.get("items", {})
        else:
            current = current.get("properties", {}).get(part, {})
    return dict(current.get("properties", {}))


def schema_problems(form: dict[str, Any], prefix: Path = ()) -> Iterator[tuple[Path, str]]:
    """(path, message) of each misused bound: only on a date property, and naming
    ``today`` or another date property of the same object."""
    properties = form.get("properties", {})
    for name, prop in properties.items():
        if not isinstance(prop, dict):
            continue
        for keyword in KEYWORDS:
            if keyword not in prop:
                continue
            target = prop[keyword]
            where = (*prefix, "properties", name, keyword)
            if prop.get("format") != "date":
                yield where, f"{keyword} 只能用于日期字段（format: date）"
            elif target != TODAY and properties.get(target, {}).get("format") != "date":
                yield where, f"{keyword} 须为 today 或同一表单中另一日期字段的名称，现为 {target!r}"
        items = prop.get("items")
        if prop.get("type") == "array" and isinstance(items, dict):
            yield from schema_problems(items, (*prefix, "properties", name, "items"))
        if prop.get("type") == "object":
            yield from schema_problems(prop, (*prefix, "properties", name))
