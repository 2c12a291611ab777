"""A form as a web page: JSON Schema → inputs, posted strings → typed values.

The schema stays the single source of truth: the same schema that ``forms.service``
checks decides which inputs the page shows and how their text is turned back into
numbers, booleans or enum values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData

from tongban import identifiers
from tongban.errors import DomainError
from tongban.forms import service as formcheck
from tongban.schema_words import reason_for, shape_reason

Schema = dict[str, Any]
Problems = dict[str, str]


@dataclass
class FormField:
    """One input of the form, ready for the template (``rows`` for lists of objects)."""

    name: str
    title: str
    widget: str  # text, number, date, email, select, checkbox, textarea, checkboxes, lines, rows
    required: bool
    value: Any = None
    error: str | None = None
    description: str | None = None
    options: list[tuple[str, str]] = field(default_factory=list)
    attrs: dict[str, Any] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)  # ``_reasons``, for the page's script
    rows: list[list[FormField]] = field(default_factory=list)
    enforce: bool = True  # browser-side ``required``; off in repeated rows, which may stay blank
    source: str | None = None  # where a filled value came from, or why a shared field is asked
    locked: bool = False  # pulled from a shared source: shown, not changed (``cases.core.prefill``)

    def shown(self) -> Any:
        """The value as a reader sees it: a choice by its label in the page's language (an
        enum's ``enum_en`` on English pages), each choice of a list likewise; else as kept."""
        labels = dict(self.options)
        if isinstance(self.value, list):
            return [labels.get(str(value), value) for value in self.value]
        return labels.get(str(self.value), self.value)


def _options(prop: Schema, locale: str = "zh") -> list[tuple[str, str]]:
    """(value, label) of each choice; in English an enum's labels are its ``enum_en`` (the
    catalog's translation, one per value, checked by the loader), the values stay."""
    if "enum" in prop:
        values, english = prop["enum"], prop.get("enum_en") if locale == "en" else None
        paired = isinstance(english, list) and len(english) == len(values)
        labels: list[Any] = english if paired and english is not None else values
        return [(str(value), str(label)) for value, label in zip(values, labels, strict=True)]
    choices = prop.get("oneOf") or prop.get("anyOf") or []
    return [(str(c["const"]), str(c.get("title", c["const"]))) for c in choices if "const" in c]


def _widget(prop: Schema) -> str:
    kind = prop.get("type")
    if kind == "array":
        item = prop.get("items", {})
        if item.get("type") == "object":
            return "rows"
        return "checkboxes" if _options(item) else "lines"
    if _options(prop):
        return "select"
    if kind == "boolean":
        return "checkbox"
    if kind in ("number", "integer"):
        return "number"
    if prop.get("format") in ("date", "email"):
        return str(prop["format"])
    if prop.get("maxLength", 0) > 200:
        return "textarea"
    return "text"


def _attrs(prop: Schema) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    if prop.get("type") == "integer":
        attrs["step"] = 1
    elif prop.get("type") == "number":
        attrs["step"] = "any"
    for key, attr in (
        ("minimum", "min"),
        ("maximum", "max"),
        ("minLength", "minlength"),
        ("maxLength", "maxlength"),
        ("pattern", "pattern"),
    ):
        if key in prop:
            attrs[attr] = prop[key]
    if prop.get("readOnly"):
        attrs["readonly"] = True
    identifier = _identifier_attrs(prop)
    if identifier:
        attrs.pop("pattern", None)
    return {**attrs, **identifier}


def _identifier_attrs(prop: Schema) -> dict[str, Any]:
    """No strict ``pattern`` for an identifier: a browser would refuse "…102x" or full-width
    digits that the server accepts; the page script checks the normalised shape instead."""
    kind = identifiers.kind_of(prop)
    if kind is None:
        return {}
    return {
        "data-identifier": kind.name,
        "data-shape": kind.shape,
        "autocapitalize": "characters",
        "spellcheck": "false",
    }


_BROWSER_CHECKED = ("pattern", "minLength", "maxLength", "minimum", "maximum")


def _reasons(prop: Schema, widget: str, locale: str) -> dict[str, str]:
    """Why the page's script (static/form.js) refuses a value, by the problem it finds
    (``type``, ``pattern``, a bound), in the words of the server's check of the same
    field (``schema_words.reason_for``; an identifier by its kind's shape), so that the
    browser names the format or bound wanted as the server does."""
    found = {
        keyword: reason_for(keyword, prop[keyword], prop)
        for keyword in _BROWSER_CHECKED
        if keyword in prop
    }
    if prop.get("type") in ("number", "integer"):
        found["type"] = reason_for("type", prop["type"], prop)
    if widget == "date":  # a date the browser cannot read is its ``type`` problem
        found["type"] = reason_for("format", "date", prop)
    if widget == "email":  # an address it cannot read, its ``pattern`` problem
        found["pattern"] = reason_for("format", "email", prop)
    kind = identifiers.kind_of(prop)
    if kind is not None:
        found["pattern"] = shape_reason(kind.words)
    return {problem: words[1 if locale == "en" else 0] for problem, words in found.items()}


def title_of(prop: Schema, name: str, locale: str) -> str:
    if locale == "en" and prop.get("title_en"):
        return str(prop["title_en"])
    return str(prop.get("title", name))


def _field(
    name: str, prop: Schema, required: bool, value: Any, errors: Problems, locale: str
) -> FormField:
    widget = _widget(prop)
    choice = prop.get("items", {}) if widget == "checkboxes" else prop
    options = _options(choice, locale)
    result = FormField(
        name=name,
        title=title_of(prop, name.rsplit(".", 1)[-1], locale),
        widget=widget,
        required=required,
        value=value,
        error=errors.get(name),
        description=(locale == "en" and prop.get("description_en")) or prop.get("description"),
        options=options,
        attrs=_attrs(prop),
        reasons=_reasons(prop, widget, locale),
    )
    if widget == "rows":
        filled = value if isinstance(value, list) else []
        result.rows = [
            _row(f"{name}.{index}", prop["items"], row, errors, locale)
            for index, row in enumerate([*filled, *[{}] * BLANK_ROWS])
        ]
    return result


BLANK_ROWS = 2  # empty rows offered below the filled ones; no script needed to add one
MAX_ROWS = 100


def _row(
    prefix: str, schema: Schema, values: Any, errors: Problems, locale: str
) -> list[FormField]:
    values = values if isinstance(values, dict) else {}
    required = set(schema.get("required", []))
    row = [
        _field(f"{prefix}.{name}", prop, name in required, values.get(name), errors, locale)
        for name, prop in schema.get("properties", {}).items()
    ]
    for cell in row:
        cell.enforce = False
    return row


def fields(
    schema: Schema, values: Mapping[str, Any], errors: Problems, locale: str
) -> list[FormField]:
    """The inputs of ``schema`` filled with ``values`` and each field's error."""
    required = set(schema.get("required", []))
    return [
        _field(name, prop, name in required, values.get(name), errors, locale)
        for name, prop in schema.get("properties", {}).items()
    ]


_MISSING = object()


def _typed(prop: Schema, raw: Any) -> Any:
    """One posted string as the schema's type; blank is missing, bad numbers stay text."""
    if prop.get("type") == "boolean":
        return True if raw in ("on", "true", "1") else _MISSING
    if not isinstance(raw, str) or not raw.strip():
        return _MISSING
    raw = raw.strip()
    for value in prop.get("enum", []):
        if str(value) == raw:
            return value
    if prop.get("type") in ("integer", "number"):
        return _number(raw)
    return raw


def _number(raw: str) -> Any:
    """Digits typed in any width as a JSON number (``forms.service.number_of``); what is no
    finite number a client can read back exactly stays text, kept as typed, for the check
    to name."""
    number = formcheck.number_of(raw)
    return raw if number is None else number


def _object(prefix: str, schema: Schema, form: FormData) -> dict[str, Any]:
    row = {}
    for name, prop in schema.get("properties", {}).items():
        value = _typed(prop, form.get(f"{prefix}.{name}"))
        if value is not _MISSING:
            row[name] = value
    return row


def _value(name: str, prop: Schema, form: FormData) -> Any:
    widget = _widget(prop)
    if widget == "rows":
        count = form.get(f"{name}.rows")
        total = min(int(count), MAX_ROWS) if isinstance(count, str) and count.isdigit() else 0
        rows = [_object(f"{name}.{i}", prop["items"], form) for i in range(total)]
        return [row for row in rows if row] or _MISSING
    if widget == "checkboxes":
        chosen = [_typed(prop["items"], raw) for raw in form.getlist(name)]
        return [value for value in chosen if value is not _MISSING] or _MISSING
    if widget == "lines":
        raw = form.get(name)
        lines = (
            [line.strip() for line in raw.splitlines() if line.strip()]
            if isinstance(raw, str)
            else []
        )
        return lines or _MISSING
    if widget == "checkbox":
        return form.get(name) in ("on", "true", "1")
    return _typed(prop, form.get(name))


def parse(schema: Schema, form: FormData) -> dict[str, Any]:
    """Typed form data from posted strings; empty inputs are left out."""
    data: dict[str, Any] = {}
    for name, prop in schema.get("properties", {}).items():
        value = _value(name, prop, form)
        if value is not _MISSING:
            data[name] = value
    return data


def problems_of(error: DomainError, locale: str) -> Problems:
    """Messages by field from a domain error (``DomainError.messages_by_field``)."""
    return error.messages_by_field(locale)


def general(problems: Problems, known: Sequence[str]) -> list[str]:
    """Messages that belong to no input on the page, shown above the form."""
    return [message for name, message in problems.items() if name not in known]
