"""The rating page of a signed link (``/rate/<token>``, ``ratings.links``): opened from the
text message or e-mail that a case is finished, without signing in. A refused link (altered,
expired) shows why and what to do instead, with its status (403, 409)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from tongban.errors import DomainError
from tongban.ratings import links
from tongban.ratings.quick_views import quick_context, submit
from tongban.web.deps import CheckedForm, NowDep, RuntimeDep, SessionDep
from tongban.web.i18n import locale_of
from tongban.web.templating import render

router = APIRouter()
Token = Annotated[str, Path(max_length=200, title="评价链接")]


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
        stage=links.STAGE,
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
    return submit(
        request,
        session,
        form,
        rate=lambda answer: links.rate_by_link(
            session,
            token=token,
            answer=answer,
            now=now,
            secret_key=runtime.settings.secret_key,
        ),
        again=lambda quick, status: _page(request, session, token, now, runtime, quick, status),
        done=f"/rate/{token}",
    )
