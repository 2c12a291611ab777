"""Turning domain errors into responses: JSON for the API, a page for people."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.dependencies.utils import get_flat_params
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from tongban.db import LockTimeout, is_lock_timeout
from tongban.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotAllowed,
    NotReady,
    NotSignedIn,
    PasswordExpired,
    TooManyAttempts,
)
from tongban.web import carry, denials, validation
from tongban.web.i18n import locale_of
from tongban.web.templating import render

RETRY_AFTER_SECONDS = 5
PASSWORD_PAGE = "/account/password"  # where a page asked with an expired password leads


class ErrorDetail(BaseModel):
    """What to fix in one field: ``field``, ``message_zh``, ``message_en``."""

    model_config = ConfigDict(extra="allow")


class ErrorContent(BaseModel):
    code: str = Field(description="Stable machine-readable kind, e.g. not_found, csrf, busy")
    message: str = Field(description="What went wrong and what to do, in the reader's language")
    field: str | None = Field(None, description="The input field at fault, where one is")
    details: list[ErrorDetail] = Field(default_factory=list)


class ErrorBody(BaseModel):
    """Every error the API answers, whatever its status."""

    error: ErrorContent


def _documented(meaning: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": meaning}


API_ERRORS: dict[int | str, dict[str, Any]] = {
    401: _documented("Not signed in, or the sign-in expired (请先登录)"),
    403: _documented("Signed in, but not allowed; or a cookie call without X-CSRF-Token"),
    404: _documented("No such resource, or not yours to see"),
    409: _documented("The action does not fit the current state, or someone acted first"),
    413: _documented("The request is past its size limit"),
    422: _documented("The request is invalid: details say what to fix, per field"),
    429: _documented("Too many attempts: wait for Retry-After seconds"),
    503: _documented("The database stayed busy; nothing changed: retry after Retry-After"),
}


class TooLarge(DomainError):
    """A request body past its limit (``web.limits``)."""

    status = 413
    code = "too_large"


class Busy(DomainError):
    """The database stayed locked past the bounded wait; nothing was saved."""

    status = 503
    code = "busy"


class HttpProblem(DomainError):
    """What Starlette itself refuses (no such page, a method a route does not take, a body
    it cannot read), said as the project says every error."""

    def __init__(self, status: int, message_zh: str, message_en: str, code: str) -> None:
        super().__init__(message_zh, message_en, code=code)
        self.status = status


_HTTP: dict[int, tuple[str, str, str]] = {
    400: ("bad_request", "提交的内容无法读取，请检查后重试。", "The request could not be read."),
    404: (
        "not_found",
        "找不到该页面或资源，请检查网址，或回到首页重新查找。",
        "This page or resource does not exist; check the address or start again from the "
        "home page.",
    ),
    405: (
        "method_not_allowed",
        "此地址不接受 {method} 请求{allowed_zh}。",
        "This address does not take {method} requests{allowed_en}.",
    ),
    406: ("not_acceptable", "无法以所要求的格式答复。", "Cannot answer in the format asked for."),
    413: (
        "too_large",
        "提交的内容过大，请减小后重试。",
        "What was sent is too large; make it smaller and try again.",
    ),
    415: (
        "unsupported_media_type",
        "不支持该内容类型，请以 JSON（application/json）或表单提交。",
        "This content type is not supported; send JSON (application/json) or a form.",
    ),
}


def http_problem(request: Request, status: int, headers: Mapping[str, str]) -> HttpProblem:
    """A Starlette HTTP error (404, 405, 413 …) in both languages."""
    code, zh, en = _HTTP.get(
        status,
        (
            "http_error",
            f"请求无法处理（HTTP {status}），请检查后重试。",
            f"The request could not be handled (HTTP {status}).",
        ),
    )
    allowed = {key.lower(): value for key, value in headers.items()}.get("allow", "")
    context = {
        "method": request.method,
        "allowed_zh": f"，只接受 {allowed}" if allowed else "",
        "allowed_en": f"; it takes {allowed}" if allowed else "",
    }
    return HttpProblem(status, zh.format(**context), en.format(**context), code)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def respond(request: Request, error: DomainError) -> Response:
    """The answer to ``error``: the JSON error body under /api/, else the error page (or,
    for a GET needing a sign-in, the way to the sign-in page), with ``Retry-After`` when
    it is ``TooManyAttempts`` or ``NotReady``. Middleware uses it too."""
    response = _answer(request, error)
    if isinstance(error, TooManyAttempts | NotReady):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def _answer(request: Request, error: DomainError) -> Response:
    locale = locale_of(request, request.app.state.runtime.settings.default_locale)
    if _is_api(request):
        body = {
            "error": {
                "code": error.code,
                "message": error.message(locale),
                "field": error.field,
                "details": error.details,
            }
        }
        return JSONResponse(body, status_code=error.status)
    if isinstance(error, PasswordExpired):
        return RedirectResponse(PASSWORD_PAGE, status_code=303)
    if isinstance(error, NotSignedIn) and request.method == "GET":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?{urlencode({'next': target})}", status_code=303)
    return render(
        request,
        "error.html",
        {"error": error, "message": error.message(locale)},
        status_code=error.status,
    )


def _ended_while_posting(request: Request, error: DomainError) -> bool:
    """A page's form sent after its sign-in ended: what it carries is kept (``web.carry``)."""
    return (
        isinstance(error, NotSignedIn)
        and error.code == NotSignedIn.code
        and request.method == "POST"
        and not _is_api(request)
    )


def _titles(request: Request) -> dict[str, str]:
    """The Chinese names (``title``) the matched route gives its parameters and the fields
    of its body model, by name."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return {}
    found: dict[str, str] = {}
    for param in (*get_flat_params(route.dependant), *route.dependant.body_params):
        info = param.field_info
        if info.title:
            found[param.alias] = info.title
        model = info.annotation
        if isinstance(model, type) and issubclass(model, BaseModel):
            found |= {name: f.title for name, f in model.model_fields.items() if f.title}
    return found


def _validation(request: Request, exc: RequestValidationError) -> Response:
    """FastAPI's validation problems, translated by type (``web.validation``), each field
    named as people call it."""
    details = validation.details(exc.errors(), _titles(request))
    shown = details[:3]
    error = InvalidInput(
        "提交的内容有误，请修改：" + "；".join(d["message_zh"] for d in shown) + "。",
        "The request is invalid: " + "; ".join(d["message_en"] for d in shown) + ".",
        field=details[0]["field"] if details else None,
        details=details,
    )
    return respond(request, error)


def install(app: FastAPI) -> None:
    async def domain(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, DomainError)
        if isinstance(exc, NotAllowed):
            await run_in_threadpool(denials.record_denial, request, exc)
        if _ended_while_posting(request, exc):
            return await carry.sign_in_again(request, exc)
        return respond(request, exc)

    async def stale(request: Request, exc: Exception) -> Response:
        return respond(
            request,
            Conflict(
                "该办件刚被他人更新，请刷新后再操作。",
                "Someone else changed this just now; reload and retry.",
                code="stale",
            ),
        )

    async def locked(request: Request, exc: Exception) -> Response:
        if isinstance(exc, OperationalError) and not is_lock_timeout(exc):
            raise exc  # a real fault: the server error page, and the log
        busy = Busy(
            f"系统繁忙，请约 {RETRY_AFTER_SECONDS} 秒后重试；本次请求没有改动任何数据。",
            f"The system is busy; please try again in about {RETRY_AFTER_SECONDS} seconds. "
            "This request changed nothing.",
        )
        response = respond(request, busy)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return _validation(request, exc)

    async def http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        headers = dict(exc.headers or {})
        response = respond(request, http_problem(request, exc.status_code, headers))
        response.headers.update(headers)
        return response

    app.add_exception_handler(DomainError, domain)
    app.add_exception_handler(StarletteHTTPException, http)
    app.add_exception_handler(StaleDataError, stale)
    app.add_exception_handler(OperationalError, locked)
    app.add_exception_handler(LockTimeout, locked)
    app.add_exception_handler(RequestValidationError, invalid)
