"""What a page calls a case: its title (the item's or bundle's name when it was applied
for) in the page's language."""

from __future__ import annotations

from jinja2 import pass_context
from jinja2.runtime import Context
from sqlalchemy.orm import object_session

from tongban.cases.models import Case
from tongban.catalog import reading as catalog


def title_en(case: Case) -> str | None:
    """``case``'s title in English: the English name (``name_en``) of the catalog version
    the case was opened with, None where it has none; a version never changes, so this
    reads no row once it is cached per process."""
    session = object_session(case)
    if session is None:
        return None
    spec = catalog.get_version(session, version_id=case.catalog_version_id).definition
    return str(spec["name_en"]) if spec.get("name_en") else None


def title_in(case: Case, locale: str | None) -> str:
    """``case``'s title in ``locale``: in English (``en``) :func:`title_en`, else (or
    when it has none) ``case.title``."""
    english = title_en(case) if locale == "en" else None
    return english or case.title


@pass_context
def case_title(context: Context, case: Case) -> str:
    """``case_title(case)``: the case's title in the page's language (:func:`title_in`)."""
    return title_in(case, context.get("locale"))
