"""Jinja2 rendering with the user's language, the signed-in user and a CSRF token."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from tongban.web.i18n import gettext_for, locale_of


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("tongban", "templates"),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
    )
    env.filters["localtime"] = _localtime
    return env


def _localtime(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    return value.astimezone(ZoneInfo("Asia/Shanghai")).strftime(fmt)


def csrf_token(request: Request) -> str:
    """Bound to the sign-in cookie, so a forged form from another site cannot carry it."""
    secret = request.app.state.runtime.settings.secret_key.encode()
    session = request.cookies.get("tongban_session", "anonymous")
    return hmac.new(secret, session.encode(), hashlib.sha256).hexdigest()[:32]


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
    return HTMLResponse(html, status_code=status_code)
