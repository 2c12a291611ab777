"""The catalog administrator's preview of an item's or bundle's application form, drawn
exactly as applicants will see it, from the entry's current version (published or not).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from tongban.accounts.deps import CatalogAdmin
from tongban.cases.http import caseform
from tongban.catalog import service as catalog
from tongban.web.deps import SessionDep
from tongban.web.i18n import locale_of
from tongban.web.templating import render

router = APIRouter()


@router.get("/admin/catalog/{code}/preview")
def preview_page(code: str, request: Request, session: SessionDep, user: CatalogAdmin) -> Response:
    """The form an applicant will see, from the current version."""
    entry = catalog.get_any_entry(session, code=code)
    assert entry.current_version is not None
    locale = locale_of(request, request.app.state.runtime.settings.default_locale)
    context = caseform.context(entry.current_version.definition, {}, {}, [], None, locale)
    context.update(entry=entry)
    return render(request, "catalog/admin_preview.html", context)
