"""Rating pages: the applicant rates a finished case from its page; the department lists
its bad ratings with the time left and writes each rectification (``/staff/ratings``).

Both forms post normally (POST → redirect → GET). With htmx they swap only their card:
the server then answers with the card alone, and a refused form comes back as a 200
card showing the reason, because htmx does not swap 4xx answers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from tongban.accounts.deps import CurrentStaff, CurrentUser
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.cases import service as cases
from tongban.cases.core import access
from tongban.cases.http.channels import channel_of
from tongban.cases.models import Case
from tongban.catalog.views import departments
from tongban.errors import Conflict, InvalidInput
from tongban.online.views import render_case_page
from tongban.ratings import followup, rules, service
from tongban.ratings.card import case_rating
from tongban.ratings.enums import RATING_CHANNEL_NAMES_ZH, RatingChannel
from tongban.ratings.quick_views import answer_of
from tongban.web.deps import CheckedForm, NowDep, SessionDep, see_other
from tongban.web.i18n import locale_of
from tongban.web.refusals import Refusal, page_again, shown
from tongban.web.templating import render, wants_fragment

router = APIRouter()
RatingId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _message(request: Request, error: InvalidInput | Conflict) -> str:
    return error.message(locale_of(request, request.app.state.runtime.settings.default_locale))


def _text(form: CheckedForm, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def _case_card(
    request: Request, session: Session, case: Case, user: User, now: datetime, rated: bool
) -> Response:
    """The 「评价」 card alone, for htmx to swap."""
    context = {"case": case, "rated": rated, **case_rating(request, session, case, user, now)}
    return render(request, "ratings/_case_rating.html", context)


@router.post("/cases/{number}/rating")
def rate(
    number: str,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    now: NowDep,
    form: CheckedForm,
) -> Response:
    """Rate a finished case; a refused rating shows the case page again with the reason."""
    case = cases.get_case(session, number=number, user=user)
    answer = answer_of(form)
    score, comment, tags, indicators = answer.score, answer.comment, answer.tags, answer.indicators
    stage = _text(form, "stage") or "completion"
    try:
        service.rate_case(
            session,
            case_id=case.id,
            user=user,
            score=score,
            comment=comment,
            now=now,
            channel=RatingChannel(channel_of(request)),
            stage=stage,
            tags=tags,
            indicators=indicators,
        )
    except (InvalidInput, Conflict) as error:
        request.state.rating_form = {
            "score": score,
            "comment": comment,
            "stage": stage,
            "tags": tags,
            "indicators": indicators,
            "error": _message(request, error),
            "field": error.field,
        }
        if wants_fragment(request):
            return _case_card(request, session, case, user, now, rated=False)
        return render_case_page(request, session, case, user, now, status_code=error.status)
    if wants_fragment(request):
        return _case_card(request, session, case, user, now, rated=True)
    return see_other(f"/cases/{number}?done=rated#rating-title")


def _staff_context(
    request: Request, session: Session, user: User, rows: list[service.RatingRow]
) -> dict[str, Any]:
    """What the list and each of its cards need."""
    return {
        "rows": rows,
        "departments": departments(session),
        "may_rectify": {row.rating.id for row in rows if service.can_rectify(user, row.rating)},
        "rectify_max": rules.RECTIFICATION_MAX,
        "rating_hours": request.app.state.runtime.settings.rating_rectify_hours,
        "rating_days": request.app.state.runtime.settings.rating_rectify_working_days,
        "may_decide": user.has_role(Role.supervisor),
        "rating_channel_names": RATING_CHANNEL_NAMES_ZH,
        "refused": None,
    }


def _refused(rating_id: int, step: str, refusal: Refusal) -> dict[str, Any]:
    """What a card shows of a refused form: the rating, which of its forms (``step``:
    rectification, callback, appeal, decision), and its reason and typed fields (``shown``)."""
    return {"rating": rating_id, "step": step, **shown(refusal)}


def _staff_page(
    request: Request,
    session: Session,
    user: User,
    now: datetime,
    department: str,
    refused: dict[str, Any] | None = None,
    status_code: int = 200,
    appeals: bool = False,
) -> Response:
    scope = service.department_in_view(session, user, department or None)
    rows = service.list_ratings(session, user=user, department_code=scope, bad_only=True, now=now)
    appeals = appeals and user.has_role(Role.supervisor)  # only they decide: others see all
    if appeals:  # the appeals waiting for a supervisor's decision
        rows = [row for row in rows if row.appeal is not None and row.appeal.outcome is None]
    context = _staff_context(request, session, user, rows)
    region = access.supervised_departments(session, user) if access.oversees(user) else None
    context.update(
        ratings=service.figures(session, now=now, department_code=scope, within=region),
        scope=scope,
        may_choose=user.has_role(Role.supervisor),
        refused=refused,
        appeals_only=appeals,
    )
    return render(request, "ratings/staff_ratings.html", context, status_code=status_code)


def _staff_card(
    request: Request, session: Session, user: User, now: datetime, rating_id: int, **extra: Any
) -> Response:
    """One rating's card alone, for htmx to swap."""
    rating = service.get_rating(session, rating_id=rating_id)
    row = service.get_row(session, rating=rating, now=now)
    context = _staff_context(request, session, user, [row])
    context.update(row=row, scope=service.department_in_view(session, user, None), **extra)
    return render(request, "ratings/_staff_rating.html", context)


@router.get("/staff/ratings")
def staff_ratings(
    request: Request,
    session: SessionDep,
    user: CurrentStaff,
    now: NowDep,
    department: Annotated[str, Query(max_length=10)] = "",
    appeals: Annotated[str, Query(max_length=10)] = "",
) -> Response:
    """The department's bad ratings, open ones first with the time left to rectify them;
    ``appeals=open``: only those whose appeal waits for a supervisor's decision."""
    return _staff_page(request, session, user, now, department, appeals=appeals == "open")


@router.post("/staff/ratings/{rating_id}/rectification")
def rectify(
    rating_id: RatingId,
    request: Request,
    session: SessionDep,
    user: CurrentStaff,
    now: NowDep,
    form: CheckedForm,
) -> Response:
    """Write the rectification of a bad rating; a refused one shows the list again with the reason."""

    def page(refusal: Refusal) -> Response:
        refused = _refused(rating_id, "rectification", refusal)
        if wants_fragment(request):
            return _staff_card(request, session, user, now, rating_id, refused=refused)
        return _staff_page(request, session, user, now, "", refused, refusal.status_code)

    try:
        service.rectify(session, rating_id=rating_id, user=user, text=_text(form, "text"), now=now)
    except (InvalidInput, Conflict) as error:
        return page_again(request, session, error, form, page)
    if wants_fragment(request):
        return _staff_card(request, session, user, now, rating_id, rectified=rating_id)
    return see_other("/staff/ratings?done=rectified")


def _follow_up(
    request: Request,
    session: Session,
    user: User,
    now: datetime,
    form: CheckedForm,
    rating_id: int,
    step: str,
    done: str,
    run: Callable[[], object],
) -> Response:
    """Run the follow-up ``step`` (its form's name on the card); a refused one shows the
    list again with the reason beside the wrong field of that form and what was typed."""

    def page(refusal: Refusal) -> Response:
        refused = _refused(rating_id, step, refusal)
        return _staff_page(request, session, user, now, "", refused, refusal.status_code)

    try:
        run()
    except (InvalidInput, Conflict) as error:
        return page_again(request, session, error, form, page)
    return see_other(f"/staff/ratings?done={done}#rating-{rating_id}")


@router.post("/staff/ratings/{rating_id}/callback")
def callback(
    rating_id: RatingId,
    request: Request,
    session: SessionDep,
    user: CurrentStaff,
    now: NowDep,
    form: CheckedForm,
) -> Response:
    """Record the call-back (回访) to the applicant of a rectified bad rating."""
    return _follow_up(
        request,
        session,
        user,
        now,
        form,
        rating_id,
        "callback",
        "callback" if _text(form, "reached") == "1" else "callback_missed",
        lambda: followup.record_callback(
            session,
            rating_id=rating_id,
            user=user,
            note=_text(form, "note"),
            reached=_text(form, "reached") == "1",
            now=now,
        ),
    )


@router.post("/staff/ratings/{rating_id}/appeal")
def appeal(
    rating_id: RatingId,
    request: Request,
    session: SessionDep,
    user: CurrentStaff,
    now: NowDep,
    form: CheckedForm,
) -> Response:
    """The rated department appeals a rating it believes unfair."""
    return _follow_up(
        request,
        session,
        user,
        now,
        form,
        rating_id,
        "appeal",
        "appealed",
        lambda: followup.appeal(
            session, rating_id=rating_id, user=user, reason=_text(form, "reason"), now=now
        ),
    )


@router.post("/staff/ratings/{rating_id}/appeal/decision")
def decide_appeal(
    rating_id: RatingId,
    request: Request,
    session: SessionDep,
    user: CurrentStaff,
    now: NowDep,
    form: CheckedForm,
) -> Response:
    """A supervisor decides a department's appeal."""
    return _follow_up(
        request,
        session,
        user,
        now,
        form,
        rating_id,
        "decision",
        "appeal_decided",
        lambda: followup.decide_appeal(
            session,
            rating_id=rating_id,
            user=user,
            outcome=_text(form, "outcome"),
            decision=_text(form, "decision"),
            now=now,
        ),
    )
