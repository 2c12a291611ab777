"""The operators' page of the data-source registry (``/ops/sources``): what
``tongban sharing sources [--probe]`` shows on the command line, for the system
administrator: each source, its owner, how it is reached, its state, and its last
successful and last failed lookup."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from tongban.accounts.deps import require_roles
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.sharing import service as sharing
from tongban.web.deps import NowDep, SessionDep
from tongban.web.templating import render

router = APIRouter()
Operator = Annotated[User, Depends(require_roles(Role.system_admin))]


@router.get("/ops/sources")
def sources_page(
    request: Request,
    session: SessionDep,
    user: Operator,
    now: NowDep,
    probe: Annotated[bool, Query()] = False,
) -> Response:
    """Every shared source with its state; ``probe`` asks each department service now."""
    del user
    states = sharing.source_states(session, now=now, probe=probe)
    return render(request, "sharing/sources.html", {"sources": states, "probed": probe})
