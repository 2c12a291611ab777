"""The English of the names people and the platform act under, by one rule.

The platform acts under names of its own (系统, 系统（秒批规则）…), each registered with its
English where the actor is made (``service.platform_actor``); a person's name is theirs
and is shown as written in every language. Every API field that names who did something
(``actor_name``, ``checked_by``, ``decided_by`` …) has an ``*_en`` sibling made by
:func:`english_of`, so an English app reads "System" where a Chinese one reads 系统.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, computed_field

ACTOR_NAMES_EN: dict[str, str] = {}
"""The English of each name the platform acts under, registered by ``platform_actor``."""


def name_en(name: str | None) -> str | None:
    """The English of ``name`` where the platform acted under it; None for a person's name
    (shown as written) and for no name."""
    return ACTOR_NAMES_EN.get(name) if name else None


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
