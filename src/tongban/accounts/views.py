"""Pages for signing in and out, registering and choosing the language."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from tongban.accounts import password_change, passwords, signin, twofactor
from tongban.accounts.deps import SESSION_COOKIE, CurrentUser, OptionalUser, source_of, token_of
from tongban.accounts.models import User
from tongban.accounts.schemas import ApplicantCreate
from tongban.db import reading_session
from tongban.errors import DomainError, InvalidInput, TooManyAttempts
from tongban.web import carry, csrf
from tongban.web.deps import CheckedForm, NowDep, RuntimeDep, SessionDep, see_other
from tongban.web.i18n import CARE_COOKIE, LANG_COOKIE, LOCALES, locale_of
from tongban.web.qr import qr_svg
from tongban.web.templating import render

router = APIRouter()
PENDING_COOKIE = "tongban_2fa"
CASE_PAGE = re.compile(r"/cases/([0-9A-Za-z-]{1,40})")  # a case page, not its sub-pages

REGISTER_FIELDS = (
    "kind",
    "username",
    "display_name",
    "id_number",
    "credit_code",
    "enterprise_name",
    "phone",
    "email",
)


safe_next = carry.same_site_path


def home_of(user: User) -> str:
    return "/staff" if user.is_staff else "/my/cases"


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _cookie(runtime: RuntimeDep) -> dict[str, Any]:
    return {
        "httponly": True,
        "samesite": "lax",
        "secure": runtime.settings.environment == "production",
    }


def _set_session(response: Response, runtime: RuntimeDep, token: str) -> None:
    max_age = runtime.settings.session_hours * 3600
    response.set_cookie(SESSION_COOKIE, token, max_age=max_age, **_cookie(runtime))


@router.get("/login")
def login_page(request: Request, user: OptionalUser, next: str | None = None) -> Response:
    """The sign-in form; sent here from a case page, it points to the progress lookup
    without sign-in (办件查询) for that case number."""
    target = safe_next(next) or ""
    case = CASE_PAGE.fullmatch(target)
    context = {"next": target, "username": "", "case_number": case.group(1) if case else None}
    return render(request, "accounts/login.html", context)


@router.post("/login")
def login(request: Request, runtime: RuntimeDep, now: NowDep, form: CheckedForm) -> Response:
    """Check the password, set the session cookie and go on to the user's start page.

    A form whose sign-in had ended (``web.carry``) comes back on a page that re-posts it,
    if the same person signed in again.
    """
    username, target = _text(form, "username"), safe_next(_text(form, "next"))
    kept = {name: _text(form, name) for name in (carry.CARRY, carry.CARRY_TO)}
    try:
        user, token = signin.sign_in(
            runtime,
            username=username,
            password=str(form.get("password") or ""),
            source=source_of(request),
            now=now,
        )
    except twofactor.SecondFactorNeeded as needed:
        onwards = see_other(f"/login/second-factor?{urlencode({'next': target or ''})}")
        token = twofactor.pending_token(user_id=needed.user_id, settings=runtime.settings, now=now)
        onwards.set_cookie(
            PENDING_COOKIE, token, max_age=twofactor.PENDING_SECONDS, **_cookie(runtime)
        )
        return onwards
    except DomainError as error:
        context = {
            "next": target or "",
            "username": username,
            "error": error.message(_locale(request)),
            **kept,
        }
        again = render(request, "accounts/login.html", context, status_code=error.status)
        again.headers.update(carry.NO_STORE)
        if isinstance(error, TooManyAttempts):
            again.headers["Retry-After"] = str(error.retry_after)
        return again
    response = _onwards(request, user, target, kept)
    _set_session(response, runtime, token)
    return response


def _onwards(request: Request, user: User, target: str | None, kept: dict[str, str]) -> Response:
    """The page that re-posts a carried form (same person only), else the next page."""
    same_person = csrf.signed_in_as(request, user.id)
    fields, to = carry.carried(kept[carry.CARRY]), safe_next(kept[carry.CARRY_TO])
    if same_person and fields and to:
        page = render(request, "accounts/continue.html", {"fields": fields, "action": to})
        page.headers.update(carry.NO_STORE)
        return page
    onwards = see_other(target or home_of(user))
    csrf.remember_browser(request, onwards)
    return onwards


def _second_factor_page(
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    user_id: int,
    next: str,
    error: DomainError | None = None,
) -> Response:
    user = session.get(User, user_id)
    secret = user and twofactor.pending_secret(session, user=user, settings=runtime.settings)
    context: dict[str, Any] = {
        "next": next,
        "error": error.message(_locale(request)) if error else None,
    }
    if user and secret:
        uri = twofactor.provisioning_uri(secret, username=user.username)
        context.update(qr=qr_svg(uri), secret=secret)
    page = render(request, "accounts/second_factor.html", context, error.status if error else 200)
    page.headers.update(carry.NO_STORE)
    if isinstance(error, TooManyAttempts):
        page.headers["Retry-After"] = str(error.retry_after)
    return page


@router.get("/login/second-factor")
def second_factor_page(
    request: Request, session: SessionDep, runtime: RuntimeDep, now: NowDep, next: str | None = None
) -> Response:
    """The sign-in's second step: the code from the authenticator, or enrolling one (QR)."""
    settings = runtime.settings
    user_id = twofactor.pending_user(
        request.cookies.get(PENDING_COOKIE), settings=settings, now=now
    )
    if user_id is None:
        return see_other("/login")
    return _second_factor_page(request, session, runtime, user_id, safe_next(next) or "")


@router.post("/login/second-factor")
def second_factor(
    request: Request, runtime: RuntimeDep, now: NowDep, form: CheckedForm
) -> Response:
    """Check the code (confirming a new enrolment: its recovery codes are shown once) and
    sign in. Takes no request unit of work: ``signin.second_step`` writes in its own (a
    request's would hold the turn to write that it waits for), and a refused code's page
    only reads."""
    settings, target = runtime.settings, safe_next(_text(form, "next"))
    user_id = twofactor.pending_user(
        request.cookies.get(PENDING_COOKIE), settings=settings, now=now
    )
    if user_id is None:
        return see_other("/login")
    try:
        user, token, codes = signin.second_step(
            runtime, user_id=user_id, code=_text(form, "code"), source=source_of(request), now=now
        )
    except DomainError as error:
        with reading_session(runtime.sessions) as session:
            return _second_factor_page(request, session, runtime, user_id, target or "", error)
    csrf.signed_in_as(request, user.id)
    onwards = target or home_of(user)
    response: Response
    if codes:
        response = render(
            request, "accounts/recovery_codes.html", {"codes": codes, "next": onwards}
        )
        response.headers.update(carry.NO_STORE)
    else:
        response = see_other(onwards)
    csrf.remember_browser(request, response)
    response.delete_cookie(PENDING_COOKIE)
    _set_session(response, runtime, token)
    return response


@router.post("/logout")
def logout(request: Request, session: SessionDep, now: NowDep, form: CheckedForm) -> Response:
    """End the session and forget the cookie; the browser drops the unsaved form copies
    that ``static/autosave.js`` kept (a shared computer keeps nobody's answers). Goes on
    to the form's ``next`` (a path of this site; a kiosk's start page), else home."""
    token = token_of(request)
    if token:
        signin.sign_out(session, token=token, now=now, source=source_of(request))
    csrf.signed_out(request)
    response = see_other(safe_next(_text(form, "next")) or "/")
    response.delete_cookie(SESSION_COOKIE)
    response.headers["Clear-Site-Data"] = '"storage"'
    csrf.remember_browser(request, response)
    return response


def _password_page(
    request: Request,
    runtime: RuntimeDep,
    now: NowDep,
    user: User,
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    expired = passwords.expired(user, settings=runtime.settings, now=now)
    context = {"expired": expired, "errors": errors}
    page = render(request, "accounts/password.html", context, status_code=status)
    page.headers.update(carry.NO_STORE)
    return page


@router.get("/account/password")
def password_page(
    request: Request, runtime: RuntimeDep, now: NowDep, user: CurrentUser
) -> Response:
    """The form to change one's password; where a password past its age leads
    (``accounts.deps``), saying so."""
    return _password_page(request, runtime, now, user, {})


@router.post("/account/password")
def change_password(
    request: Request,
    session: SessionDep,
    runtime: RuntimeDep,
    now: NowDep,
    user: CurrentUser,
    form: CheckedForm,
) -> Response:
    """Change the password (``password_change.change_password``), then go on to the start page;
    refused, the form again with what to fix (a wrong current password counts toward the
    sign-in lock, whose message then shows)."""
    new = str(form.get("password") or "")
    try:
        if new != str(form.get("password_again") or ""):
            raise InvalidInput(
                "两次输入的新密码不一致，请重新输入。",
                "The two new passwords differ; type them again.",
                field="password_again",
            )
        password_change.change_password(
            session,
            user=user,
            current=str(form.get("current_password") or ""),
            new=new,
            token=token_of(request),
            settings=runtime.settings,
            now=now,
            source=source_of(request),
        )
    except DomainError as error:
        if not error.keeps_record:  # a wrong current password stays counted
            session.rollback()
        problem = {error.field or "current_password": error.message(_locale(request))}
        return _password_page(request, runtime, now, user, problem, error.status)
    return see_other(f"{home_of(user)}?done=password_changed")


@router.get("/register")
def register_page(request: Request, user: OptionalUser) -> Response:
    """The registration form for a person or an enterprise agent."""
    return render(request, "accounts/register.html", {"values": {"kind": "person"}, "errors": {}})


def _applicant(form: FormData) -> ApplicantCreate:
    values = {name: _text(form, name) or None for name in REGISTER_FIELDS}
    return ApplicantCreate(**values, password=str(form.get("password") or ""))


def _validation_problems(error: ValidationError, locale: str) -> dict[str, str]:
    problems: dict[str, str] = {}
    for problem in error.errors():
        name = str(problem["loc"][0]) if problem["loc"] else ""
        zh = "必须填写" if problem["type"] == "missing" else "格式或长度不符合要求"
        problems.setdefault(name, problem["msg"] if locale == "en" else zh)
    return problems


@router.post("/register")
def register(
    request: Request, session: SessionDep, runtime: RuntimeDep, now: NowDep, form: CheckedForm
) -> Response:
    """Create the account and sign the new applicant in."""
    locale = _locale(request)
    values = {name: _text(form, name) for name in REGISTER_FIELDS}
    try:
        data = _applicant(form)
        source = source_of(request)
        user = signin.register(
            session, data=data, settings=runtime.settings, source=source, now=now
        )
        token = signin.open_session(
            session, user=user, settings=runtime.settings, now=now, source=source
        )
    except ValidationError as error:
        return _register_again(request, values, _validation_problems(error, locale))
    except DomainError as error:
        return _register_again(request, values, error.messages_by_field(locale), error.status)
    csrf.signed_in_as(request, user.id)
    response = see_other("/my/cases?done=registered")
    csrf.remember_browser(request, response)
    _set_session(response, runtime, token)
    return response


def _register_again(
    request: Request, values: dict[str, str], errors: dict[str, str], status: int = 422
) -> Response:
    return render(
        request, "accounts/register.html", {"values": values, "errors": errors}, status_code=status
    )


def _locale(request: Request) -> str:
    return locale_of(request, request.app.state.runtime.settings.default_locale)


def _back(referer: str | None) -> str:
    """The page the user came from, on this site, without a ?lang= that would override the cookie."""
    if not referer:
        return "/"
    parts = urlsplit(referer)  # only its path is used: the redirect never leaves this site
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k != "lang"])
    path = safe_next(parts.path) or "/"
    return f"{path}?{query}" if query else path


@router.get("/care/{mode}")
def choose_care(mode: str, request: Request) -> Response:
    """Switch the elderly-friendly mode (关怀模式) on (``on``) or off, and return to the page."""
    response = see_other(_back(request.headers.get("referer")))
    if mode == "on":
        response.set_cookie(CARE_COOKIE, "1", max_age=365 * 24 * 3600, samesite="lax")
    else:
        response.delete_cookie(CARE_COOKIE)
    return response


@router.get("/lang/{locale}")
def choose_language(locale: str, request: Request) -> Response:
    """Remember the chosen language in a cookie and return to the page."""
    response = see_other(_back(request.headers.get("referer")))
    if locale in LOCALES:
        response.set_cookie(LANG_COOKIE, locale, max_age=365 * 24 * 3600, samesite="lax")
    return response
