"""Request body limits (OWASP ASVS 4.0 §12.1.1, §13.1.3): a body past its limit is refused
with 413 and a message saying what to do, before any route reads it.

- uploads (``multipart/form-data``): ``TONGBAN_MAX_UPLOAD_MB`` plus room for the form's
  other fields;
- everything else (JSON, urlencoded forms): ``TONGBAN_MAX_BODY_KB``.

The declared ``Content-Length`` is checked first; a body sent without one (chunked) is
counted as it arrives.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tongban.web.errors import TooLarge, respond

FORM_ROOM = 1024 * 1024  # bytes beside the file in an upload form


class _TooLarge(Exception):
    pass


def _limit(scope: Scope) -> tuple[int, bool]:
    """The limit in bytes for this request, and whether it is an upload."""
    settings = scope["app"].state.runtime.settings
    for name, value in scope.get("headers", []):
        if name == b"content-type" and value.startswith(b"multipart/form-data"):
            return settings.max_upload_mb * 1024 * 1024 + FORM_ROOM, True
    return settings.max_body_kb * 1024, False


def _refusal(scope: Scope, limit: int, upload: bool) -> Response:
    if upload:
        size = scope["app"].state.runtime.settings.max_upload_mb
        error = TooLarge(
            f"上传的文件过大：每个材料文件不超过 {size} MB，请压缩或分页扫描后重新上传。",
            f"The file is too large: each material may be at most {size} MB; "
            "compress it or scan fewer pages.",
        )
    else:
        error = TooLarge(
            f"提交的内容过大（超过 {limit // 1024} KB），请精简后重试；材料请用“上传材料”提交。",
            f"The request is too large (over {limit // 1024} KB); shorten it. "
            "Send materials by uploading them.",
        )
    return respond(Request(scope), error)


class BodyLimit:
    """Pure ASGI middleware enforcing the limits above."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, upload = _limit(scope)
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _refusal(scope, limit, upload)(scope, receive, send)
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge
            return message

        async def noting(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, noting)
        except _TooLarge:
            if started:
                raise
            await _refusal(scope, limit, upload)(scope, receive, send)
