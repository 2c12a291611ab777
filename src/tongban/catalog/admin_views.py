"""Catalog administration pages (事项管理): list, view, edit as new versions, publish and
withdraw items and bundles. The preview of an item's form is drawn by the cases pages
(``cases/http/preview_views.py``), which own the application form.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from tongban.accounts.deps import CatalogAdmin
from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.catalog import service, table_trials
from tongban.catalog.enums import EntryStatus
from tongban.catalog.views import departments
from tongban.catalog.yamlsource import Problem
from tongban.errors import InvalidInput
from tongban.web.deps import CheckedForm, NowDep, SessionDep, see_other
from tongban.web.templating import render

router = APIRouter(prefix="/admin/catalog")


@router.get("")
def entries_page(request: Request, session: SessionDep, user: CatalogAdmin) -> Response:
    """Every item and bundle, published or withdrawn."""
    context = {"entries": service.list_all_entries(session), "departments": departments(session)}
    return render(request, "catalog/admin_list.html", context)


def _elsewhere_page(
    request: Request, text: str, errors: list[dict[str, Any]], status_code: int = 200
) -> Response:
    context = {
        "text": text,
        "errors": errors,
        "notice": request.query_params.get("notice", ""),
    }
    return render(request, "catalog/admin_elsewhere.html", context, status_code=status_code)


@router.get("/elsewhere")
def elsewhere_page(request: Request, session: SessionDep, user: CatalogAdmin) -> Response:
    """The matters this portal does not handle, and who does, as YAML in a text box."""
    return _elsewhere_page(request, service.elsewhere_text(session), [])


@router.post("/elsewhere")
def edit_elsewhere(
    request: Request, session: SessionDep, user: CatalogAdmin, now: NowDep, form: CheckedForm
) -> Response:
    """Check the posted list like the loader; store it as a new version or show every
    problem, the text kept."""
    raw = form.get("text")
    text = raw if isinstance(raw, str) else ""
    try:
        saved = service.save_elsewhere_text(session, text=text, actor=actor_of(user), now=now)
    except InvalidInput as error:
        return _elsewhere_page(request, text, error.details, status_code=422)
    return see_other(f"/admin/catalog/elsewhere?notice={'saved' if saved else 'unchanged'}")


def _warnings(session: Session, code: str, text: str) -> list[Problem]:
    return [p for p in service.check_entry_text(session, code=code, text=text)[1] if p.warning]


@router.get("/{code}")
def entry_page(code: str, request: Request, session: SessionDep, user: CatalogAdmin) -> Response:
    """One entry: its current version, every version, and what can be done with it."""
    entry = service.get_any_entry(session, code=code)
    context = {
        "entry": entry,
        "spec": entry.current_version.definition if entry.current_version else {},
        "versions": service.versions(session, code=code),
        "departments": departments(session),
        "warnings": _warnings(session, code, service.entry_text(session, code=code)),
        "notice": request.query_params.get("notice", ""),
    }
    return render(request, "catalog/admin_entry.html", context)


def _edit_page(
    request: Request,
    session: Session,
    code: str,
    text: str,
    errors: list[dict[str, Any]],
    **trial: Any,
) -> Response:
    context = {
        "entry": service.get_any_entry(session, code=code),
        "text": text,
        "errors": errors,
        "warnings": _warnings(session, code, text),
        "trial": None,
        "trial_days": table_trials.DAYS,
        **trial,
    }
    status_code = 422 if errors else 200
    return render(request, "catalog/admin_edit.html", context, status_code=status_code)


@router.get("/{code}/edit")
def edit_page(code: str, request: Request, session: SessionDep, user: CatalogAdmin) -> Response:
    """The YAML of the item or bundle in a text box."""
    return _edit_page(request, session, code, service.entry_text(session, code=code), [])


@router.post("/{code}/edit")
def edit(
    code: str,
    request: Request,
    session: SessionDep,
    user: CatalogAdmin,
    now: NowDep,
    form: CheckedForm,
) -> Response:
    """Check the posted YAML like the loader; store it as a new version or show every
    problem. A changed decision table is first dry-run over the item's recent cases and
    saved only when posted again with the fingerprint of the table tried."""
    raw = form.get("text")
    text = raw if isinstance(raw, str) else ""
    table = table_trials.changed_table(session, code=code, text=text)
    if table is not None and form.get("tried") != table_trials.fingerprint(table):
        trial = table_trials.try_table(session, code=code, table=table, now=now)
        if trial is not None:
            tried = table_trials.fingerprint(table)
            return _edit_page(request, session, code, text, [], trial=trial, tried=tried)
    try:
        result = service.save_entry_text(
            session, code=code, text=text, actor=actor_of(user), now=now
        )
    except InvalidInput as error:
        if not error.details:
            raise
        return _edit_page(request, session, code, text, error.details)
    notice = "saved" if result.saved else "unchanged"
    return see_other(f"/admin/catalog/{code}?notice={notice}")


def _set_status(session: Session, user: User, code: str, status: EntryStatus, now: Any) -> None:
    service.set_status(session, code=code, status=status, actor=actor_of(user), now=now)


@router.post("/{code}/publish")
def publish(
    code: str, session: SessionDep, user: CatalogAdmin, now: NowDep, form: CheckedForm
) -> Response:
    """Show the entry in search and let applicants apply again."""
    _set_status(session, user, code, EntryStatus.published, now)
    return see_other(f"/admin/catalog/{code}?notice=published")


@router.post("/{code}/withdraw")
def withdraw(
    code: str, session: SessionDep, user: CatalogAdmin, now: NowDep, form: CheckedForm
) -> Response:
    """Hide the entry from search and applying; running cases go on."""
    _set_status(session, user, code, EntryStatus.withdrawn, now)
    return see_other(f"/admin/catalog/{code}?notice=withdrawn")
