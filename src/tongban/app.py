"""The ASGI application: the composition root that gathers every domain's API (under
/api/v1) and pages (at the root), with the worker alongside."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import Response

from tongban import __version__
from tongban.accounts.admin_views import router as admin_views
from tongban.accounts.api import router as accounts_api
from tongban.accounts.deps import SESSION_COOKIE, read_viewer
from tongban.accounts.service import account_of_token
from tongban.accounts.views import router as accounts_views
from tongban.assistant import service as assistant
from tongban.assistant.api import router as assistant_api
from tongban.assistant.views import router as assistant_views
from tongban.benefits.api import router as benefits_api
from tongban.benefits.views import router as benefits_views
from tongban.cases.http.material_api import router as material_api
from tongban.cases.http.preview_views import router as preview_views
from tongban.cases.http.titles import case_title
from tongban.catalog import service as catalog
from tongban.catalog.admin_views import router as catalog_admin_views
from tongban.catalog.api import router as catalog_api
from tongban.catalog.views import router as catalog_views
from tongban.complaints.api import router as complaints_api
from tongban.complaints.views import router as complaints_views
from tongban.documents.official import configure as configure_documents
from tongban.experts.admin_views import router as expert_register_views
from tongban.experts.api import router as experts_api
from tongban.experts.views import router as expert_views
from tongban.holidays.api import router as holidays_api
from tongban.inspection.api import router as inspection_api
from tongban.inspection.views import router as inspection_views
from tongban.instant.api import router as instant_api
from tongban.instant.views import router as instant_views
from tongban.integration.api import router as integration_api
from tongban.lenient.api import router as lenient_api
from tongban.lenient.views import router as lenient_views
from tongban.licences.api import router as licences_api
from tongban.licences.names import licence_name
from tongban.licences.setup import configure as configure_licences
from tongban.licences.views import router as licences_views
from tongban.messaging.api import router as messaging_api
from tongban.messaging.views import router as messaging_views
from tongban.models import load_all
from tongban.notices.api import router as notices_api
from tongban.notices.views import router as notices_views
from tongban.notifications.api import router as notifications_api
from tongban.notifications.views import router as notifications_views
from tongban.online.agency_views import api_router as agency_api
from tongban.online.agency_views import router as agency_views
from tongban.online.api import router as cases_api
from tongban.online.document_api import router as document_api
from tongban.online.document_views import router as document_views
from tongban.online.draft_views import router as draft_views
from tongban.online.material_views import router as material_views
from tongban.online.progress_views import api_router as progress_api
from tongban.online.progress_views import router as progress_views
from tongban.online.submit_views import router as submit_views
from tongban.online.views import router as case_views
from tongban.payments.api import router as payments_api
from tongban.payments.views import router as payments_views
from tongban.publication.api import router as publication_api
from tongban.publication.views import router as publication_views
from tongban.queueing.api import router as queueing_api
from tongban.queueing.terminal_views import router as queueing_terminal_views
from tongban.queueing.views import router as queueing_views
from tongban.ratings.api import router as ratings_api
from tongban.ratings.card import rating_stage, rating_tag
from tongban.ratings.link_views import router as rating_link_views
from tongban.ratings.pad_views import router as rating_pad_views
from tongban.ratings.views import router as ratings_views
from tongban.risk.views import router as risk_api
from tongban.sharing.api import router as sharing_api
from tongban.sharing.source_views import router as sharing_source_views
from tongban.sharing.views import router as sharing_views
from tongban.supervision.api import router as supervision_api
from tongban.supervision.gauges import GAUGES
from tongban.supervision.reform_views import router as reform_views
from tongban.supervision.views import router as supervision_views
from tongban.verification.api import router as verification_api
from tongban.verification.views import router as verification_views
from tongban.web import errors, metrics
from tongban.web.assets import STATIC, VersionedStatic, favicon
from tongban.web.headers import SecurityHeaders
from tongban.web.idempotency import IdempotencyKeys
from tongban.web.jsonbody import StrictJSONBodies
from tongban.web.language import KeepLanguage
from tongban.web.limits import BodyLimit
from tongban.web.runtime import Runtime
from tongban.web.storable import refuse_unstorable_text
from tongban.web.templating import environment, render
from tongban.window.api import router as window_api
from tongban.window.views import router as window_views
from tongban.workbench.api import router as staff_api
from tongban.workbench.staffing import router as staffing_views
from tongban.workbench.views import router as workbench_views
from tongban.workdays.api import router as calendar_api
from tongban.worker import EmbeddedWorker

API_PREFIX = "/api/v1"
API_ROUTERS = (
    accounts_api,
    assistant_api,
    catalog_api,
    cases_api,
    material_api,
    staff_api,
    window_api,  # /window/taken-in: a clerk's cases taken in
    verification_api,
    supervision_api,
    ratings_api,
    licences_api,
    calendar_api,
    holidays_api,
    sharing_api,
    notifications_api,
    benefits_api,
    progress_api,
    queueing_api,
    lenient_api,
    instant_api,
    risk_api,
    integration_api,
    agency_api,
    payments_api,
    messaging_api,
    complaints_api,
    publication_api,
    inspection_api,
    experts_api,
    notices_api,
    document_api,
)
STORABLE = [Depends(refuse_unstorable_text)]  # no query, path or form field holds NUL
PAGE_ROUTERS = (
    instant_views,  # /admin/catalog/{code}/rules, before the catalog admin's own routes
    catalog_views,
    accounts_views,
    admin_views,
    case_views,
    agency_views,
    material_views,
    draft_views,
    submit_views,
    window_views,
    workbench_views,
    staffing_views,
    ratings_views,
    rating_link_views,  # /rate/<token>: the signed link of an SMS or e-mail
    rating_pad_views,  # /staff/pad: the window's rating pad
    verification_views,
    expert_views,
    expert_register_views,
    licences_views,
    reform_views,  # /supervision/reform and /supervision/cockpit
    supervision_views,
    sharing_views,
    sharing_source_views,
    benefits_views,
    preview_views,
    catalog_admin_views,
    notifications_views,
    progress_views,
    document_views,
    queueing_views,
    queueing_terminal_views,
    lenient_views,
    payments_views,
    messaging_views,
    inspection_views,
    complaints_views,
    publication_views,
    notices_views,
    assistant_views,
)


def create_app(runtime: Runtime, *, start_worker: bool | None = None) -> FastAPI:
    """Build the app around a runtime (database, file store, clock)."""
    load_all()  # every domain's tables, so relationships by name resolve
    configure_licences(runtime.settings)  # keys, and the signing self-test: no start if it fails
    configure_documents(runtime.settings)  # where decisions' and notices' QR codes point
    run_worker = runtime.settings.embedded_worker if start_worker is None else start_worker

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if runtime.settings.assistant_prepare_at_start:
            # each reads the catalog here, then loads and builds in background threads:
            # neither start-up nor readiness waits for the dictionaries
            assistant.prepare(runtime.sessions)
            app.state.search_prepared = catalog.prepare_search(runtime.sessions)  # a thread
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
        docs_url=None,  # FastAPI's page loads Swagger UI from a CDN: ``api_docs`` serves it
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    app.state.read_viewer = read_viewer  # a page's header, where its route read no sign-in
    environment().globals["case_title"] = case_title  # cases by name, in the page's language
    environment().globals["licence_name"] = licence_name  # e-licences alike
    environment().globals["rating_stage"] = rating_stage  # 收件, 受理, 办结 in the page's language
    environment().globals["rating_tag"] = rating_tag  # 办理时间长 … in the page's language
    for router in API_ROUTERS:
        app.include_router(
            router, prefix=API_PREFIX, responses=errors.API_ERRORS, dependencies=STORABLE
        )
    for router in PAGE_ROUTERS:
        app.include_router(router, include_in_schema=False, dependencies=STORABLE)
    app.add_api_route("/favicon.ico", favicon, include_in_schema=False)
    app.add_api_route(f"{API_PREFIX}/docs", api_docs, include_in_schema=False)
    app.mount("/static", VersionedStatic(directory=str(STATIC)), name="static")
    errors.install(app)
    app.add_middleware(  # sees plain bodies
        IdempotencyKeys, session_cookie=SESSION_COOKIE, account_of=account_of_token
    )
    app.add_middleware(StrictJSONBodies)  # NaN and infinities never reach a route
    app.add_middleware(BodyLimit)  # a body past its limit is read no further
    app.add_middleware(KeepLanguage)  # a form posted from a ?lang= page answers in it
    # pages and the vendored scripts shrink to a fifth on slow mobile networks
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    app.add_middleware(SecurityHeaders, session_cookie=SESSION_COOKIE)
    metrics.install(app, gauges=GAUGES)  # outermost: times the whole answer
    return app


def api_docs(request: Request) -> Response:
    """The API documentation (Swagger UI), its scripts served from this site."""
    return render(request, "api_docs.html", {"openapi_url": f"{API_PREFIX}/openapi.json"})
