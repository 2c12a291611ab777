"""Typed dependencies shared by the API and the pages: the runtime, one database session
per request (committed once, at the end), the clock, the file store and the CSRF check.
The signed-in user and role checks are the accounts domain's (``accounts.deps``).
"""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from tongban.errors import NotAllowed
from tongban.files.store import FileStore
from tongban.timeutil import utcnow
from tongban.web.runtime import Runtime
from tongban.web.templating import csrf_token


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_db(runtime: RuntimeDep) -> Iterator[Session]:
    """The request's unit of work: committed if the handler returns, rolled back if it raises."""
    session = runtime.sessions()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(get_db)]


def get_now(runtime: RuntimeDep) -> datetime:
    return runtime.clock() if runtime.clock else utcnow()


NowDep = Annotated[datetime, Depends(get_now)]


def get_store(runtime: RuntimeDep) -> FileStore:
    return runtime.store


StoreDep = Annotated[FileStore, Depends(get_store)]


async def check_csrf(request: Request) -> AsyncIterator[FormData]:
    """Read the posted form; refuse it unless it carries this browser's CSRF token.

    The form's uploaded files are closed once the request is done.
    """
    form = await request.form()
    try:
        sent = form.get("csrf_token")
        if not isinstance(sent, str) or not hmac.compare_digest(sent, csrf_token(request)):
            raise NotAllowed(
                "页面已过期或来源不明，请刷新页面后重试。",
                "The form expired or came from elsewhere; reload the page and try again.",
                code="csrf",
            )
        yield form
    finally:
        await form.close()


CheckedForm = Annotated[FormData, Depends(check_csrf)]


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)
