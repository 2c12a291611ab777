"""The rating page of a signed link (``/rate/<token>``, ``ratings.links``): opened from the
text message or e-mail that a case is finished, without signing in. A refused link (altered,
expired) shows why and what to do instead, with its status (403, 409)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from tongban.errors import DomainError
from tongban.ratings import links, rules
from tongban.web.deps import CheckedForm, NowDep, RuntimeDep, SessionDep, see_other
from tongban.web.i18n import locale_of
from tongban.web.templating import render

router = APIRouter()
Token = Annotated[str, Path(max_length=200)]


def form_values(form: CheckedForm) -> tuple[int, str, list[str]]:
    """The score (0 when missing or not a number), comment and tags of a short rating form."""
    raw, comment = form.get("score"), form.get("comment")
    text = raw if isinstance(raw, str) else ""
    score = int(text) if text.isdigit() and len(text) <= 2 else 0
    tags = [tag for tag in form.getlist("tags") if isinstance(tag, str)]
    return score, comment if isinstance(comment, str) else "", tags


def quick_context(action: str, **extra: Any) -> dict[str, Any]:
    """What ``ratings/_quick_form.html`` needs besides the values sent back (``quick``)."""
    return {
        "quick_action": action,
        "quick": {},
        "quick_fields": {},
        "good_tags": rules.GOOD_TAGS,
        "bad_tags": rules.BAD_TAGS,
        "comment_max": rules.COMMENT_MAX,
        **extra,
    }


def _page(
    request: Request,
    session: SessionDep,
    token: str,
    now: NowDep,
    runtime: RuntimeDep,
    quick: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    try:
        case = links.case_of_link(
            session, token=token, now=now, secret_key=runtime.settings.secret_key
        )
    except DomainError as error:
        locale = locale_of(request, runtime.settings.default_locale)
        context = {"refused": error.message(locale)}
        return render(request, "ratings/link.html", context, status_code=error.status)
    done = request.query_params.get("done")
    context = quick_context(
        f"/rate/{token}",
        case=case,
        open=links.may_rate(session, case=case),
        rated=done in ("rated", "rated-bad"),
        bad=done == "rated-bad",
        quick=quick or {},
    )
    return render(request, "ratings/link.html", context, status_code=status)


@router.get("/rate/{token}")
def link_page(
    token: Token, request: Request, session: SessionDep, now: NowDep, runtime: RuntimeDep
) -> Response:
    """The rating form of the link's case, or why the link cannot be used."""
    return _page(request, session, token, now, runtime)


@router.post("/rate/{token}")
def rate_by_link(
    token: Token,
    request: Request,
    session: SessionDep,
    now: NowDep,
    runtime: RuntimeDep,
    form: CheckedForm,
) -> Response:
    """Rate the link's case; a refused rating shows the form again with the reason."""
    score, comment, tags = form_values(form)
    settings = runtime.settings
    try:
        rating = links.rate_by_link(
            session,
            token=token,
            score=score,
            comment=comment,
            tags=tags,
            now=now,
            secret_key=settings.secret_key,
            rectify_hours=settings.rating_rectify_hours,
            rectify_working_days=settings.rating_rectify_working_days,
        )
    except DomainError as error:  # the link refused, or the rating: the page says which
        session.rollback()
        message = error.message(locale_of(request, settings.default_locale))
        quick = {"score": score, "comment": comment, "tags": tags, "error": message}
        return _page(request, session, token, now, runtime, quick=quick, status=error.status)
    done = "rated-bad" if rules.is_bad(rating.score) else "rated"
    return see_other(f"/rate/{token}?done={done}")
