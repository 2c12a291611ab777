"""Pages of the guide assistant (智能客服): the answer page (``/ask``), asked from the box on
every portal page, and the catalog administrators' list of unanswered questions
(``/admin/assistant``), where they answer one by adding an FAQ entry or a synonym.

The box posts the question (``POST /ask``), which is checked, then the browser is sent to
``GET /ask?q=…`` which draws the answer (the same every time for one catalog revision);
each time an answer page or the API (``GET /api/v1/assistant``) says a question cannot be
answered, the question is kept (:func:`keep_unanswered`), whatever the layout asked from. The follow-up box of the answer page carries the entry it was about
(``about``); the situation answers of a guide (``s_<question>=<option>``) tailor its
materials. htmx, when present, swaps in only the answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from tongban.accounts.deps import CatalogAdmin, OptionalUser, source_of
from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.assistant import service, unanswered
from tongban.assistant.enums import FAQ_SECTION, SECTIONS, Aspect
from tongban.cases.core.machine import STATE_NAMES_ZH
from tongban.catalog import guides
from tongban.catalog import service as catalog
from tongban.catalog.views import departments
from tongban.db import unit_of_work
from tongban.errors import DomainError
from tongban.queueing import service as queueing
from tongban.queueing.views import TERMINAL_COOKIE
from tongban.web.deps import CheckedForm, NowDep, SessionDep, see_other
from tongban.web.i18n import KIOSK_COOKIE, kiosk_of, locale_of
from tongban.web.templating import render, render_page_or_fragment

router = APIRouter()

HOTLINE = "12345"  # 政务服务便民热线


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _wait(request: Request) -> float:
    """Seconds a question waits for the index being built (settings)."""
    return float(request.app.state.runtime.settings.assistant_wait_seconds)


def keep_unanswered(request: Request, reply: service.Reply, now: datetime) -> None:
    """Keep a question the reply could not answer for the catalog administrators, in a unit
    of work of its own (the request's, a GET's, only reads), within the day's limit of
    where it was asked (:func:`_source`)."""
    if unanswered.to_keep(reply):
        with unit_of_work(request.app.state.runtime.sessions) as session:
            source = _source(request, session)
            unanswered.record_unanswered(session, reply=reply, now=now, source=source)


def _source(request: Request, session: Session) -> unanswered.Source:
    """Who a kept question is counted against: the hall's registered kiosk terminal it was
    asked at (``assistant_questions_per_terminal_per_day``: everyone in the hall asks from
    it), else its network address (``assistant_questions_per_source_per_day``)."""
    settings = request.app.state.runtime.settings
    terminal = queueing.terminal_of(
        session,
        request.cookies.get(TERMINAL_COOKIE),
        hall_code=request.cookies.get(KIOSK_COOKIE) or "",
    )
    if terminal is not None:
        per_terminal = settings.assistant_questions_per_terminal_per_day
        return unanswered.Source(f"terminal {terminal.id}", settings.secret_key, per_terminal)
    per_source = settings.assistant_questions_per_source_per_day
    return unanswered.Source(f"address {source_of(request)}", settings.secret_key, per_source)


def _message(request: Request, error: DomainError) -> str:
    return error.message(locale_of(request, request.app.state.runtime.settings.default_locale))


def _answer_page(
    request: Request,
    session: Session,
    user: User | None,
    question: str,
    about: str,
    now: datetime,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    reply, read_as = None, ""
    if question and error is None:
        situation = catalog.from_query(request.query_params)
        reply = service.ask(
            session,
            question=question,
            user=user,
            about=about or None,
            situation=situation,
            wait=_wait(request),
            kiosk=kiosk_of(request),
        )
        keep_unanswered(request, reply, now)
        read_as = service.read_pinyin(session, question=question)
    context: dict[str, Any] = {
        "q": question,
        "reply": reply,
        "read_as": read_as,
        "error": error,
        "sections": SECTIONS,
        "faq_section": FAQ_SECTION,
        "aspects": list(Aspect),
        "hotline": HOTLINE,
        "state_names": STATE_NAMES_ZH,
        "departments": departments(session),
        "common": _common_questions(session) if kiosk_of(request) else [],
    }
    if status_code != 200:
        page = {**context, "whole_page": True}
        return render(request, "assistant/answer.html", page, status_code=status_code)
    return render_page_or_fragment(
        request,
        "assistant/answer.html",
        "assistant/_answer.html",
        context,
        lambda: {"whole_page": True},
    )


def _common_questions(session: Session) -> list[Mapping[str, Any]]:
    """The common questions a kiosk offers as buttons (its keyboard types no Chinese): the
    first FAQ entry of each 热门事项 (``featured``, which must have FAQ)."""
    entries = catalog.list_entries(session)
    definitions = [e.current_version.definition for e in entries if e.current_version]
    return [
        (definition.get("bundle") or definition["items"][0])["faq"][0]
        for definition in definitions
        if guides.featured(definition)
    ]


@router.get("/ask")
def answer(
    request: Request,
    session: SessionDep,
    user: OptionalUser,
    now: NowDep,
    q: str = "",
    about: str = "",
) -> Response:
    """The answer to a question, built from the catalog (or from one's own cases); an
    unanswered question is kept."""
    question = " ".join(q.split())
    try:
        question = service.check_question(question) if question else ""
    except DomainError as error:
        message = _message(request, error)
        return _answer_page(request, session, user, q, about, now, message, 422)
    return _answer_page(request, session, user, question, about, now)


@router.get("/ask/pinyin")
def pinyin_reading(request: Request, session: SessionDep, q: str = "") -> Response:
    """The kiosk's candidate bar: what ``q``, typed in pinyin, reads as in Chinese
    characters (empty when it does not), as a fragment htmx swaps in as keys are typed."""
    read_as = service.read_pinyin(session, question=q[: service.MAX_QUESTION])
    return render(request, "assistant/_pinyin.html", {"read_as": read_as})


@router.post("/ask")
def ask(
    request: Request, session: SessionDep, user: OptionalUser, now: NowDep, form: CheckedForm
) -> Response:
    """Ask: check the question, then show its answer (``GET /ask``, which keeps it if it
    cannot be answered)."""
    # a common question tapped at a kiosk (``common``) is a question of its own
    common = _text(form, "common")
    question, about = common or _text(form, "q"), "" if common else _text(form, "about")
    try:
        asked = service.check_question(question)
    except DomainError as error:
        message = _message(request, error)
        return _answer_page(request, session, user, question, about, now, message, 422)
    # the follow-up's situation answers (s_…) and the page's language go on with it
    situation = catalog.from_query({name: _text(form, name) for name in form}) if about else {}
    carried = {
        "q": asked,
        **({"about": about} if about else {}),
        **{f"s_{code}": value for code, value in situation.items()},
        **({"lang": _text(form, "lang")} if _text(form, "lang") else {}),
    }
    return see_other("/ask?" + urlencode(carried))


# ---- the catalog administrators ------------------------------------------------------


def _page_number(request: Request) -> int:
    number = request.query_params.get("page", "1")
    return int(number) if number.isdigit() and int(number) > 0 else 1


def _now_answered(session: Session, question: str) -> service.Reply:
    """How the assistant answers ``question`` now (an FAQ or a synonym added since, a
    matter handled elsewhere), as an anonymous person; not kept again."""
    return service.ask(session, question=question, user=None, wait=0)


def _admin_page(
    request: Request,
    session: Session,
    *,
    error: str | None = None,
    kept: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    page = _page_number(request)
    rows = unanswered.list_unanswered(session, page=page)
    total = unanswered.count_unanswered(session)
    context = {
        "unanswered": rows,
        "replies": {row.question: _now_answered(session, row.question) for row in rows},
        "total": total,
        "page": page,
        "pages": max(1, -(-total // unanswered.PAGE)),
        "page_size": unanswered.PAGE,
        "entries": catalog.list_entries(session),
        "error": error,
        "kept": kept or {},
        "notice": request.query_params.get("notice", ""),
        "per_source": request.app.state.runtime.settings.assistant_questions_per_source_per_day,
        "per_terminal": request.app.state.runtime.settings.assistant_questions_per_terminal_per_day,
    }
    return render(request, "assistant/admin.html", context, status_code=status_code)


@router.get("/admin/assistant")
def unanswered_page(request: Request, session: SessionDep, user: CatalogAdmin) -> Response:
    """Questions the assistant could not answer, the most often asked first, a page at a
    time (``?page=``), each with how it is answered now."""
    return _admin_page(request, session)


_ANSWER_FIELDS = ("question", "code", "answer", "question_en", "answer_en")


def _refused(
    request: Request, session: Session, error: DomainError, kept: dict[str, str]
) -> Response:
    session.rollback()
    details = [str(detail.get("message_zh", "")) for detail in error.details]
    message = _message(request, error)
    if any(details):  # "定义有错误，未保存：…；…"
        message = message.rstrip("。.") + "：" + "；".join(filter(None, details))
    return _admin_page(request, session, error=message, kept=kept, status_code=error.status)


@router.post("/admin/assistant/answers")
def add_answer(
    request: Request,
    session: SessionDep,
    user: CatalogAdmin,
    now: NowDep,
    form: CheckedForm,
) -> Response:
    """Answer a question by adding it to an entry as an FAQ entry or a synonym."""
    kept = {name: _text(form, name) for name in _ANSWER_FIELDS}
    try:
        unanswered.add_to_catalog(
            session,
            code=kept["code"],
            question=kept["question"],
            answer=kept["answer"],
            question_en=kept["question_en"],
            answer_en=kept["answer_en"],
            actor=actor_of(user),
            now=now,
        )
    except DomainError as error:
        return _refused(request, session, error, kept)
    notice = "faq" if kept["answer"].strip() else "synonym"
    return see_other(f"/admin/assistant?notice={notice}")


@router.post("/admin/assistant/dismissals")
def dismiss(
    request: Request,
    session: SessionDep,
    user: CatalogAdmin,
    now: NowDep,
    form: CheckedForm,
) -> Response:
    """Take a question off the list without adding catalog data (junk, or answered
    elsewhere); audited."""
    try:
        unanswered.dismiss(session, question=_text(form, "question"), actor=actor_of(user), now=now)
    except DomainError as error:
        return _refused(request, session, error, {})
    return see_other(f"/admin/assistant?notice=dismissed&page={_page_number(request)}")
