"""The operators' page of the halls' self-service terminals (自助终端, ``/ops/kiosk-terminals``):
every terminal with its state, registering one (its set-up address, with the token, is
shown once, on the answer to the registration), revoking one (it takes effect on the
terminal's next request). For the system administrator (系统管理员)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from tongban.accounts import service as accounts
from tongban.accounts.deps import require_roles
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.errors import DomainError
from tongban.queueing import service
from tongban.web.deps import CheckedForm, NowDep, RuntimeDep, SessionDep, see_other
from tongban.web.templating import render

router = APIRouter()
Operator = Annotated[User, Depends(require_roles(Role.system_admin))]
TerminalId = Annotated[int, Path(ge=1, le=2**31 - 1)]
PAGE = "/ops/kiosk-terminals"


def _page(
    request: Request, session: Session, extra: dict[str, Any], status_code: int = 200
) -> Response:
    halls = {hall["code"]: hall for hall in service.halls(session)}
    context = {"terminals": service.list_terminals(session), "halls": halls, **extra}
    return render(request, "queueing/terminals.html", context, status_code=status_code)


@router.get(PAGE)
def terminals_page(request: Request, session: SessionDep, user: Operator) -> Response:
    """Every registered terminal by hall, in use or revoked, and the form to register one."""
    del user
    return _page(request, session, {})


@router.post(PAGE)
def register(
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    user: Operator,
    now: NowDep,
    form: CheckedForm,
) -> Response:
    """Register a terminal; the answer (not a redirect: the token is kept nowhere) shows
    its set-up address once. A refused name comes back with what was typed."""
    typed = {name: str(form.get(name) or "").strip() for name in ("hall", "name")}
    try:
        terminal, token = service.register_terminal(
            session,
            hall_code=typed["hall"],
            name=typed["name"],
            now=now,
            actor=accounts.actor_of(user),
        )
    except DomainError as error:
        session.rollback()
        return _page(request, session, {"error": error, "typed": typed}, error.status)
    # the address the operator reached the platform at, unless the public one is set: the
    # listening address may be 0.0.0.0 or behind a proxy, which no terminal opens
    base = (runtime.settings.public_url or str(request.base_url)).rstrip("/")
    address = f"{base}/kiosk/{terminal.hall_code}?terminal={token}"
    return _page(request, session, {"registered": terminal, "address": address})


@router.post(PAGE + "/{terminal_id}/revoke")
def revoke(
    terminal_id: TerminalId, session: SessionDep, user: Operator, now: NowDep, form: CheckedForm
) -> Response:
    """Revoke a terminal: its tickets count per address again from its next request on."""
    del form
    service.revoke_terminal(
        session, terminal_id=terminal_id, now=now, actor=accounts.actor_of(user)
    )
    return see_other(f"{PAGE}?done=kiosk_terminal_revoked")
