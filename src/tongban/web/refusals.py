"""A step refused on a page is answered with the same page, the reason and what was typed.

When the service refuses what a form posted (``InvalidInput``: what to fix in a field, or
in several at once, ``errors.gather``; ``Conflict``: the state moved on), the person sees
the page they were on again: the reason above the form, in their language, with the
refusal's status code, each field's own message beside that field (``_refusals.html``), and
every text field as they typed it (files cannot be shown again; the pages say which to
choose again).
Nothing half-done is kept: the request's unit of work is rolled back before the page is
built again. A refusal the person cannot mend on that page goes to the error handlers
instead (``web.errors``): not found (404), not allowed (403, audited), not signed in, too
many attempts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from tongban.errors import DomainError, NotAllowed, NotFound, NotSignedIn, TooManyAttempts
from tongban.web.i18n import locale_of

NOT_MENDED_ON_THE_PAGE = (NotFound, NotAllowed, NotSignedIn, TooManyAttempts)


@dataclass(frozen=True)
class Refusal:
    """Why a posted step was refused (``error``, in the user's language: every problem in
    one text), its HTTP status, the text fields as posted (name → value), and ``messages``:
    each field's own message by field name, "" keying what belongs to no field
    (``DomainError.messages_by_field``)."""

    error: str
    status_code: int
    posted: dict[str, str]
    messages: dict[str, str]


def shown(refusal: Refusal | None) -> dict[str, Any]:
    """What a page's template reads of a refusal: ``error`` (None on a fresh page),
    ``posted`` (the fields as typed) and ``errors`` (each field's message by name; the
    macros of ``_refusals.html`` show them); both empty on a fresh page."""
    if refusal is None:
        return {"error": None, "posted": {}, "errors": {}}
    return {"error": refusal.error, "posted": refusal.posted, "errors": refusal.messages}


def status_of(refusal: Refusal | None) -> int:
    """The page's status code: the refusal's, or 200 on a fresh page."""
    return 200 if refusal is None else refusal.status_code


def keep_for_panel(request: Request, panel: str, refusal: Refusal) -> None:
    """Hand ``refusal`` to the panel ``panel`` of the page built next in this request: a
    case page's panels build their own context, so the refused form's panel finds its
    reason and typed fields with ``for_panel``."""
    request.state.refusals = {**getattr(request.state, "refusals", {}), panel: refusal}


def for_panel(request: Request, panel: str) -> Refusal | None:
    """The refusal handed to ``panel`` in this request (``keep_for_panel``), if any."""
    found: Refusal | None = getattr(request.state, "refusals", {}).get(panel)
    return found


def typed(form: FormData) -> dict[str, str]:
    """The text fields of a posted form, by name (the first value of a repeated name)."""
    kept: dict[str, str] = {}
    for name, value in form.multi_items():
        if isinstance(value, str):
            kept.setdefault(name, value)
    return kept


def page_again(
    request: Request,
    session: Session,
    error: DomainError,
    form: FormData,
    page: Callable[[Refusal], Response],
) -> Response:
    """Roll back the request's work and answer with ``page`` built for the refusal of
    ``error``; re-raise errors the page cannot mend (``NOT_MENDED_ON_THE_PAGE``)."""
    session.rollback()
    if isinstance(error, NOT_MENDED_ON_THE_PAGE):
        raise error
    locale = locale_of(request, request.app.state.runtime.settings.default_locale)
    messages = error.messages_by_field(locale)
    refusal = Refusal(error.message(locale), error.status, typed(form), messages)
    return page(refusal)
