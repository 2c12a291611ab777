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

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from tongban.accounts.deps import CatalogAdmin, OptionalUser
from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.assistant import service
from tongban.assistant.enums import FAQ_SECTION, SECTIONS, Aspect
from tongban.cases.core.machine import STATE_NAMES_ZH
from tongban.catalog import service as catalog
from tongban.catalog.views import departments
from tongban.db import unit_of_work
from tongban.errors import DomainError
from tongban.web.deps import CheckedForm, NowDep, SessionDep, see_other
from tongban.web.i18n import locale_of
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
    of work of its own: the request's, a GET's, only reads."""
    if service.to_keep(reply):
        with unit_of_work(request.app.state.runtime.sessions) as session:
            service.record_unanswered(session, reply=reply, now=now)


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
    reply = None
    if question and error is None:
        situation = catalog.from_query(request.query_params)
        reply = service.ask(
            session,
            question=question,
            user=user,
            about=about or None,
            situation=situation,
            wait=_wait(request),
        )
        keep_unanswered(request, reply, now)
    context: dict[str, Any] = {
        "q": question,
        "reply": reply,
        "error": error,
        "sections": SECTIONS,
        "faq_section": FAQ_SECTION,
        "aspects": list(Aspect),
        "hotline": HOTLINE,
        "state_names": STATE_NAMES_ZH,
        "departments": departments(session),
    }
    if status_code != 200:
        return render(request, "assistant/answer.html", context, status_code=status_code)
    return render_page_or_fragment(
        request, "assistant/answer.html", "assistant/_answer.html", context
    )


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


@router.post("/ask")
def ask(
    request: Request, session: SessionDep, user: OptionalUser, now: NowDep, form: CheckedForm
) -> Response:
    """Ask: check the question, then show its answer (``GET /ask``, which keeps it if it
    cannot be answered)."""
    question, about = _text(form, "q"), _text(form, "about")
    try:
        asked = service.check_question(question)
    except DomainError as error:
        message = _message(request, error)
        return _answer_page(request, session, user, question, about, now, message, 422)
    query = {"q": asked, **({"about": about} if about else {})}
    return see_other("/ask?" + urlencode(query))


# ---- the catalog administrators ------------------------------------------------------


def _admin_page(
    request: Request,
    session: Session,
    *,
    error: str | None = None,
    kept: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "unanswered": service.list_unanswered(session),
        "entries": catalog.list_entries(session),
        "error": error,
        "kept": kept or {},
        "notice": request.query_params.get("notice", ""),
    }
    return render(request, "assistant/admin.html", context, status_code=status_code)


@router.get("/admin/assistant")
def unanswered_page(request: Request, session: SessionDep, user: CatalogAdmin) -> Response:
    """Questions the assistant could not answer, the most often asked first."""
    return _admin_page(request, session)


@router.post("/admin/assistant/answers")
def add_answer(
    request: Request,
    session: SessionDep,
    user: CatalogAdmin,
    now: NowDep,
    form: CheckedForm,
) -> Response:
    """Answer a question by adding it to an entry as an FAQ entry or a synonym."""
    kept = {name: _text(form, name) for name in ("question", "code", "answer")}
    try:
        service.add_to_catalog(
            session,
            code=kept["code"],
            question=kept["question"],
            answer=kept["answer"],
            actor=actor_of(user),
            now=now,
        )
    except DomainError as error:
        session.rollback()
        message = _message(request, error)
        details = [str(detail.get("message_zh", "")) for detail in error.details]
        message = "；".join([message, *filter(None, details)])
        return _admin_page(request, session, error=message, kept=kept, status_code=error.status)
    notice = "faq" if kept["answer"].strip() else "synonym"
    return see_other(f"/admin/assistant?notice={notice}")
