"""The ASGI application: API under /api/v1, pages at the root, worker alongside."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware

from tongban import __version__
from tongban.accounts.api import router as accounts_api
from tongban.cases.api import router as cases_api
from tongban.cases.verification_api import router as verification_api
from tongban.catalog.api import router as catalog_api
from tongban.ratings.api import router as ratings_api
from tongban.web import errors, pages
from tongban.web.assets import STATIC, VersionedStatic
from tongban.web.jsonbody import StrictJSONBodies
from tongban.web.runtime import Runtime
from tongban.workdays.api import router as calendar_api
from tongban.worker import EmbeddedWorker

API_PREFIX = "/api/v1"


def create_app(runtime: Runtime, *, start_worker: bool | None = None) -> FastAPI:
    """Build the app around a runtime (database, file store, clock)."""
    run_worker = runtime.settings.embedded_worker if start_worker is None else start_worker

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        worker = EmbeddedWorker(runtime) if run_worker else None
        if worker:
            worker.start()
        yield
        if worker:
            worker.stop()

    app = FastAPI(
        title="Tongban 通办 API",
        version=__version__,
        description="Online administrative approval: catalog, cases, parallel review, time limits.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    for router in (
        accounts_api,
        catalog_api,
        cases_api,
        verification_api,
        ratings_api,
        calendar_api,
    ):
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(pages.router)
    app.mount("/static", VersionedStatic(directory=str(STATIC)), name="static")
    errors.install(app)
    app.add_middleware(StrictJSONBodies)  # NaN and infinities never reach a route
    # pages and the vendored scripts shrink to a fifth on slow mobile networks
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    return app
