"""Department and item names by code, in the page's language, for figures and exports."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tongban.catalog import service as catalog


def names(session: Session, locale: str) -> tuple[dict[str, str], dict[str, str]]:
    """Department and item (or bundle) names by code, in the page's language."""
    english = locale == "en"
    departments = {
        d.code: (d.name_en if english and d.name_en else d.name)
        for d in catalog.list_departments(session)
    }
    items = {}
    for entry in catalog.list_all_entries(session):
        definition = entry.current_version.definition if entry.current_version else {}
        name_en = definition.get("name_en")
        items[entry.code] = name_en if english and name_en else entry.name
    return departments, items
