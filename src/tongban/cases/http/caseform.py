"""The application form of a case as a web page: the form's inputs (``forms.inputs``)
with the item's materials, its delivery options and the problems of no input."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from starlette.datastructures import FormData, UploadFile

from tongban.cases.core import definition
from tongban.cases.core.prefill import Prefill
from tongban.cases.http.material_rows import material_rows
from tongban.catalog import service as catalog
from tongban.catalog.sources import held_note, source_refs, value_en
from tongban.errors import InvalidInput
from tongban.forms import service as formcheck
from tongban.forms.inputs import FormField, Problems, Schema, fields, general


def uploads(form: FormData, materials: Sequence[Schema]) -> list[tuple[str, UploadFile]]:
    """(material code, file) for every material input the user filled."""
    found = []
    for material in materials:
        upload = form.get(f"m_{material['code']}")
        if isinstance(upload, UploadFile) and upload.filename:
            found.append((str(material["code"]), upload))
    return found


def validities(form: FormData, materials: Sequence[Schema]) -> list[tuple[str, str]]:
    """(material code, expiry typed) for every identity document whose 证件有效期至 the
    user filled in (``valid_until_<code>``)."""
    found = []
    for material in materials:
        typed = form.get(f"valid_until_{material['code']}")
        if material.get("document_validity") and isinstance(typed, str) and typed.strip():
            found.append((str(material["code"]), typed))
    return found


def context(
    spec: Schema,
    values: Mapping[str, Any],
    problems: Problems,
    ways: Sequence[Any],
    delivery: str | None,
    locale: str,
    prefilled: Prefill | None = None,
) -> dict[str, Any]:
    """What ``cases/_form.html`` needs: inputs, materials (``ways``: how each stands, from
    ``service.material_ways``; empty before a draft exists), delivery and errors of no input;
    with ``prefilled``, pulled fields locked with their source and suggestions filled in."""
    inputs = fields(spec["form"], values, problems, locale)
    if prefilled is not None:
        mark_prefilled(inputs, prefilled, locale)
    narrow_places(spec, inputs)
    materials = material_rows(spec, ways, problems, locale)
    known = [f.name for f in inputs] + [f"materials.{m['code']}" for m in materials]
    return {
        "spec": spec,
        "inputs": inputs,
        "materials": materials,
        "general": general(problems, known),
        "delivery_options": definition.delivery_options(spec),
        "delivery": delivery or definition.default_delivery(spec),
    }


def narrow_places(spec: Schema, inputs: list[FormField]) -> None:
    """A place field of 属地办理 offers only the places of the district the form names
    (pulled or answered): a 鼓楼区 household is not offered 仓山区's streets. The server
    still refuses a mismatch (``catalog.misplaced``)."""
    answers = {f.name: f.value for f in inputs if f.value not in (None, "")}
    offered = catalog.places_offered(spec, answers)
    for f in inputs:
        if f.name in offered and not f.locked:
            labels = dict(f.options)  # in the page's language (an enum's ``enum_en``)
            f.options = [(place, labels.get(place, place)) for place in offered[f.name]]


def mark_prefilled(inputs: list[FormField], prefilled: Prefill, locale: str) -> None:
    """Show pulled values read-only with their source ("来自公安人口库"); fill empty inputs
    with suggestions; say why a shared field is asked after all."""
    for f in inputs:
        filled = prefilled.values.get(f.name)
        if filled is not None and filled.locked and f.widget != "checkbox":
            f.value, f.locked, f.widget = filled.value, True, "text"  # options: its label
            f.attrs = {"readonly": True}
            if locale == "en":
                _show_in_english(f, filled.shown_en)
        elif filled is not None and f.value in (None, "", []):
            f.value = filled.value
        else:
            filled = None
        if filled is not None and locale == "en":
            f.source = filled.held_en if f.locked and filled.held_en else filled.label_en
        elif filled is not None:
            f.source = filled.label_zh
        why = prefilled.asked_because.get(f.name)
        if why is not None:
            f.source = why[1] if locale == "en" else why[0]


def mark_pulled(
    inputs: list[FormField], spec: Schema, pulled: Mapping[str, str], sources: Schema
) -> None:
    """On English pages, the answers of a case that a source can give English read in it
    (an industry by its GB/T 4754 title), whether pulled or typed; a pulled answer that
    stays Chinese (a name, an address: free text) says whose text it is (``source``).
    ``pulled``: {field: source code} of the answers pulled at the last save; ``sources``:
    the catalog's sources by code."""
    for f in inputs:
        refs = source_refs(spec["form"]["properties"].get(f.name, {}))
        if not refs or f.value in (None, ""):
            continue
        code, name = next(((c, n) for c, n in refs if c == pulled.get(f.name)), refs[0])
        source = sources.get(code)
        if source is None or name not in source["fields"]:
            continue  # a definition of a case older than the source's declaration
        declared = source["fields"][name]
        _show_in_english(f, value_en(declared, f.value))
        if f.name in pulled:
            f.source = held_note(source, declared, f.value)


def _show_in_english(f: FormField, english: Any) -> None:
    """Show ``f`` (a value its source gives English, no choice of the form's own) in
    ``english``; the value stays what is kept and posted."""
    if not f.options and english not in (None, f.value):
        f.options = [(str(f.value), str(english))]


def refuse_failed_uploads(spec: Schema, values: dict[str, Any], uploads: Problems) -> None:
    """When an upload failed, say so together with every form problem, so nothing is submitted."""
    if not uploads:
        return
    details = formcheck.problems(spec["form"], values)
    details += [
        {"field": name, "message_zh": text, "message_en": text} for name, text in uploads.items()
    ]
    raise InvalidInput(
        "材料上传未成功，请按提示重新选择文件。",
        "Some uploads failed; choose the files again.",
        details=details,
    )
