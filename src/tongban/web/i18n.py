"""Page translations from Babel message catalogs.

Page text is written in Chinese (the default language) and translated through
``locale/<lang>/LC_MESSAGES/messages.po``; catalogs are read once at start-up, so no
compile step is needed.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from babel.messages.catalog import Message
from babel.messages.pofile import read_po
from fastapi import Request
from markupsafe import Markup, escape

LOCALES = ("zh_Hans", "en")
LANG_COOKIE = "tongban_lang"
CARE_COOKIE = "tongban_care"  # "1": the elderly-friendly mode (适老化 关怀模式) is on


KIOSK_COOKIE = "tongban_kiosk"  # the hall code of a self-service terminal (kiosk mode)


def kiosk_of(request: Request) -> str | None:
    """The hall whose self-service terminal this browser is, or None (not a kiosk)."""
    hall = request.cookies.get(KIOSK_COOKIE, "")
    return hall if hall and len(hall) <= 20 and hall.replace("-", "").isalnum() else None


def care_of(request: Request) -> bool:
    """Whether the browser chose the elderly-friendly mode: larger type, higher contrast,
    bigger touch targets (GB/T 37668-2019; 工信部《互联网网站适老化通用设计规范》)."""
    return request.cookies.get(CARE_COOKIE) == "1" or kiosk_of(request) is not None


@cache
def _messages(locale: str) -> list[Message]:
    if locale == "zh_Hans":
        return []
    path = resources.files("tongban").joinpath(f"locale/{locale}/LC_MESSAGES/messages.po")
    with path.open("rb") as handle:
        return [m for m in read_po(handle) if m.id and m.string and not m.fuzzy]


@cache
def catalog(locale: str) -> dict[str, str]:
    """msgid → translation for one locale (empty for the source language)."""
    return {m.id: str(m.string) for m in _messages(locale) if isinstance(m.id, str)}


@cache
def plurals(locale: str) -> dict[str, tuple[str, ...]]:
    """msgid → the translation's forms (singular, plural) of the messages that count."""
    found = {}
    for m in _messages(locale):
        if isinstance(m.id, tuple) and isinstance(m.string, tuple | list) and all(m.string):
            found[m.id[0]] = tuple(m.string)
    return found


def gettext_for(locale: str):  # type: ignore[no-untyped-def]
    table = catalog(locale)

    def gettext(message: str, **params: object) -> str:
        """The translation of ``message`` with ``params`` put in. A param that is already
        HTML (a macro's output in a page) makes the result HTML, with the text and the
        other params escaped once: put into plain text, it was escaped a second time
        ("Senior citizen&#39;s card" on the English pages)."""
        text = table.get(message, message)
        if any(isinstance(value, Markup) for value in params.values()):
            return Markup(escape(text)) % params
        return text % params if params else text

    return gettext


def ngettext_for(locale: str):  # type: ignore[no-untyped-def]
    """``_n(message, n, **params)``: a message that counts ``n`` things (``%(num)s``, or
    a placeholder of ``params``). Chinese has one form; the English catalog holds the
    message with ``msgid_plural`` and two forms, the first for exactly 1 ("1 item"),
    the other for every other number ("0 items", "1.5 working days")."""
    table = plurals(locale)

    def ngettext(message: str, n: float, /, **params: object) -> str:
        forms = table.get(message)
        text = message if forms is None else forms[0] if n == 1 else forms[-1]
        return text % {"num": n, **params}

    return ngettext


def locale_of(request: Request, default: str) -> str:
    """The user's language: ?lang=, then the cookie, then Accept-Language, then default."""
    for candidate in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if candidate in LOCALES:
            return candidate
    accept = request.headers.get("accept-language", "")
    if accept[:2].lower() == "en":
        return "en"
    return default
