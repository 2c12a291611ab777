"""What a stored catalog version holds: an item's definition, and a bundle's, whose form
and materials merge those of its items (conflicts named) and whose limits run along its
order: an item waiting for another adds its time to the other's, parallel ones overlap."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from tongban.catalog import ways

HOURS_PER_WORKING_DAY = 8


CALENDAR_WEEK, WORKING_WEEK = 7, 5  # a week of 7 calendar days holds 5 working days


def working_days_of(amount: float, unit: str) -> int:
    """A limit of ``amount`` in ``unit`` as whole working days: hours rounded up to whole
    days of 8 office hours; calendar days (日) as the working days of that many weeks'
    share, rounded down (30 日 ≈ 21 个工作日)."""
    if unit == "hours":
        return math.ceil(amount / HOURS_PER_WORKING_DAY)
    if unit == "calendar_days":
        return math.floor(amount * WORKING_WEEK / CALENDAR_WEEK)
    return int(amount)


def in_unit(days: int, unit: str) -> int:
    """``days`` working days as a limit in ``unit`` (the inverse of
    :func:`working_days_of`; calendar days rounded up: 21 个工作日 ≈ 30 日)."""
    if unit == "hours":
        return days * HOURS_PER_WORKING_DAY
    if unit == "calendar_days":
        return math.ceil(days * CALENDAR_WEEK / WORKING_WEEK)
    return days


def legal_unit(limit: Mapping[str, Any]) -> str:
    """The unit a ``time_limit``'s legal limit is stated in: its ``legal_unit`` where the
    law states it in another unit than the promise (a promise of 2 office hours, a law's
    20 日), else its ``unit``."""
    return str(limit.get("legal_unit") or limit["unit"])


def legal_days(item: dict[str, Any]) -> int:
    """An item's legal limit in working days (:func:`working_days_of`)."""
    limit = item["time_limit"]
    return working_days_of(int(limit["legal"]), legal_unit(limit))


def comparable(limit: Mapping[str, Any]) -> tuple[str, int, int]:
    """(unit, promised, legal) of a ``time_limit`` in one unit: its own where both are
    stated in it, else office hours (days as whole working days of 8 hours)."""
    unit, legal = limit["unit"], int(limit["legal"])
    if legal_unit(limit) == unit:
        return unit, int(limit["promised"]), legal
    promised = in_unit(working_days_of(int(limit["promised"]), unit), "hours")
    if unit == "hours":
        promised = int(limit["promised"])
    return "hours", promised, in_unit(working_days_of(legal, legal_unit(limit)), "hours")


def merge_forms(items: list[dict[str, Any]]) -> tuple[dict[str, Any], list[str]]:
    """One form for several items: each property asked once; conflicting definitions are errors."""
    properties: dict[str, Any] = {}
    owners: dict[str, str] = {}
    required: list[str] = []
    conflicts = []
    for item in items:
        for name, definition in item["form"]["properties"].items():
            if name in properties and properties[name] != definition:
                conflicts.append(f"字段 {name} 在 {owners[name]} 与 {item['code']} 中定义不同")
            properties.setdefault(name, definition)
            owners.setdefault(name, item["code"])
        required += [name for name in item["form"].get("required", []) if name not in required]
    form = {"type": "object", "properties": properties, "required": required}
    return form, conflicts


def merge_materials(items: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """One set of materials: the same code in several items is asked for once."""
    merged: dict[str, dict[str, Any]] = {}
    conflicts = []
    for item in items:
        for material in item["materials"]:
            code = material["code"]
            known = merged.get(code)
            if known is None:
                merged[code] = {**material, "items": [item["code"]]}
                continue
            if known["name"] != material["name"]:
                conflicts.append(f"材料 {code} 在不同事项中名称不同")
            conflict = ways.merge_conflict(code, known, material)
            if conflict:
                conflicts.append(conflict)
            ways.merge_text(known, material)
            known["required"] = known["required"] or material["required"]
            known["deficiency_allowed"] = known.get("deficiency_allowed", False) and material.get(
                "deficiency_allowed", False
            )
            known["items"].append(item["code"])
    return list(merged.values()), conflicts


def item_definition(item: dict[str, Any]) -> dict[str, Any]:
    """The frozen definition a case of a single item runs on."""
    materials, _ = merge_materials([item])
    return {
        "kind": "item",
        "code": item["code"],
        "name": item["name"],
        "name_en": item.get("name_en"),
        "department": item["department"],
        "approval_mode": item["approval_mode"],
        "time_limit": item["time_limit"],
        "form": item["form"],
        "materials": materials,
        "items": [item],
    }


def bundle_definition(bundle: dict[str, Any], items: list[dict[str, Any]]) -> dict[str, Any]:
    """The frozen definition of a bundle: its items embedded, one merged form."""
    form, _ = merge_forms(items)
    materials, _ = merge_materials(items)
    requires = dict(bundle.get("requires") or {})
    return {
        "kind": "bundle",
        "code": bundle["code"],
        "name": bundle["name"],
        "name_en": bundle.get("name_en"),
        "department": bundle["lead_department"],
        "requires": requires,
        "approval_mode": bundle.get("approval_mode", "ordinary"),
        "time_limit": bundle_time_limit(bundle["time_limit"], items, requires),
        "form": form,
        "materials": materials,
        "items": items,
        "bundle": bundle,
    }


def along_order(amounts: Mapping[str, int], requires: Mapping[str, Sequence[str]]) -> int:
    """The longest chain of ``amounts`` (item code → time) in a bundle's order: an item
    waiting for others (``requires``) starts when the last of them ends, the rest run in
    parallel; prerequisites not among ``amounts`` (left out by the situation) are ignored.
    The loader refuses cycles (``catalog.order``)."""
    ends: dict[str, int] = {}

    def end(code: str) -> int:
        if code not in ends:
            before = [end(other) for other in requires.get(code, ()) if other in amounts]
            ends[code] = amounts[code] + max(before, default=0)
        return ends[code]

    return max((end(code) for code in amounts), default=0)


def bundle_time_limit(
    declared: Mapping[str, Any], items: list[dict[str, Any]], requires: Mapping[str, Sequence[str]]
) -> dict[str, Any]:
    """A bundle's ``time_limit`` from the ``items`` it runs: the legal limit the longest
    chain of its items' legal limits in its order (:func:`along_order`), in the bundle's
    unit where the items' differ (as working days, :func:`working_days_of`); the promise
    the bundle's own (``declared``) or the items' chain if shorter. One item left (the
    others left out by the situation answers): that item's own limits, note and units."""
    unit = declared["unit"]

    def chain(value: Any) -> int:
        return along_order({item["code"]: value(item["time_limit"]) for item in items}, requires)

    def promised_days(limit: Mapping[str, Any]) -> int:
        return working_days_of(int(limit["promised"]), limit["unit"])

    promised = int(declared["promised"])
    if len(items) == 1:
        own = dict(items[0]["time_limit"])
        if working_days_of(promised, unit) < promised_days(own):
            own["promised"] = in_unit(working_days_of(promised, unit), own["unit"])
        return own
    if all(legal_unit(item["time_limit"]) == unit for item in items):
        legal = chain(lambda limit: int(limit["legal"]))
    else:
        legal = in_unit(
            chain(lambda limit: working_days_of(int(limit["legal"]), legal_unit(limit))), unit
        )
    if all(item["time_limit"]["unit"] == unit for item in items):
        promised = min(promised, chain(lambda limit: int(limit["promised"])))
    else:
        promised = min(promised, in_unit(chain(promised_days), unit))
    return {"unit": unit, "legal": legal, "promised": promised}
