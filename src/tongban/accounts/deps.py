"""Who is asking: the signed-in user of a request (bearer token or session cookie) and the
role checks, as typed dependencies for the API and the pages of every domain.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from tongban.accounts import passwords, scopes
from tongban.accounts import service as accounts
from tongban.accounts.enums import ROLE_NAMES, Role
from tongban.accounts.models import User
from tongban.db import reading_session
from tongban.errors import NotAllowed, NotSignedIn, PasswordExpired
from tongban.outbox import service as outbox
from tongban.web.csrf import token_is_valid
from tongban.web.deps import READING_METHODS, NowDep, RuntimeDep, SessionDep
from tongban.web.errors import PASSWORD_PAGE

SESSION_COOKIE = "tongban_session"
CSRF_HEADER = "x-csrf-token"


def token_of(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.cookies.get(SESSION_COOKIE)


def source_of(request: Request) -> str | None:
    """The network address a request came from (behind a reverse proxy: run uvicorn with
    ``--proxy-headers --forwarded-allow-ips`` so this is the client's, not the proxy's)."""
    return request.client.host if request.client else None


ADMIN_PAGES: tuple[tuple[Role, tuple[str, str]], ...] = (
    (Role.system_admin, ("/ops/messages", "发送失败的消息")),
    (Role.system_admin, ("/ops/kiosk-terminals", "自助终端管理")),
    (Role.system_admin, ("/ops/sources", "共享数据源")),
    (Role.security_admin, ("/security", "安全管理")),
    (Role.audit_admin, ("/audit", "审计日志")),
    (Role.hotline_operator, ("/hotline", "12345 热线工作台")),
    (Role.expert, ("/experts/seats", "专家评审")),
    (Role.inspector, ("/inspections", "现场踏勘")),
)
PASSWORD_API = "/api/v1/me/password"
OPEN_WITH_EXPIRED_PASSWORD = frozenset({PASSWORD_PAGE, PASSWORD_API, "/api/v1/auth/logout"})
"""What a user whose password is past its age may still call (the sign-out page needs no
sign-in)."""
"""The page each administrator of 三员分立 (and the 12345 hotline operator) works on,
linked from the header."""


@dataclass(frozen=True)
class Viewer:
    """What pages show of the signed-in user; a plain copy that outlives the request's
    database session (error pages are drawn after it was rolled back and closed)."""

    id: int
    display_name: str
    is_staff: bool
    is_supervisor: bool
    is_catalog_admin: bool
    unread: int = 0  # in-app messages not read yet: the header's badge (pages only)
    admin_pages: tuple[tuple[str, str], ...] = ()  # (path, Chinese label) in the header


def _unchecked_cookie_write(request: Request) -> bool:
    """An API call that changes state, signed in only by the browser's session cookie and
    without this browser's CSRF token in ``X-CSRF-Token``.

    The cookie is sent on requests from sibling origins of the same site (SameSite=Lax), so
    it alone must not authorise a change (OWASP ASVS 4.0 §4.2.2); bearer tokens are not
    sent by browsers on their own.
    """
    return (
        request.url.path.startswith("/api/")
        and request.method not in READING_METHODS
        and not request.headers.get("authorization", "").lower().startswith("bearer ")
        and SESSION_COOKIE in request.cookies
        and not token_is_valid(request, request.headers.get(CSRF_HEADER))
    )


BEARER = HTTPBearer(
    auto_error=False,
    description="The access_token of POST /api/v1/auth/login (pages use the session cookie)",
)


def _refuse_expired_password(
    request: Request, runtime: RuntimeDep, now: NowDep, user: User
) -> None:
    """A person whose password is past its age (``passwords.expired``, the ``dengbao3``
    profile) may only change it or sign out: elsewhere ``PasswordExpired`` (403
    ``password_expired`` from the API, the way to the change page for pages)."""
    if request.url.path in OPEN_WITH_EXPIRED_PASSWORD:
        return
    if passwords.expired(user, settings=runtime.settings, now=now):
        raise PasswordExpired(
            "密码已超过有效期，请先修改密码再继续使用（页面：/account/password；"
            "接口：POST /api/v1/me/password）。",
            "The password has expired: change it before doing anything else (page: "
            "/account/password; API: POST /api/v1/me/password).",
        )


def _viewer(request: Request, session: Session, user: User | None) -> Viewer | None:
    """What pages show of ``user`` (its unread messages counted for pages only)."""
    if user is None:
        return None
    return Viewer(
        user.id,
        user.display_name,
        user.is_staff,
        user.has_role(Role.supervisor),
        user.has_role(Role.catalog_admin),
        0
        if request.url.path.startswith("/api/")
        else outbox.unread_count(session, user_id=user.id),
        tuple(page for role, page in ADMIN_PAGES if user.has_role(role)),
    )


def get_optional_user(
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    now: NowDep,
    _declared: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)] = None,
) -> User | None:
    """The signed-in user, if any (``_declared`` puts the bearer scheme in the OpenAPI
    document; the token is read by ``token_of``, which also takes the session cookie).
    Raises ``PasswordExpired`` for a person who must change the password first."""
    token = token_of(request)
    found = accounts.sign_in_for_token(session, token=token) if token else None
    user = found[0] if found else None
    if _unchecked_cookie_write(request):  # refused, audited under the cookie's owner
        request.state.user = _viewer(request, session, user)
        raise NotAllowed(
            "来源不明的请求：用浏览器登录状态调用接口修改数据时，须在 X-CSRF-Token 请求头中"
            "附上页面的令牌；程序调用请使用登录接口返回的令牌（Authorization: Bearer）。",
            "Request of unknown origin: an API call that changes data with the browser's "
            "session cookie must carry the page's token in the X-CSRF-Token header; programs "
            "should use the bearer token from the login API.",
            code="csrf",
        )
    if found and found[1].scopes is not None:  # a machine client: only what it was granted
        route = request.scope.get("route")
        template = getattr(route, "path", request.url.path)
        scopes.check(found[1].scopes, method=request.method, path_template=template)
    elif user is not None:
        _refuse_expired_password(request, runtime, now, user)
    request.state.user = _viewer(request, session, user)
    return user


def read_viewer(request: Request) -> Viewer | None:
    """Who a page's header shows when its route did not read the sign-in (a public page:
    公示, 核验, 办件查询, the kiosk …), so a signed-in person sees their own header, never
    登录/注册. Read in a session of its own that takes no write turn: a page POST may open
    its own unit of work (the sign-in does) and must never wait for a turn it holds."""
    token = token_of(request)
    if not token:
        return None
    session = reading_session(request.app.state.runtime.sessions)
    try:
        found = accounts.sign_in_for_token(session, token=token)
        return _viewer(request, session, found[0] if found else None)
    finally:
        session.close()


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
            names_zh = "、".join(ROLE_NAMES[role][0] for role in roles)
            names_en = ", ".join(ROLE_NAMES[role][1] for role in roles)
            raise NotAllowed(
                f"需要以下角色之一：{names_zh}；请用有该角色的账号登录。",
                f"Needs one of the roles: {names_en}; sign in with an account that has one.",
            )
        return user

    return check


CatalogAdmin = Annotated[User, Depends(require_roles(Role.catalog_admin))]
