"""Pages of the service hall (办事大厅): search, the catalog, and each guide (办事指南)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from tongban.accounts.deps import OptionalUser
from tongban.catalog import service
from tongban.catalog.enums import EntryKind
from tongban.catalog.models import CatalogEntry, Department
from tongban.errors import NotFound
from tongban.web.deps import SessionDep
from tongban.web.templating import render, render_page_or_fragment

router = APIRouter()


def departments(session: Session) -> dict[str, Department]:
    """Departments by code, for showing names next to codes."""
    return {dept.code: dept for dept in service.list_departments(session)}


def _by_department(entries: Sequence[CatalogEntry]) -> dict[str, list[CatalogEntry]]:
    groups: dict[str, list[CatalogEntry]] = defaultdict(list)
    for entry in entries:
        groups[entry.department_code].append(entry)
    return dict(sorted(groups.items()))


@router.get("/")
def home(request: Request, session: SessionDep, user: OptionalUser, q: str = "") -> Response:
    """The service hall: search box, bundles (一件事) and items by department.

    htmx, searching as the person types, gets only the results.
    """
    query = q.strip()
    context = {
        "q": query,
        "results": service.search(session, query=query) if query else None,
        "departments": departments(session),
    }
    return render_page_or_fragment(
        request,
        "catalog/home.html",
        "catalog/_search_results.html",
        context,
        lambda: {
            "bundles": service.list_entries(session, kind=EntryKind.bundle),
            "groups": _by_department(service.list_entries(session, kind=EntryKind.item)),
        },
    )


def _guide(request: Request, session: Session, code: str, kind: EntryKind) -> Response:
    entry = service.get_entry(session, code=code)
    if entry.kind != kind:
        raise NotFound(f"没有找到“{code}”。", f"No {kind} '{code}'.")
    assert entry.current_version is not None
    context = {
        "entry": entry,
        "version": entry.current_version,
        "spec": entry.current_version.definition,
        "departments": departments(session),
        "sources": service.list_sources(session),  # shared data sources, by their names
    }
    return render(request, "catalog/guide.html", context)


@router.get("/items/{code}")
def item_guide(code: str, request: Request, session: SessionDep, user: OptionalUser) -> Response:
    """The guide of one service item, from its current version."""
    return _guide(request, session, code, EntryKind.item)


@router.get("/bundles/{code}")
def bundle_guide(code: str, request: Request, session: SessionDep, user: OptionalUser) -> Response:
    """The guide of a bundle (一件事) with every item it covers."""
    return _guide(request, session, code, EntryKind.bundle)
