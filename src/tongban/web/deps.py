"""Typed dependencies shared by the API and the pages: the runtime, one database session
per request (committed once, before the response leaves), the clock, the file store and
the CSRF check. The signed-in user and role checks are the accounts domain's
(``accounts.deps``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import nullcontext
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from tongban.db import UNIT_NOW, reading_session, writer_turn
from tongban.errors import DomainError, NotAllowed
from tongban.files.store import FileStore
from tongban.timeutil import utcnow
from tongban.web import idempotency
from tongban.web.csrf import token_is_valid
from tongban.web.runtime import Runtime


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_db(request: Request, runtime: RuntimeDep) -> Iterator[Session]:
    """The request's unit of work: committed if the handler returns, rolled back if it raises.

    It ends when the handler does, before the response is sent (``scope="function"``), so
    a client that got a 2xx can read what it wrote at once. GET, HEAD and OPTIONS only
    read: their session takes no write lock; other methods wait for their turn to write
    (see ``tongban.db``). A refusal that ``keeps_record`` commits what was written before it.
    """
    reading = request.method in READING_METHODS
    with nullcontext() if reading else writer_turn(runtime.engine):
        session = reading_session(runtime.sessions) if reading else runtime.sessions()
        session.info[UNIT_NOW] = get_now(runtime)
        try:
            yield session
            claim = getattr(request.state, idempotency.CLAIM, None)
            if claim is not None:  # the call's work and its key's mark commit together
                idempotency.mark_done(session, claim=claim)
            session.commit()
        except DomainError as error:
            session.commit() if error.keeps_record else session.rollback()
            raise
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


SessionDep = Annotated[Session, Depends(get_db, scope="function")]


def get_now(runtime: RuntimeDep) -> datetime:
    return runtime.clock() if runtime.clock else utcnow()


NowDep = Annotated[datetime, Depends(get_now)]

AgentFor = Annotated[int | None, Query(alias="for", ge=1, le=2**31 - 1)]
"""``?for=N``: the authorisation an agent applies under (代办), kept through the apply flow."""


def get_store(runtime: RuntimeDep) -> FileStore:
    return runtime.store


StoreDep = Annotated[FileStore, Depends(get_store)]


async def check_csrf(request: Request) -> AsyncIterator[FormData]:
    """Read the posted form; refuse it unless it carries this browser's CSRF token.

    The token belongs to the browser, not to the sign-in (``web.csrf``): a page opened
    before the same person signed in again still posts.

    The form's uploaded files are closed once the request is done.
    """
    form = await request.form()
    try:
        if not token_is_valid(request, form.get("csrf_token")):
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
