"""Prometheus metrics (``GET /metrics``): request counts and latencies per route, and
gauges read from the database when scraped (overdue tasks, the audit chain's head …).

Only a scraper may read them: with ``TONGBAN_METRICS_TOKEN`` set, a request carrying it
as a bearer token; without, only requests from this machine (loopback). Anyone else gets
404, as if there were nothing here.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from ipaddress import ip_address

from fastapi import FastAPI, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tongban.db import reading_session
from tongban.errors import NotFound
from tongban.timeutil import utcnow

Gauge = tuple[str, str, Callable[[Session, datetime], float]]
"""A gauge read when scraped: name, help text, and its value from a reading session."""


class HttpMetrics:
    """Counts every HTTP request by method, route template and status, and times it."""

    def __init__(self, app: ASGIApp, registry: CollectorRegistry) -> None:
        self.app = app
        self.requests = Counter(
            "tongban_http_requests",
            "HTTP requests answered, by method, route template and status",
            ["method", "route", "status"],
            registry=registry,
        )
        self.seconds = Histogram(
            "tongban_http_request_seconds",
            "Time to answer an HTTP request, by method and route template",
            ["method", "route"],
            registry=registry,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500
        started = time.perf_counter()

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = route_template(scope)
            method = scope["method"]
            self.requests.labels(method, route, str(status)).inc()
            self.seconds.labels(method, route).observe(time.perf_counter() - started)


def route_template(scope: Scope) -> str:
    """The route's path with its parameters as names (``/api/v1/items/{code}``), so that
    labels stay few; ``other`` for what no route matched (static files, 404s)."""
    template: str | None = getattr(scope.get("route"), "path", None)
    if not template:
        return "other"
    # an included router's route knows only its own part: the prefix comes from the path
    segments, own = scope["path"].split("/"), template.split("/")
    prefix = "/".join(segments[: max(1, len(segments) - len(own) + 1)])
    return prefix + template if prefix else template


class DatabaseGauges(Collector):
    """Gauges computed from the database at each scrape, in one reading unit of work."""

    def __init__(self, app: FastAPI, gauges: list[Gauge]) -> None:
        self.app, self.gauges = app, gauges

    def collect(self) -> Iterator[GaugeMetricFamily]:
        runtime = self.app.state.runtime
        now = runtime.clock() if runtime.clock else utcnow()
        with reading_session(runtime.sessions) as session:
            for name, text, read in self.gauges:
                yield GaugeMetricFamily(name, text, value=read(session, now))


def _may_scrape(request: Request) -> bool:
    token = request.app.state.runtime.settings.metrics_token
    if token:
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(given.encode(), token.encode())
    host = request.client.host if request.client else ""
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return host == "testclient"  # Starlette's test client has no address


def install(app: FastAPI, *, gauges: list[Gauge]) -> None:
    """Count requests and serve ``/metrics`` (token or loopback only)."""
    registry = CollectorRegistry()
    registry.register(DatabaseGauges(app, gauges))
    app.add_middleware(HttpMetrics, registry=registry)

    def metrics(request: Request) -> Response:
        """Prometheus text exposition of this process's metrics."""
        if not _may_scrape(request):
            raise NotFound("没有这个页面。", "No such page.")
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    app.add_api_route("/metrics", metrics, include_in_schema=False)
