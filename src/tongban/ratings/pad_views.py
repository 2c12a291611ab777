"""The window's rating pad (``ratings.pad``): ``/staff/pad`` is the second screen, opened
in the clerk's session, facing the applicant; the receipt page's button, and the case
page's for a clerk who may offer it, offer a case on it (``POST /staff/pad/offer``). A refused offer shows the error page with its reason."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from tongban.accounts.deps import require_roles
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.ratings import pad
from tongban.ratings.quick_views import quick_context, submit
from tongban.web.deps import CheckedForm, NowDep, SessionDep, see_other
from tongban.web.templating import render

router = APIRouter()
Clerk = Annotated[User, Depends(require_roles(Role.clerk))]
IDLE_REFRESH_SECONDS = 5  # the waiting pad looks for the clerk's next offer this often


def _number(form: CheckedForm) -> str:
    value = form.get("number")
    return value.strip() if isinstance(value, str) else ""


def _pad_page(
    request: Request,
    session: SessionDep,
    user: User,
    now: NowDep,
    quick: dict[str, object] | None = None,
    status: int = 200,
) -> Response:
    found = pad.waiting(session, clerk=user, now=now)
    context = quick_context(
        "/staff/pad",
        case=found[1] if found else None,
        stage=found[0].stage if found else None,
        quick=quick or {},
        quick_fields={"number": found[1].number} if found else {},
        refresh=IDLE_REFRESH_SECONDS,
    )
    return render(request, "ratings/pad.html", context, status_code=status)


@router.get("/staff/pad")
def pad_screen(request: Request, session: SessionDep, user: Clerk, now: NowDep) -> Response:
    """The pad: the offered case's rating form, or a waiting screen that looks again."""
    return _pad_page(request, session, user, now)


@router.post("/staff/pad")
def rate_at_pad(
    request: Request,
    session: SessionDep,
    user: Clerk,
    now: NowDep,
    form: CheckedForm,
) -> Response:
    """The applicant's tap on the pad; a refused rating shows the form again with why."""
    return submit(
        request,
        session,
        form,
        rate=lambda answer: pad.rate_at_pad(
            session,
            clerk=user,
            number=_number(form),
            answer=answer,
            now=now,
        ),
        again=lambda quick, status: _pad_page(request, session, user, now, quick, status),
        done="/staff/pad",
    )


@router.post("/staff/pad/offer")
def offer(session: SessionDep, user: Clerk, now: NowDep, form: CheckedForm) -> Response:
    """Show a case of the clerk's hall or department on the pad, for the stage it is in;
    back to the page it was offered from (the case page, or the receipt)."""
    number = _number(form)
    pad.offer(session, clerk=user, number=number, now=now)
    if form.get("back") == "case":
        return see_other(f"/cases/{quote(number)}?pad=offered#rating")
    return see_other(f"/staff/intake/receipt/{quote(number)}?pad=offered")
