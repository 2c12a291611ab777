"""Strict JSON request bodies for the API.

Python's ``json`` (which Starlette and FastAPI parse bodies with) reads ``NaN``,
``Infinity`` and ``-Infinity`` and turns ``1e400`` into an infinity; none of them is
JSON, and none can be stored. Nor can a string holding NUL (``\u0000``) or a lone
surrogate (``\ud800``) be stored (``web.storable``). This middleware reads every JSON
body sent to the API once, strictly, and answers 422 naming each such value's place
before any route runs. A body that is not JSON at all passes on, for FastAPI to report
as it always has.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import Any

from fastapi.responses import JSONResponse
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tongban.errors import InvalidInput
from tongban.web.i18n import locale_of
from tongban.web.storable import UNSTORABLE, printable, unstorable_error


class _Refused:
    """Stands where the body held a value JSON cannot carry."""

    def __init__(self, text: str) -> None:
        self.text = text


def _float(text: str) -> float | _Refused:
    value = float(text)
    return value if math.isfinite(value) else _Refused(text)


def _int(text: str) -> int | _Refused:
    try:
        return int(text)
    except ValueError:  # beyond Python's digit limit for int(): no form needs it
        return _Refused(text[:20] + "…")


def _refused(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    """(place, what is wrong) of each value that cannot be stored: "number" or "text"."""
    if isinstance(value, _Refused):
        yield path, "number"
    elif isinstance(value, str) and UNSTORABLE.search(value):
        yield path, "text"
    elif isinstance(value, dict):
        for key, inner in value.items():
            if UNSTORABLE.search(key):
                yield path, "text"
            else:
                yield from _refused(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _refused(inner, (*path, str(index)))


def _problem(path: tuple[str, ...], what: str) -> dict[str, str]:
    field = ".".join(path)
    if what == "text":
        error = unstorable_error(printable(field))
        return {"field": field, "message_zh": error.message_zh, "message_en": error.message_en}
    return {
        "field": field,
        "message_zh": f"字段“{field}”应为有限的数字（不能是 NaN、Infinity 或超出范围的数）",
        "message_en": f"Field '{field}' must be a finite number (not NaN, Infinity or "
        "a number out of range)",
    }


MAX_DEPTH = 64  # no form or API body nests deeper; Python's parser fails near 1,000
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_BRACKET = re.compile(rb"[\[\]{}]")


def _depth(body: bytes) -> int:
    """How deeply ``body``'s arrays and objects nest (brackets inside strings not counted)."""
    depth = deepest = 0
    for bracket in _BRACKET.finditer(_STRING.sub(b"", body)):
        depth += 1 if bracket.group() in (b"[", b"{") else -1
        deepest = max(deepest, depth)
    return deepest


def problems(body: bytes) -> list[dict[str, str]]:
    """Where ``body`` holds NaN, an infinity, an unreadably long number or unstorable
    text, or nests deeper than ``MAX_DEPTH`` (which would exhaust the parser's stack:
    a server error); [] otherwise."""
    if _depth(body) > MAX_DEPTH:
        return [
            {
                "field": "",
                "message_zh": f"提交的内容嵌套层数过多（JSON 最多 {MAX_DEPTH} 层），请减少嵌套后重试。",
                "message_en": f"The request is nested too deeply (JSON of at most {MAX_DEPTH} "
                "levels); nest it less.",
            }
        ]
    try:
        parsed = json.loads(body, parse_constant=_Refused, parse_float=_float, parse_int=_int)
    except ValueError:
        return []  # not JSON: FastAPI says so in its own words
    return [_problem(path, what) for path, what in _refused(parsed)]


def _is_json(scope: Scope) -> bool:
    headers: dict[bytes, bytes] = dict(scope.get("headers") or [])
    kind = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
    return kind == b"application/json" or kind.endswith(b"+json")


class StrictJSONBodies:
    """ASGI middleware: API requests with a JSON body are parsed strictly first."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        wanted = scope["type"] == "http" and str(scope.get("path", "")).startswith("/api/")
        if not wanted or not _is_json(scope):
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request" or not message.get("more_body"):
                break
        found = problems(b"".join(m.get("body", b"") for m in messages))
        if found:
            await _refuse(scope, found)(scope, receive, send)
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)


def _refuse(scope: Scope, details: list[dict[str, str]]) -> JSONResponse:
    error = InvalidInput(details[0]["message_zh"], details[0]["message_en"], details=details)
    request = Request(scope)
    runtime = getattr(request.app.state, "runtime", None)
    default = runtime.settings.default_locale if runtime is not None else "zh_Hans"
    body = {
        "error": {
            "code": error.code,
            "message": error.message(locale_of(request, default)),
            "field": details[0]["field"],
            "details": error.details,
        }
    }
    return JSONResponse(body, status_code=error.status)
