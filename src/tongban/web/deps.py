"""Typed dependencies shared by the API and the pages: one database session per
request (committed once, before the response leaves), the signed-in user and role checks.
"""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from tongban.accounts import service as accounts
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.db import reading_session, writer_turn
from tongban.errors import NotAllowed, NotSignedIn
from tongban.files.store import FileStore
from tongban.timeutil import utcnow
from tongban.web.runtime import Runtime
from tongban.web.templating import csrf_token

SESSION_COOKIE = "tongban_session"


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
    (see ``tongban.db``).
    """
    reading = request.method in READING_METHODS
    with nullcontext() if reading else writer_turn(runtime.engine):
        session = reading_session(runtime.sessions) if reading else runtime.sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()


SessionDep = Annotated[Session, Depends(get_db, scope="function")]


def get_now(runtime: RuntimeDep) -> datetime:
    return runtime.clock() if runtime.clock else utcnow()


NowDep = Annotated[datetime, Depends(get_now)]


def get_store(runtime: RuntimeDep) -> FileStore:
    return runtime.store


StoreDep = Annotated[FileStore, Depends(get_store)]


def token_of(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.cookies.get(SESSION_COOKIE)


@dataclass(frozen=True)
class Viewer:
    """What pages show of the signed-in user; a plain copy that outlives the request's
    database session (error pages are drawn after it was rolled back and closed)."""

    id: int
    display_name: str
    is_staff: bool
    is_supervisor: bool
    is_catalog_admin: bool


def get_optional_user(request: Request, session: SessionDep) -> User | None:
    token = token_of(request)
    user = accounts.user_for_token(session, token=token) if token else None
    request.state.user = (
        Viewer(
            user.id,
            user.display_name,
            user.is_staff,
            user.has_role(Role.supervisor, Role.system_admin),
            user.has_role(Role.catalog_admin),
        )
        if user
        else None
    )
    return user


OptionalUser = Annotated[User | None, Depends(get_optional_user)]


def get_current_user(user: OptionalUser) -> User:
    if user is None:
        raise NotSignedIn("请先登录。", "Please sign in first.")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def get_current_staff(user: CurrentUser) -> User:
    if not user.is_staff:
        raise NotAllowed("此功能仅供工作人员使用。", "Staff only.")
    return user


CurrentStaff = Annotated[User, Depends(get_current_staff)]


def get_current_applicant(user: CurrentUser) -> User:
    if not user.has_role(Role.applicant):
        raise NotAllowed("此功能仅供申请人使用。", "Applicants only.")
    return user


CurrentApplicant = Annotated[User, Depends(get_current_applicant)]


def require_roles(*roles: Role) -> Callable[[User], User]:
    """A dependency that lets through only users holding one of ``roles``."""

    def check(user: CurrentUser) -> User:
        if not user.has_role(*roles):
            names = "、".join(roles)
            raise NotAllowed(f"需要以下角色之一：{names}。", f"Needs one of the roles: {names}.")
        return user

    return check


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
