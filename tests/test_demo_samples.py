"""The demo's generated form answers read as a real applicant's: every free-text field of
the catalog's forms (a name, a place, a scope of business) has its own sample, so no case,
licence or published result of the demo shows filler text as a person's or company's name."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tongban.catalog import service as catalog
from tongban.demo.samples import TEXTS, fill_form


def _free_text(properties: dict[str, Any]) -> set[str]:
    """The string fields the generator fills from no pattern, format, choice or address."""
    found = set()
    for name, spec in properties.items():
        kind = spec.get("type", "string")
        if kind == "object":
            found |= _free_text(spec.get("properties", {}))
        elif kind == "array" and spec.get("items", {}).get("type") == "object":
            found |= _free_text(spec["items"].get("properties", {}))
        elif kind == "string" and not {"enum", "const", "pattern", "format"} & set(spec):
            found.add(name)
    return {
        n
        for n in found
        if "address" not in n and not n.endswith(("id_number", "credit_code", "phone", "email"))
    }


def test_every_free_text_field_of_the_catalog_has_a_real_looking_sample(db: Session) -> None:
    missing: dict[str, set[str]] = {}
    for entry in catalog.list_entries(db):
        assert entry.current_version is not None
        form = entry.current_version.definition["form"]
        filled = fill_form(form)
        fields = _free_text(form["properties"])
        if fields - set(TEXTS):
            missing[entry.code] = fields - set(TEXTS)
        for name in fields & set(filled):
            assert filled[name].startswith(TEXTS[name]), (entry.code, name)
    assert not missing, f"add a sample to demo.samples.TEXTS for: {missing}"
    assert TEXTS["enterprise_name"].endswith("有限公司") and len(TEXTS["legal_rep_name"]) == 3
