"""Jinja2 rendering with the user's language, the signed-in user and a CSRF token."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup, escape

from tongban import timefmt
from tongban.audit.names import name_en
from tongban.config import get_settings
from tongban.money import format_money
from tongban.pii import service as pii
from tongban.web.assets import static_url
from tongban.web.csrf import csrf_token, remember_browser
from tongban.web.i18n import (
    LANG_COOKIE,
    LOCALES,
    care_of,
    gettext_for,
    kiosk_of,
    locale_of,
    ngettext_for,
)


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("tongban", "templates"),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
    )
    env.filters["localtime"] = _localtime
    env.filters["deadline"] = _deadline
    env.globals["duration"] = _duration
    env.filters["money"] = _money
    env.filters["copies"] = _copies
    env.filters["mask_id"] = pii.mask_id  # 脱敏: where the whole identifier is not needed
    env.filters["mask_contact"] = pii.mask_contact
    env.filters["link_paths"] = link_paths
    env.filters["actor"] = _actor
    env.globals["static"] = static_url
    env.globals["warning_percent"] = lambda: get_settings().warning_percent
    return env


_SITE_PATH = re.compile(
    r"(?<![\w/:.])/[A-Za-z0-9_\-/]*[A-Za-z0-9_\-](?:\?[\w=&%\-]+)?(?:#[\w\-]+)?"
)


def link_paths(text: str) -> Markup:
    """Plain text (a message's body) escaped, with the paths of this site in it
    (``/cases/…``, ``/my/licences``) made links."""
    parts, last = [], 0
    for match in _SITE_PATH.finditer(text):
        path = match.group(0)
        parts += [escape(text[last : match.start()]), Markup('<a href="%s">%s</a>') % (path, path)]
        last = match.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


@pass_context
def _actor(context: Context, name: str | None) -> str:
    """``name|actor``: who did something, the platform's own names in the page's language
    (``audit.names``), a person's name as written; "—" for nobody."""
    if not name:
        return "—"
    return (context.get("locale") == "en" and name_en(name)) or name


def _zone(context: Context) -> ZoneInfo:
    """The page's zone: the configured one, put in the context by ``render``."""
    tz = context.get("timezone")
    return tz if isinstance(tz, ZoneInfo) else timefmt.zone()


@pass_context
def _localtime(context: Context, value: datetime | None, fmt: str = timefmt.MOMENT) -> str:
    """``moment|localtime``: when something happened, in the configured zone."""
    return timefmt.moment(value, _zone(context), fmt)


@pass_context
def _money(context: Context, value: object) -> str:
    """A fee or any amount in yuan, written for the page's language (``tongban.money``)."""
    return format_money(value, str(context.get("locale", "zh_Hans")))


# A material's copies as the catalog writes them ("原件1份", "复印件2份"): a message counted.
_COPIES = re.compile(r"(原件|复印件)(\d+)份")
_COUNTED = {"原件": "原件%(num)s份", "复印件": "复印件%(num)s份"}  # msgids, singular = plural


def copies_in(value: str, locale: str) -> str:
    """A material's copies ("原件1份", "复印件2份", "原件核验", "电子文件") in ``locale``:
    a count of originals or photocopies, else the text's translation."""
    found = _COPIES.fullmatch(value)
    if found is None:
        return str(gettext_for(locale)(value))
    kind, number = found.groups()
    return str(ngettext_for(locale)(_COUNTED[kind], int(number)))


@pass_context
def _copies(context: Context, value: str) -> str:
    """``copies|copies``: :func:`copies_in` the page's language."""
    return copies_in(value, str(context.get("locale", "zh_Hans")))


@pass_context
def _deadline(context: Context, value: datetime | None) -> str:
    """``due_at|deadline``: every due time on every page (see ``tongban.timefmt``)."""
    return timefmt.deadline(value, _zone(context))


@pass_context
def _duration(context: Context, amount: float, unit: str) -> str:
    """``duration(amount, unit)``: time left or overdue, in the page's language."""
    return timefmt.duration(amount, unit, context["_n"])


def _viewer(request: Request) -> Any:
    """The signed-in person the header shows: as the route read them, else read now
    (``app.state.read_viewer``; None when nobody is signed in)."""
    if hasattr(request.state, "user"):
        return request.state.user
    read = getattr(request.app.state, "read_viewer", None)
    # Only a reading request: a POST's own unit of work may hold a data key (pii) that
    # another session cannot see until it commits.
    reading = request.method in ("GET", "HEAD")
    request.state.user = read(request) if read and reading else None
    return request.state.user


def _lang_field(request: Request) -> Markup:
    """A hidden ``lang`` input for the page's search and filter forms (GET), which replace
    the query: a page read with ``?lang=`` stays in that language (none without it)."""
    lang = request.query_params.get("lang")
    if lang not in LOCALES:
        return Markup("")
    return Markup('<input type="hidden" name="lang" value="%s">') % lang


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
            "user": _viewer(request),
            "locale": locale,
            "care": care_of(request),
            "kiosk": kiosk_of(request),
            "kiosk_idle_seconds": settings.kiosk_idle_seconds,
            "upload_limit_mb": settings.max_upload_mb,
            "lang_cookie": LANG_COOKIE,
            "lang_field": _lang_field(request),
            "_": gettext,
            "gettext": gettext,
            "_n": ngettext_for(locale),
            "csrf_token": csrf_token(request),
            "timezone": timefmt.zone(settings.timezone),
            **context,
        }
    )
    response = HTMLResponse(html, status_code=status_code)
    remember_browser(request, response)
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
