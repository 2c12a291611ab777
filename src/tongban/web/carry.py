"""A form posted after the sign-in ended is carried through the sign-in, not dropped.

The page's script is told in JSON (401 with where to sign in) and keeps what was typed
in the browser; an htmx form (a rating, a 协查 answer) gets the sign-in page in place of
the page. Without a script, the answer is the sign-in page with the posted
fields in hidden inputs; after signing in, a page with the same fields and one button
「继续保存」 posts them to where they were going. The values are re-posted rather than
stashed on the server: nothing personal is stored for an unauthenticated request (no
table to purge, no cleanup job, nothing shared between web processes), and the data
stays in the one browser that typed it. Files cannot be re-posted; the pages say so.

Only a post carrying this browser's CSRF token is carried, and only to the person whose
sign-in ended (``csrf.signed_in_as``): a forged post cannot plant values to be re-sent
after someone signs in.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode, urlsplit

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import FormData, UploadFile

from tongban.errors import DomainError, NotAllowed
from tongban.web.csrf import token_is_valid
from tongban.web.i18n import locale_of
from tongban.web.templating import render

CARRY, CARRY_TO = "carry", "carry_to"
NO_STORE = {"Cache-Control": "no-store"}


def from_script(request: Request) -> bool:
    """Sent by the page's script (fetch or XMLHttpRequest), which wants JSON back."""
    return request.headers.get("x-requested-with") == "XMLHttpRequest"


def same_site_path(target: str | None) -> str | None:
    """Only paths on this site, so a link cannot send people elsewhere after sign-in."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    return target


def _page_of(request: Request) -> str:
    """The page the post came from (its Referer on this site), else the post's own path."""
    referer = urlsplit(request.headers.get("referer", ""))
    same_host = referer.netloc == request.url.netloc
    path = referer.path + (f"?{referer.query}" if referer.query else "")
    return (same_host and same_site_path(path)) or request.url.path


def login_url(request: Request) -> str:
    return f"/login?{urlencode({'next': _page_of(request)})}"


def pairs(form: FormData) -> list[tuple[str, str]]:
    """The posted text fields, in order, without the old CSRF token."""
    return [
        (name, value)
        for name, value in form.multi_items()
        if isinstance(value, str) and name != "csrf_token"
    ]


def carried(raw: object) -> list[tuple[str, str]]:
    """The pairs a sign-in form brought back (anything malformed is ignored)."""
    try:
        found = json.loads(raw) if isinstance(raw, str) and raw else []
    except ValueError:
        return []
    if not isinstance(found, list):
        return []
    return [
        (item[0], item[1])
        for item in found
        if isinstance(item, list) and len(item) == 2 and all(isinstance(part, str) for part in item)
    ]


async def sign_in_again(request: Request, error: DomainError) -> Response:
    """The answer to a page post whose sign-in has ended."""
    locale = locale_of(request, request.app.state.runtime.settings.default_locale)
    if from_script(request):
        body = {"code": error.code, "message": error.message(locale), "login": login_url(request)}
        return JSONResponse({"error": body}, status_code=error.status)
    form = await request.form()
    if not token_is_valid(request, form.get("csrf_token")):
        refused = NotAllowed(
            "页面已过期或来源不明，请刷新页面后重试。",
            "The form expired or came from elsewhere; reload the page and try again.",
            code="csrf",
        )
        context = {"error": refused, "message": refused.message(locale)}
        return render(request, "error.html", context, status_code=refused.status)
    files = any(isinstance(value, UploadFile) and value.filename for _, value in form.multi_items())
    context = {
        "next": _page_of(request),
        "username": "",
        "carry": json.dumps(pairs(form), ensure_ascii=False),
        "carry_to": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        "files_dropped": files,
    }
    if request.headers.get("hx-request") == "true":  # htmx swaps only 2xx: show the page whole
        response = render(request, "accounts/login.html", context)
        response.headers.update({"HX-Retarget": "body", "HX-Reswap": "innerHTML"})
    else:
        response = render(request, "accounts/login.html", context, status_code=error.status)
    response.headers.update(NO_STORE)
    return response
