"""Who is asking: the signed-in user of a request (bearer token or session cookie) and the
role checks, as typed dependencies for the API and the pages of every domain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from tongban.accounts import service as accounts
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.errors import NotAllowed, NotSignedIn
from tongban.web.deps import SessionDep

SESSION_COOKIE = "tongban_session"


def token_of(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.cookies.get(SESSION_COOKIE)


def source_of(request: Request) -> str | None:
    """The network address a request came from (behind a reverse proxy: run uvicorn with
    ``--proxy-headers --forwarded-allow-ips`` so this is the client's, not the proxy's)."""
    return request.client.host if request.client else None


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


CatalogAdmin = Annotated[User, Depends(require_roles(Role.catalog_admin))]
