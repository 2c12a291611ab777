"""What a guide (办事指南) shows beyond the definition's rules: the samples (样表) and blank
forms of its materials, its frequently asked questions (常见问题), and the checks of both
at load. The files are catalog assets, PDFs under ``catalog/assets`` in this package,
served at ``/catalog/assets/<name>``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

from tongban.catalog.yamlsource import Problem, SourceDocument

ASSET_URL = "/catalog/assets/"


def asset_path(name: str) -> Any:
    """The packaged asset ``name`` (a Traversable), whether or not it exists."""
    return resources.files("tongban.catalog").joinpath("assets").joinpath(name)


def _sources(definition: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The entry's own document first, then (for a bundle) each item's."""
    bundle = definition.get("bundle")
    return [bundle, *definition["items"]] if bundle else [definition["items"][0]]


def material_templates(definition: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """``{material code: {"sample": url, "blank": url}}`` (either may be missing): the
    entry's own templates over those of its items."""
    found: dict[str, dict[str, str]] = {}
    for source in reversed(_sources(definition)):
        for template in source.get("material_templates") or []:
            urls = {
                kind: ASSET_URL + template[kind] for kind in ("sample", "blank") if kind in template
            }
            found[template["material"]] = urls
    return found


def faq(definition: Mapping[str, Any]) -> list[dict[str, str]]:
    """Questions and answers: the entry's own, then (for a bundle) its items'."""
    return [entry for source in _sources(definition) for entry in source.get("faq") or []]


def featured(definition: Mapping[str, Any]) -> bool:
    """Whether the entry is a 热门事项, listed first in the service hall (``featured``)."""
    return bool(_sources(definition)[0].get("featured"))


def problems(doc: SourceDocument, *, materials: set[str]) -> list[Problem]:
    """A template of a material the entry does not have, or naming a file that is not among
    the catalog's assets; the same synonym or FAQ question twice; a 热门事项 with no
    questions of its own."""
    found = []
    if doc.data.get("featured") and not doc.data.get("faq"):
        found.append(doc.problem(["featured"], "热门事项须有常见问题"))
    for index, template in enumerate(doc.data.get("material_templates") or []):
        path: list[str | int] = ["material_templates", index]
        if template["material"] not in materials:
            message = f"没有材料 {template['material']}，不能为它提供样表"
            found.append(doc.problem([*path, "material"], message))
        for kind in ("sample", "blank"):
            if kind in template and not asset_path(template[kind]).is_file():
                message = f"样表文件 {template[kind]} 不在目录资源 catalog/assets 中"
                found.append(doc.problem([*path, kind], message))
    questions = [entry["q"] for entry in doc.data.get("faq") or []]
    for index, question in enumerate(questions):
        if questions.index(question) != index:
            found.append(doc.problem(["faq", index, "q"], f"常见问题“{question}”重复"))
    return found


WHO = ("person", "enterprise")  # 个人办事, 企业办事


def finder_events(definitions: Sequence[Mapping[str, Any]], *, who: str) -> list[dict[str, str]]:
    """The life or business events (``finder.event``) of entries ``who`` may apply for, in
    catalog order, each once: ``{"event": 中文名, "event_en": English name}`` (``event_en``
    left out where the catalog gives none)."""
    events: dict[str, dict[str, str]] = {}
    for definition in definitions:
        place = _sources(definition)[0].get("finder") or {}
        if who in place.get("who", []):
            named = events.setdefault(place["event"], {"event": place["event"]})
            if place.get("event_en"):
                named.setdefault("event_en", place["event_en"])
    return list(events.values())


def finder_entries(
    definitions: Sequence[Mapping[str, Any]], *, who: str, event: str
) -> list[Mapping[str, Any]]:
    """The entries the finder offers ``who`` for ``event``: bundles first, then items."""
    found = [
        definition
        for definition in definitions
        if who in (_sources(definition)[0].get("finder") or {}).get("who", [])
        and (_sources(definition)[0].get("finder") or {}).get("event") == event
    ]
    return sorted(found, key=lambda definition: definition["kind"] != "bundle")
