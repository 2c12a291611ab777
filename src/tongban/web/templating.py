"""Jinja2 rendering with the user's language, the signed-in user and a CSRF token."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, pass_context, select_autoescape
from jinja2.runtime import Context

from tongban.money import format_money
from tongban.web.assets import static_url
from tongban.web.i18n import gettext_for, locale_of


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("tongban", "templates"),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
    )
    env.filters["localtime"] = _localtime
    env.filters["money"] = _money
    env.globals["static"] = static_url
    return env


def _localtime(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    return value.astimezone(ZoneInfo("Asia/Shanghai")).strftime(fmt)


@pass_context
def _money(context: Context, value: object) -> str:
    """A fee or any amount in yuan, written for the page's language (``tongban.money``)."""
    return format_money(value, str(context.get("locale", "zh_Hans")))


ANONYMOUS_COOKIE = "tongban_anon"


def _csrf_seed(request: Request) -> str:
    """The sign-in cookie, or for visitors not signed in a random cookie of their own."""
    seed = request.cookies.get("tongban_session") or request.cookies.get(ANONYMOUS_COOKIE)
    if seed is None:
        seed = getattr(request.state, "anonymous_seed", None) or secrets.token_urlsafe(16)
        request.state.anonymous_seed = seed
    return seed


def csrf_token(request: Request) -> str:
    """Bound to this browser's cookie, so a forged form from another site cannot carry it."""
    secret = request.app.state.runtime.settings.secret_key.encode()
    return hmac.new(secret, _csrf_seed(request).encode(), hashlib.sha256).hexdigest()[:32]


def render(
    request: Request, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    settings = request.app.state.runtime.settings
    locale = locale_of(request, settings.default_locale)
    gettext = gettext_for(locale)
    page = environment().get_template(template)
    html = page.render(
        {
            "request": request,
            "user": getattr(request.state, "user", None),
            "locale": locale,
            "_": gettext,
            "gettext": gettext,
            "csrf_token": csrf_token(request),
            **context,
        }
    )
    response = HTMLResponse(html, status_code=status_code)
    seed = getattr(request.state, "anonymous_seed", None)
    if seed is not None:
        response.set_cookie(ANONYMOUS_COOKIE, seed, httponly=True, samesite="lax")
    return response


def wants_fragment(request: Request) -> bool:
    """htmx asks for the part of a page it swaps; restoring its history wants the page."""
    asked = request.headers.get("hx-request") == "true"
    return asked and request.headers.get("hx-history-restore-request") != "true"


def render_page_or_fragment(
    request: Request,
    page: str,
    fragment: str,
    context: dict[str, Any],
    page_context: Callable[[], dict[str, Any]] = dict,
) -> HTMLResponse:
    """``page`` (which includes ``fragment``), or for htmx only ``fragment``.

    ``page_context`` is what only the whole page shows, computed only when it is drawn.
    ``Vary`` keeps a browser from showing a cached fragment when the URL is opened as a page.
    """
    if wants_fragment(request):
        response = render(request, fragment, context)
    else:
        response = render(request, page, {**context, **page_context()})
    response.headers["Vary"] = "HX-Request"
    return response
