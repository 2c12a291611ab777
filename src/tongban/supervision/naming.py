"""Department and item names by code, in the page's language, for figures and exports."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tongban.cases.enums import CHANNEL_NAMES_ZH
from tongban.catalog import service as catalog
from tongban.ratings.enums import RATING_CHANNEL_NAMES_ZH

# the channel table's and the export's channels: the cases' (办事渠道) and those only
# ratings come through (评价渠道: 短信, 电子邮件), each named once
CHANNEL_ROW_NAMES: dict[str, str] = {
    str(code): name for code, name in (*RATING_CHANNEL_NAMES_ZH.items(), *CHANNEL_NAMES_ZH.items())
}


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


def field_titles(session: Session, locale: str) -> dict[tuple[str, str], str]:
    """Each form field's title by (item code, field), in the page's language, from the
    items' current forms (a field the form no longer has keeps its code)."""
    english = locale == "en"
    titles = {}
    for entry in catalog.list_all_entries(session):
        definition = entry.current_version.definition if entry.current_version else {}
        for name, prop in (definition.get("form") or {}).get("properties", {}).items():
            title = prop.get("title_en") if english and prop.get("title_en") else prop.get("title")
            titles[(entry.code, name)] = str(title or name)
    return titles


def source_names(session: Session, locale: str) -> dict[str, str]:
    """Shared data sources' names by code, in the page's language."""
    english = locale == "en"
    return {
        code: str(source.get("name_en") if english and source.get("name_en") else source["name"])
        for code, source in catalog.list_sources(session).items()
    }
