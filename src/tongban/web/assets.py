"""Static files with far-future caching: page links carry a hash of the file's content, so a
returning visitor on a slow link loads scripts and styles from the cache without asking again,
and a changed file gets a new URL.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources

from fastapi.staticfiles import StaticFiles
from starlette.responses import Response
from starlette.types import Scope

STATIC = resources.files("tongban").joinpath("static")
FOREVER = "public, max-age=31536000, immutable"


@cache
def static_url(path: str) -> str:
    """``/static/<path>?v=<content hash>``; the hash is read once per process."""
    digest = hashlib.sha256(STATIC.joinpath(path).read_bytes()).hexdigest()[:12]
    return f"/static/{path}?v={digest}"


FAVICON = "favicon.svg"


def favicon() -> Response:
    """``/favicon.ico``, which browsers ask for whatever the page links: the site's icon
    (SVG, which every current browser takes there too), kept for a day."""
    return Response(
        STATIC.joinpath(FAVICON).read_bytes(),
        media_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=86400"},
    )


class VersionedStatic(StaticFiles):
    """Serves ``/static``; a request for a versioned URL may be cached for a year."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200 and b"v=" in scope.get("query_string", b""):
            response.headers["Cache-Control"] = FOREVER
        return response
