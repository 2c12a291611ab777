"""A page read with ``?lang=`` stays in that language through its forms.

A form posts to its ``action``, which carries no ``?lang=``, and the answer (a page, or a
redirect to one, POST → redirect → GET) came back in the default language. A post whose
own URL has no ``lang`` takes it from the page it was posted from (its ``Referer`` on this
site; ``Referrer-Policy: same-origin`` keeps it for this site), and a redirect from a
request read in a ``?lang=`` language carries it on to the page it names. A language kept
in the cookie (``/lang/<locale>``) needs none of this and is left alone.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tongban.web.i18n import LOCALES

READING = ("GET", "HEAD")


def _lang_in(query: str) -> str | None:
    found = dict(parse_qsl(query)).get("lang")
    return found if found in LOCALES else None


def _header(scope: Scope, name: bytes) -> str:
    return next((v.decode("latin-1") for k, v in scope["headers"] if k == name), "")


def _lang_of_referer(scope: Scope) -> str | None:
    """The ``lang`` of the page a post came from, if that page is on this site."""
    referer = urlsplit(_header(scope, b"referer"))
    return _lang_in(referer.query) if referer.netloc == _header(scope, b"host") else None


def _carried(location: str, lang: str) -> str:
    """``location`` with ``lang`` added, if it is a path on this site without one."""
    parts = urlsplit(location)
    if not location.startswith("/") or location.startswith("//") or _lang_in(parts.query):
        return location
    query = urlencode([*parse_qsl(parts.query, keep_blank_values=True), ("lang", lang)])
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    return f"{parts.path}?{query}{fragment}"


class KeepLanguage:
    """Pure ASGI middleware: a post takes its page's ``?lang=``; redirects carry it on."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = scope.get("query_string", b"").decode("latin-1")
        lang = _lang_in(query)
        if lang is None and scope["method"] not in READING:
            lang = _lang_of_referer(scope)
            if lang is not None:  # read as if posted to the page's own ?lang=
                joined = f"{query}&lang={lang}" if query else f"lang={lang}"
                scope = {**scope, "query_string": joined.encode("latin-1")}
        if lang is None:
            await self.app(scope, receive, send)
            return
        chosen = lang

        async def carrying(message: Message) -> None:
            if message["type"] == "http.response.start" and 300 <= message["status"] < 400:
                headers = MutableHeaders(scope=message)
                if "location" in headers:
                    headers["location"] = _carried(headers["location"], chosen)
            await send(message)

        await self.app(scope, receive, carrying)
