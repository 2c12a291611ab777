"""Text that no database can store is refused where it arrives.

PostgreSQL's ``text`` cannot hold the NUL character (U+0000), and no database stores a
lone UTF-16 surrogate (U+D800–U+DFFF, which JSON's ``\\ud800`` escapes can produce).
Neither is anything a person types. A request carrying one in its query, its path, or a
form field is answered 422 naming the place, before any route reads it, on every
database alike; JSON bodies are checked by ``web.jsonbody``.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request

from tongban.errors import InvalidInput

UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
RAW_BODY = "x-raw-body"  # in a route's ``openapi_extra``: it reads the body's bytes itself


def printable(name: str) -> str:
    """``name`` with its unstorable characters written as escapes (``a\\x00b``)."""
    return UNSTORABLE.sub(lambda found: found.group().encode("unicode_escape").decode(), name)


def unstorable_error(field: str) -> InvalidInput:
    """The refusal of ``field`` (a parameter's, form field's or JSON member's name; "" for
    the whole of what was sent)."""
    zh, en = (f"字段“{field}”", f"Field '{field}'") if field else ("提交的内容", "The request")
    return InvalidInput(
        f"{zh}含有空字符（NUL）或无效的 Unicode 字符，无法保存，请删去后重新提交。",
        f"{en} holds a NUL character or invalid Unicode that cannot be stored; "
        "remove it and submit again.",
        field=field,
    )


def _first_unstorable(pairs: Iterable[tuple[str, object]]) -> str | None:
    for name, value in pairs:
        text = (value.filename or "") if isinstance(value, UploadFile) else value
        if UNSTORABLE.search(name) or (isinstance(text, str) and UNSTORABLE.search(text)):
            return printable(name)
    return None


async def refuse_unstorable_text(request: Request) -> AsyncIterator[None]:
    """FastAPI dependency of every router: raises ``InvalidInput`` (422) at the first
    query parameter, path parameter or form field (or upload's file name) holding
    unstorable text. A form it reads is the one the route reads later (Starlette keeps
    it), and is closed when the request is done. A route marked ``RAW_BODY`` (a provider's
    notification, signed over its bytes, may come as any form) declares no form fields,
    so its body is still unread here: it is kept for the route (``request.body()``).
    """
    found = _first_unstorable(request.query_params.multi_items())
    found = found or _first_unstorable(request.path_params.items())
    form: FormData | None = None
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if found is None and kind in _FORMS:
        route = request.scope.get("route")
        if (getattr(route, "openapi_extra", None) or {}).get(RAW_BODY):
            await request.body()  # kept by Starlette: the form is parsed from it
        form = await request.form()
        found = _first_unstorable(form.multi_items())
    try:
        if found is not None:
            raise unstorable_error(found)
        yield
    finally:
        if form is not None:
            await form.close()
