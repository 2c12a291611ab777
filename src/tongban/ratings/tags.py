"""The reason tags of a rating (评价标签), the rated stages each is offered at and the source
each names, read from ``tags.yaml`` (data: why each tag fits its stages, and what its
sources are, is written there)."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

LEVELS = ("good", "bad")


@dataclass(frozen=True)
class TagList:
    """The tags in their order: the good ones, the bad ones, each tag's English name, and
    the tags offered at each stage."""

    good: tuple[str, ...]
    bad: tuple[str, ...]
    names_en: dict[str, str]
    by_stage: dict[str, tuple[str, ...]]


def read_tags(text: str, *, stages: tuple[str, ...]) -> TagList:
    """The tag list of ``text`` (a YAML list of ``{tag, en, level, stages, source}``);
    ValueError naming the tag and what is wrong with it: an unknown level or stage, no
    English name, no source (the national question it answers, or the platform's own),
    a tag listed twice."""
    entries: list[dict[str, Any]] = yaml.safe_load(text) or []
    seen: set[str] = set()
    for entry in entries:
        tag = str(entry.get("tag") or "")
        if not tag or tag in seen:
            raise ValueError(f"rating tag {tag!r}: missing or listed twice")
        if not entry.get("en"):
            raise ValueError(f"rating tag {tag!r}: no English name (en)")
        if not entry.get("source"):
            raise ValueError(f"rating tag {tag!r}: no source (where the tag comes from)")
        if entry.get("level") not in LEVELS:
            raise ValueError(f"rating tag {tag!r}: level {entry.get('level')!r} is not good or bad")
        unknown = [s for s in entry.get("stages") or [] if s not in stages]
        if unknown or not entry.get("stages"):
            raise ValueError(f"rating tag {tag!r}: stages {unknown or '[]'} not among {stages}")
        seen.add(tag)
    return TagList(
        good=tuple(e["tag"] for e in entries if e["level"] == "good"),
        bad=tuple(e["tag"] for e in entries if e["level"] == "bad"),
        names_en={e["tag"]: str(e["en"]) for e in entries},
        by_stage={s: tuple(e["tag"] for e in entries if s in e["stages"]) for s in stages},
    )


def packaged(stages: tuple[str, ...]) -> TagList:
    """The platform's tag list (``tags.yaml``)."""
    text = resources.files("tongban.ratings").joinpath("tags.yaml").read_text("utf-8")
    return read_tags(text, stages=stages)
