"""The names the platform acts under, with their English, in one table.

A person's name is theirs and reads as written in every language; the platform acts under
names of its own (系统, 系统（秒批规则）…), listed here with their English once. Pages show
a name through the ``actor`` filter and every API field that names who did something
(``actor_name``, ``checked_by``, ``decided_by`` …) has an ``*_en`` sibling made by
:func:`english_of`, both reading :func:`name_en`: an English app and an English page say
"System" where a Chinese one says 系统, from this table alone (not the pages' message
catalog), whichever modules the process happened to import.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, computed_field

BY_POLICY = "系统（免申即享政策核定）"
"""Who grants a proactive benefit (免申即享): the platform, by the policy's rules."""

PLATFORM_NAMES: dict[str, str] = {
    "系统": "System",
    "系统（秒批规则）": "System (instant approval rules)",
    "系统（自动协查）": "System (automatic verification)",
    BY_POLICY: "The system (by the benefit policy)",
    "运维命令": "Operator command",
    "公众": "Member of the public",
    # the stages' staff of the simulated demo history (``tongban.demo.casefile``)
    "窗口受理人员": "Window clerk",
    "审查人员": "Reviewer",
    "审批人员": "Approver",
    "制证人员": "Issuing clerk",
    "送达人员": "Delivery clerk",
}
"""Each name the platform acts under (``service.platform_actor``) → its English."""


def name_en(name: str | None) -> str | None:
    """The English of ``name`` where the platform acted under it; None for a person's name
    (shown as written) and for no name."""
    return PLATFORM_NAMES.get(name) if name else None


def english_of(field: str) -> Any:
    """A schema's ``<field>_en``: the name in ``field`` in English (:func:`name_en`), a
    computed field documented in the OpenAPI schema. Declared ``checked_by_en:
    ClassVar[Any] = english_of("checked_by")``: ClassVar keeps it out of the fields a
    client sends (pydantic and its mypy plugin), the computed field puts it in answers."""

    def english(model: BaseModel) -> str | None:
        return name_en(getattr(model, field))

    return computed_field(  # type: ignore[call-overload]
        property(english),
        return_type=str | None,
        description=f"{field} in English where the platform acted (System …); "
        "null for a person, whose name reads as written in every language",
    )
