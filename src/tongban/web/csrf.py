"""CSRF tokens bound to the browser, not to the sign-in.

Every browser gets a random cookie (``tongban_browser``); a page's token is an HMAC of it,
so a form from another site cannot carry it. The cookie outlives sign-ins: when a
session ends and the same person signs in again, the pages still open in that browser
keep working, and what was typed into them can still be saved.

Signing in stamps the cookie with the user's id (HMAC-signed). It is replaced by a new
one whenever someone signs in whose id is not the stamp — the first sign-in of an
anonymous browser, or another person at a shared computer — and when signing out, so a
token seen before (by someone who used this browser earlier) never works in another
person's session. This is the usual "rotate the token at sign-in", skipped only for the
same person signing in again.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request, Response

BROWSER_COOKIE = "tongban_browser"
BROWSER_DAYS = 30


def _mac(request: Request, purpose: str, value: str, length: int) -> str:
    secret = request.app.state.runtime.settings.secret_key.encode()
    message = f"{purpose}:{value}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:length]


def _stamped(request: Request, user_id: int) -> str:
    value = f"{secrets.token_urlsafe(16)}.{user_id}"
    return f"{value}.{_mac(request, 'browser', value, 16)}"


def stamp_of(request: Request, cookie: str | None) -> int | None:
    """The user id a browser cookie was stamped with, if its signature holds."""
    parts = (cookie or "").split(".")
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    value = f"{parts[0]}.{parts[1]}"
    signed = hmac.compare_digest(parts[2], _mac(request, "browser", value, 16))
    return int(parts[1]) if signed else None


def browser_id(request: Request) -> str:
    """This browser's cookie; a new one (stamped with the viewer, if signed in) when it has none.

    A new value is set on the response by ``remember_browser``.
    """
    cookie = getattr(request.state, "new_browser", None) or request.cookies.get(BROWSER_COOKIE)
    if cookie is None:
        viewer = getattr(request.state, "user", None)
        cookie = _stamped(request, viewer.id) if viewer else secrets.token_urlsafe(16)
        request.state.new_browser = cookie
    return cookie


def csrf_token(request: Request) -> str:
    """The token every form of this browser carries."""
    return _mac(request, "csrf", browser_id(request), 32)


def token_is_valid(request: Request, sent: object) -> bool:
    """True when ``sent`` is this browser's token (pages from an earlier sign-in included)."""
    cookie = request.cookies.get(BROWSER_COOKIE)
    if cookie is None or not isinstance(sent, str):
        return False
    return hmac.compare_digest(sent, _mac(request, "csrf", cookie, 32))


def signed_in_as(request: Request, user_id: int) -> bool:
    """Keep the browser cookie for the same person signing in again (True), else replace it."""
    if stamp_of(request, request.cookies.get(BROWSER_COOKIE)) == user_id:
        return True
    request.state.new_browser = _stamped(request, user_id)
    return False


def signed_out(request: Request) -> None:
    """The next person at this browser starts with a cookie nobody has seen."""
    request.state.new_browser = secrets.token_urlsafe(16)


def remember_browser(request: Request, response: Response) -> None:
    """Set the browser cookie on ``response`` if this request made a new one."""
    cookie = getattr(request.state, "new_browser", None)
    if cookie is None:
        return
    settings = request.app.state.runtime.settings
    response.set_cookie(
        BROWSER_COOKIE,
        cookie,
        max_age=BROWSER_DAYS * 24 * 3600,
        httponly=True,
        samesite="lax",
        secure=settings.environment == "production",
    )
