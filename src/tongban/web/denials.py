"""Authorisation denials in the audit trail (等保 2.0 level 3, 8.1.4.3: 安全审计 of
security-relevant events): every 403 answer is written once, in a unit of work of its own
(the request's was rolled back), with who asked, what, and from where."""

from __future__ import annotations

from fastapi import Request

from tongban.audit import service as audit
from tongban.db import unit_of_work
from tongban.errors import NotAllowed
from tongban.timeutil import utcnow

DENIED = "access.denied"


def record_denial(request: Request, error: NotAllowed) -> None:
    """Audit one refused request (``access.denied``): the viewer if signed in, the method
    and path, the refusal's code and the network address."""
    runtime = request.app.state.runtime
    viewer = getattr(request.state, "user", None)
    actor = (
        audit.Actor(id=viewer.id, name=viewer.display_name)
        if viewer
        else audit.Actor(id=None, name="-")
    )
    path = request.url.path
    with unit_of_work(runtime.sessions) as session:
        audit.record(
            session,
            at=runtime.clock() if runtime.clock else utcnow(),
            action=DENIED,
            actor=actor,
            object_type="request",
            object_id=path[:60],
            data={"method": request.method, "path": path[:500], "code": error.code},
            source_address=request.client.host if request.client else None,
        )
