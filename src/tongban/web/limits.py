"""Request body limits (OWASP ASVS 4.0 §12.1.1, §13.1.3): a body past its limit is refused
with 413 and a message saying what to do, before any route reads it.

- uploads (``multipart/form-data``): ``TONGBAN_MAX_UPLOAD_MB`` plus room for the form's
  other fields;
- everything else (JSON, urlencoded forms): ``TONGBAN_MAX_BODY_KB``.

The declared ``Content-Length`` is checked first; a body sent without one (chunked) is
counted as it arrives.

A page whose upload form also carries typed text (a 协查 answer, a message, an opinion)
registers its route with :func:`keeps_typed`: an upload past the limit then reaches the
route with its text fields (those sent before the file, as browsers send them in the
form's order) and without its files, the refusal raised by :func:`check_upload`, so the route
answers with its page again and what was typed (``refusals.page_again``); a form with many
file inputs (the application form) names each file left out beside its input instead
(:func:`left_out`).
"""

from __future__ import annotations

import re

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tongban.web.errors import TooLarge, respond

FORM_ROOM = 1024 * 1024  # bytes beside the file in an upload form
REFUSED = "refused_upload"  # where a route finds the refusal (``request.state``)
LEFT_OUT = "left_out_files"  # and the files left out, input name → file name
KEEPS_TYPED: list[re.Pattern[str]] = []


def keeps_typed(path: str) -> None:
    """Let the upload form posted to the route ``path`` (``/staff/verifications/{id}/answer``)
    reach it with its text fields when its file is past the limit (see the module)."""
    KEEPS_TYPED.append(re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$"))


def read_bounded(file: UploadFile, *, max_bytes: int) -> bytes:
    """The bytes of an uploaded file, at most one past ``max_bytes`` (the upload limit in
    bytes): enough for ``files.service.check_upload`` to refuse a larger file naming the
    limit, without holding the whole of it."""
    return file.file.read(max_bytes + 1)


async def read_upload(file: UploadFile, *, max_bytes: int) -> bytes:
    """:func:`read_bounded` for an ``async`` route, off the event loop."""
    return await run_in_threadpool(read_bounded, file, max_bytes=max_bytes)


def check_upload(request: Request) -> None:
    """Raise the refusal (``TooLarge``) of a file left out of this request for its size,
    if one was: the route's page shows it with what was typed."""
    found: TooLarge | None = getattr(request.state, REFUSED, None)
    if found is not None:
        raise found


def left_out(request: Request) -> dict[str, str]:
    """The files left out of this request for their size, by the name of their input
    (``m_ID_CARD`` → ``scan.pdf``); empty when none was."""
    found: dict[str, str] = getattr(request.state, LEFT_OUT, {})
    return found


class _TooLarge(Exception):
    pass


def _limit(scope: Scope) -> tuple[int, bool]:
    """The limit in bytes for this request, and whether it is an upload."""
    settings = scope["app"].state.runtime.settings
    for name, value in scope.get("headers", []):
        if name == b"content-type" and value.startswith(b"multipart/form-data"):
            return settings.max_upload_mb * 1024 * 1024 + FORM_ROOM, True
    return settings.max_body_kb * 1024, False


def _upload_too_large(scope: Scope) -> TooLarge:
    size = scope["app"].state.runtime.settings.max_upload_mb
    return TooLarge(
        f"上传的文件过大：每个材料文件不超过 {size} MB，请压缩或分页扫描后重新上传。",
        f"The file is too large: each material may be at most {size} MB; "
        "compress it or scan fewer pages.",
    )


def _refusal(scope: Scope, limit: int, upload: bool) -> Response:
    if upload:
        error = _upload_too_large(scope)
    else:
        error = TooLarge(
            f"提交的内容过大（超过 {limit // 1024} KB），请精简后重试；材料请用“上传材料”提交。",
            f"The request is too large (over {limit // 1024} KB); shorten it. "
            "Send materials by uploading them.",
        )
    return respond(Request(scope), error)


def _text_parts(prefix: bytes, boundary: bytes) -> tuple[list[bytes], dict[str, str]]:
    """The complete parts of a multipart body's ``prefix``, and the file the prefix cuts
    off (its input name → its file name), if it is one."""
    pieces = prefix.split(b"--" + boundary)
    kept = []
    for piece in pieces[1:-1]:
        head, _, content = piece.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        kept.append(head + b"\r\n\r\n" + content)
    cut = dict(re.findall(rb'\b(name|filename)="([^"]*)"', pieces[-1].split(b"\r\n\r\n")[0]))
    if b"filename" not in cut:  # the closing "--", or a text field
        return kept, {}
    return kept, {cut.get(b"name", b"").decode(errors="replace"): cut[b"filename"].decode()}


async def _without_files(scope: Scope, receive: Receive) -> tuple[Scope, Receive]:
    """The request with only the complete fields of its body's first ``FORM_ROOM`` bytes
    (those before the file past the limit), the refusal and that file's name in
    ``request.state``; the rest of the body is not read."""
    content_type = dict(scope["headers"]).get(b"content-type", b"")
    found = re.search(rb'boundary="?([^";]+)"?', content_type)
    boundary = found.group(1) if found else b""
    prefix = b""
    more = True
    while more and len(prefix) < FORM_ROOM:
        message = await receive()
        prefix += message.get("body", b"")
        more = message.get("more_body", False)
    parts, dropped = _text_parts(prefix[:FORM_ROOM], boundary) if boundary else ([], {})
    body = b"".join(b"--" + boundary + b"\r\n" + part for part in parts)
    body += b"--" + boundary + b"--\r\n"
    headers = [(k, v) for k, v in scope["headers"] if k != b"content-length"]
    headers.append((b"content-length", str(len(body)).encode()))
    state = {**scope.get("state", {}), REFUSED: _upload_too_large(scope), LEFT_OUT: dropped}
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return {**scope, "headers": headers, "state": state}, replay


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
            if upload and any(p.match(scope["path"]) for p in KEEPS_TYPED):
                await self.app(*await _without_files(scope, receive), send)
                return
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
