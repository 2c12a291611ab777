"""Pages of the security administrator (``/security``: sessions, locked accounts, second
factors, roles) and of the audit administrator (``/audit``: search, chain check, export).
Forms post normally (POST → redirect → GET); every change is audited by the service."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from pydantic import BeforeValidator

from tongban.accounts import admin, throttle
from tongban.accounts.deps import require_roles, source_of
from tongban.accounts.enums import STAFF_ROLES, Role
from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.audit import search
from tongban.audit import service as audit
from tongban.audit.verify import verify_chain
from tongban.web.deps import CheckedForm, NowDep, RuntimeDep, SessionDep, see_other
from tongban.web.templating import render

router = APIRouter()
SecurityAdmin = Annotated[User, Depends(require_roles(Role.security_admin))]
AuditAdmin = Annotated[User, Depends(require_roles(Role.audit_admin))]
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]
LOCAL = ZoneInfo("Asia/Shanghai")
EXPORTED = "audit.exported"


@router.get("/security")
def security_page(
    request: Request, session: SessionDep, user: SecurityAdmin, runtime: RuntimeDep, now: NowDep
) -> Response:
    """Live sessions, locked accounts, second factors and staff roles."""
    del user
    context = {
        "sessions": admin.live_sessions(session, now=now),
        "locked": admin.locked_accounts(
            session, now=now, limits=throttle.Limits.of(runtime.settings)
        ),
        "factors": admin.second_factors(session),
        "roles": sorted(STAFF_ROLES),
    }
    return render(request, "accounts/security.html", context)


@router.post("/security/sessions/{session_id}/revoke")
def revoke(
    request: Request,
    session_id: RowId,
    session: SessionDep,
    user: SecurityAdmin,
    now: NowDep,
    form: CheckedForm,
) -> Response:
    """End one sign-in session."""
    del form
    admin.revoke_session(
        session, session_id=session_id, actor=user, now=now, source=source_of(request)
    )
    return see_other("/security?done=session_revoked")


@router.post("/security/unlock")
def unlock(
    request: Request, session: SessionDep, user: SecurityAdmin, now: NowDep, form: CheckedForm
) -> Response:
    """Lift the lock of one username."""
    username = str(form.get("username") or "").strip()
    admin.unlock(session, username=username, actor=user, now=now, source=source_of(request))
    return see_other("/security?done=account_unlocked")


@router.post("/security/users/{user_id}/roles")
def roles(
    request: Request,
    user_id: RowId,
    session: SessionDep,
    user: SecurityAdmin,
    now: NowDep,
    form: CheckedForm,
) -> Response:
    """Give a staff account the ticked roles (三员分立 checked)."""
    wanted = {Role(value) for value in form.getlist("roles") if value in set(STAFF_ROLES)}
    admin.change_roles(
        session, user_id=user_id, roles=wanted, actor=user, now=now, source=source_of(request)
    )
    return see_other("/security?done=roles_changed")


def _filters(
    action: str, actor: str, object_id: str, since: date | None, until: date | None
) -> search.Filters:
    """The form's filters; dates are days in Beijing time, ``until`` included."""

    def start(day: date) -> datetime:
        return datetime.combine(day, time(), LOCAL)

    return search.Filters(
        action=action.strip()[:60],
        actor=actor.strip()[:120],
        object_id=object_id.strip()[:60],
        since=start(since) if since else None,
        until=start(until) + timedelta(days=1) if until else None,
    )


Text = Annotated[str, Query(max_length=120)]
Day = Annotated[
    date | None, BeforeValidator(lambda value: value or None), Query()
]  # the page's form sends an empty date field as ""


@router.get("/audit")
def audit_page(
    request: Request,
    session: SessionDep,
    user: AuditAdmin,
    action: Text = "",
    actor: Text = "",
    object_id: Text = "",
    since: Day = None,
    until: Day = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    verify: bool = False,
) -> Response:
    """The audit log with filters and pages; the chain checked on request."""
    del user
    filters = _filters(action, actor, object_id, since, until)
    rows, total = search.search(session, filters=filters, page=page)
    context = {
        "rows": rows,
        "total": total,
        "page": page,
        "pages": max(1, -(-total // search.PER_PAGE)),
        "query": {
            "action": action,
            "actor": actor,
            "object_id": object_id,
            "since": since or "",
            "until": until or "",
        },
        "report": verify_chain(session) if verify else None,
    }
    return render(request, "accounts/audit.html", context)


@router.post("/audit/export")
def export(
    request: Request, session: SessionDep, user: AuditAdmin, now: NowDep, form: CheckedForm
) -> Response:
    """The matching entries as CSV (UTF-8 with BOM, for spreadsheet programs); the export
    itself is audited with its filters and size."""

    def field(name: str) -> str:
        return str(form.get(name) or "")

    def day(name: str) -> date | None:
        try:
            return date.fromisoformat(field(name)) if field(name) else None
        except ValueError:
            return None

    filters = _filters(
        field("action"), field("actor"), field("object_id"), day("since"), day("until")
    )
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(
        [
            "seq",
            "at_utc",
            "action",
            "actor",
            "object_type",
            "object_id",
            "from_state",
            "to_state",
            "opinion",
            "source_address",
            "data",
            "hash",
        ]
    )
    count = 0
    for entry in search.every_match(session, filters=filters):
        writer.writerow(
            [
                entry.seq,
                entry.at.isoformat(),
                entry.action,
                entry.actor_name,
                entry.object_type,
                entry.object_id,
                entry.from_state or "",
                entry.to_state or "",
                entry.opinion or "",
                entry.source_address or "",
                json.dumps(entry.data, ensure_ascii=False),
                entry.hash or "",
            ]
        )
        count += 1
    audit.record(
        session,
        at=now,
        action=EXPORTED,
        actor=actor_of(user),
        object_type="audit",
        object_id="export",
        source_address=source_of(request),
        data={
            "filters": {k: field(k) for k in ("action", "actor", "object_id", "since", "until")},
            "entries": count,
        },
    )
    headers = {"Content-Disposition": 'attachment; filename="audit.csv"'}
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)
