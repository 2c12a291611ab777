"""What the pages of the short rating form share (``ratings/_quick_form.html``: the
signed link's page and the window's pad): reading the form, its context, and the post
that rates, or shows the form again with the reason (POST → redirect → GET)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from tongban.errors import DomainError
from tongban.ratings import rules
from tongban.ratings.models import Rating
from tongban.ratings.quick import Answer
from tongban.web.deps import see_other
from tongban.web.i18n import locale_of

Again = Callable[[dict[str, Any], int], Response]  # the page again: values kept, status


def indicators_of(form: FormData) -> dict[str, int]:
    """The national indicators scored on a rating form (``indicator-<name>``, one digit
    each; a field left at 不评 is not scored): the case page's form and the short one."""
    found = {}
    for name in rules.INDICATORS:
        value = form.get(f"indicator-{name}")
        if isinstance(value, str) and value.isdigit() and len(value) == 1:
            found[name] = int(value)
    return found


def answer_of(form: FormData) -> Answer:
    """The level (0 when missing or not a number), comment, tags and indicators of the form."""
    raw, comment = form.get("score"), form.get("comment")
    text = raw if isinstance(raw, str) else ""
    score = int(text) if text.isdigit() and len(text) <= 2 else 0
    tags = [tag for tag in form.getlist("tags") if isinstance(tag, str)]
    return Answer(score, comment if isinstance(comment, str) else "", tags, indicators_of(form))


def quick_context(action: str, *, stage: str | None, **extra: Any) -> dict[str, Any]:
    """What ``ratings/_quick_form.html`` needs besides the values sent back (``quick``):
    the reason tags offered for rating ``stage`` (None: no case waiting, no form)."""
    good_tags, bad_tags = rules.tags_of_stage(stage) if stage else ((), ())
    return {
        "quick_action": action,
        "quick": {},
        "quick_fields": {},
        "stage": stage,
        "good_tags": good_tags,
        "bad_tags": bad_tags,
        "indicators": rules.INDICATORS,
        "comment_max": rules.COMMENT_MAX,
        **extra,
    }


def submit(
    request: Request,
    session: Session,
    form: FormData,
    *,
    rate: Callable[[Answer], Rating],
    again: Again,
    done: str,
) -> Response:
    """Rate with the form's answer and go to ``done?done=rated`` (``rated-bad`` for a bad
    one); a refused rating rolls back and shows the page again with the reason."""
    answer = answer_of(form)
    try:
        rating = rate(answer)
    except DomainError as error:  # the rating refused, or what vouched for the rater
        session.rollback()
        message = error.message(
            locale_of(request, request.app.state.runtime.settings.default_locale)
        )
        kept = {
            "score": answer.score,
            "comment": answer.comment,
            "tags": answer.tags,
            "indicators": answer.indicators,
        }
        return again({**kept, "error": message}, error.status)
    return see_other(f"{done}?done={'rated-bad' if rules.is_bad(rating.score) else 'rated'}")
