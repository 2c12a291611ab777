"""The catalog admin's page of an item's decision table (秒批规则): the table as a grid,
and the dry run of a candidate table against test cases or the item's recent cases."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import yaml
from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from tongban.accounts.deps import CatalogAdmin
from tongban.cases.core.machine import STATE_NAMES_ZH
from tongban.catalog import service as catalog
from tongban.errors import InvalidInput
from tongban.instant import dryrun
from tongban.rules import service as rules
from tongban.rules.describe import grid
from tongban.web.deps import CheckedForm, NowDep, SessionDep
from tongban.web.i18n import locale_of
from tongban.web.templating import render

router = APIRouter(prefix="/admin/catalog")
MAX_DAYS = 3650


def _context(
    request: Request, session: Session, item: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    table = item.get("decision")
    sources = catalog.list_sources(session)
    english = locale_of(request, request.app.state.runtime.settings.default_locale) == "en"

    def title(field: str) -> str:
        return rules.field_title(field, item["form"], sources, english=english)

    columns = [title(c["field"]) for c in (table or {"inputs": []})["inputs"]]
    text = yaml.safe_dump({"decision": table}, allow_unicode=True, sort_keys=False) if table else ""
    return {
        "item": item,
        "table": table,
        "columns": columns,
        "rows": grid(table, title=title, english=english) if table else [],
        "text": text,
        "cases_text": "",
        "days": 30,
        "trials": None,
        "errors": [],
        "state_names": STATE_NAMES_ZH,  # a past case's state, by name
        **extra,
    }


@router.get("/{code}/rules")
def rules_page(code: str, request: Request, session: SessionDep, user: CatalogAdmin) -> Response:
    """An item's decision table as a grid, with the dry-run form."""
    item = dryrun.published_item(session, code=code)
    return render(request, "instant/rules.html", _context(request, session, item))


def _days(raw: object) -> int:
    text = raw if isinstance(raw, str) else ""
    if not text.strip().isdigit() or not 1 <= int(text) <= MAX_DAYS:
        raise InvalidInput(
            f"天数须是 1 到 {MAX_DAYS} 之间的整数。",
            f"Days must be a whole number from 1 to {MAX_DAYS}.",
            field="days",
        )
    return int(text)


@router.post("/{code}/rules/dry-run")
def dry_run(
    code: str,
    request: Request,
    session: SessionDep,
    user: CatalogAdmin,
    now: NowDep,
    form: CheckedForm,
) -> Response:
    """Run the posted candidate table; show every case and which outcomes would change.
    Nothing is stored: the page shows the result of this request only."""
    item = dryrun.published_item(session, code=code)
    text = str(form.get("text") or "")
    cases_text = str(form.get("cases") or "")
    context = _context(request, session, item, text=text, cases_text=cases_text)
    try:
        table = dryrun.candidate_table(session, item=item, text=text)
        if form.get("source") == "file":
            trials = dryrun.run_file(session, item=item, table=table, text=cases_text, now=now)
        else:
            days = _days(form.get("days"))
            context["days"] = days
            since = now - timedelta(days=days)
            trials = dryrun.run_since(session, item=item, table=table, since=since, now=now)
    except InvalidInput as error:
        details = error.details or [
            {
                "field": error.field or "",
                "message_zh": error.message_zh,
                "message_en": error.message_en,
            }
        ]
        context["errors"] = details
        return render(request, "instant/rules.html", context, status_code=422)
    context["trials"] = trials
    context["changed"] = sum(t.changed for t in trials)
    context["unexpected"] = sum(t.unexpected for t in trials)
    return render(request, "instant/rules.html", context)
