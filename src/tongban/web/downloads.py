"""File downloads with a name people recognise: ``Content-Disposition`` with the real
(Chinese) name in RFC 5987 ``filename*`` and an ASCII ``filename`` for old clients.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal
from urllib.parse import quote

from fastapi.responses import Response

_NOT_PLAIN = re.compile(r"[^A-Za-z0-9_.]+")  # runs of what an old client may mangle
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|]+')  # controls, quotes, path separators


def safe_name(name: str) -> str:
    """``name`` without path parts, control characters or characters files may not hold."""
    cleaned = _UNSAFE.sub("_", unicodedata.normalize("NFC", name)).strip(" ._")
    return cleaned or "file"


def disposition(name: str, *, kind: Literal["inline", "attachment"] = "attachment") -> str:
    """The header value for a file called ``name``."""
    name = safe_name(name)
    stem, dot, extension = name.rpartition(".") if "." in name else (name, "", "")
    ascii_stem = _NOT_PLAIN.sub("-", stem).strip("-._") or "file"
    ascii_name = ascii_stem + dot + _NOT_PLAIN.sub("", extension)
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def file_response(
    data: bytes,
    *,
    name: str,
    media_type: str,
    kind: Literal["inline", "attachment"] = "attachment",
) -> Response:
    """The bytes of a stored file, named; never sniffed into another type by the browser."""
    headers = {
        "Content-Disposition": disposition(name, kind=kind),
        "X-Content-Type-Options": "nosniff",
    }
    return Response(data, media_type=media_type, headers=headers)
