"""JSON API for ratings (好差评): rate a finished case, read its rating, list a
department's ratings, rectify a bad one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from tongban.accounts.deps import CurrentUser
from tongban.cases import service as cases
from tongban.cases.http.titles import title_en
from tongban.errors import NotFound
from tongban.ratings import followup, rules, service
from tongban.ratings.enums import RatingChannel
from tongban.ratings.rules import SCORE_NAMES_ZH
from tongban.ratings.schemas import (
    AppealCreate,
    AppealDecision,
    AppealRead,
    CallbackCreate,
    CallbackRead,
    RatingCreate,
    RatingRead,
    RectificationCreate,
)
from tongban.web.deps import NowDep, SessionDep
from tongban.web.i18n import locale_of

router = APIRouter(tags=["ratings"])
RowId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Row id")]


def _appeal(row: service.RatingRow) -> AppealRead | None:
    a = row.appeal
    if a is None:
        return None
    return AppealRead(
        rating_id=a.rating_id,
        department_code=a.department_code,
        reason=a.reason,
        appealed_by=a.appealed_by,
        appealed_at=a.appealed_at,
        outcome=a.outcome,
        decision=a.decision,
        decided_by=a.decided_by,
        decided_at=a.decided_at,
    )


def _read(row: service.RatingRow) -> RatingRead:
    rating = row.rating
    return RatingRead(
        stage=rating.stage,
        channel=rating.channel,
        round=rating.round,
        tags=rating.tags,
        indicators=rating.indicators,
        callback_note=rating.callback_note,
        callback_reached=rating.callback_reached,
        callback_at=rating.callback_at,
        callbacks=[
            CallbackRead(at=c.at, by=c.by, note=c.note, reached=c.reached) for c in row.callbacks
        ],
        appeal=_appeal(row),
        may_rate_again=service.may_rate_again(rating),
        id=rating.id,
        case_number=row.case.number,
        case_title=row.case.title,
        case_title_en=title_en(row.case),
        department_code=rating.department_code,
        score=rating.score,
        score_name=SCORE_NAMES_ZH[rating.score],
        comment=rating.comment,
        created_at=rating.created_at,
        bad=row.bad,
        rectify_due_at=rating.rectify_due_at,
        rectification=rating.rectification,
        rectified_by=rating.rectified_by,
        rectified_at=rating.rectified_at,
        open=row.open,
        overdue=row.overdue,
        late=row.late,
    )


@router.post("/cases/{number}/rating", status_code=201)
def rate_case(
    number: str,
    body: RatingCreate,
    session: SessionDep,
    user: CurrentUser,
    now: NowDep,
) -> RatingRead:
    """Rate a stage of a case once (applicant); a score of 2 or less needs a comment or a
    reason tag of ``bad_tags``."""
    case = cases.get_case(session, number=number, user=user)
    rating = service.rate_case(
        session,
        case_id=case.id,
        user=user,
        score=body.score,
        comment=body.comment,
        now=now,
        channel=RatingChannel.api,
        stage=body.stage,
        tags=body.tags,
        indicators={str(name): value for name, value in body.indicators.items()},
    )
    return _read(service.get_row(session, rating=rating, now=now))


@router.get("/cases/{number}/rating")
def get_rating(number: str, session: SessionDep, user: CurrentUser, now: NowDep) -> RatingRead:
    """The rating of a case, with the department's rectification of a bad one."""
    case = cases.get_case(session, number=number, user=user)
    rating = service.rating_of_case(session, case_id=case.id)
    if rating is None:
        raise NotFound(f"办件 {number} 尚未评价。", f"Case {number} has not been rated.")
    return _read(service.get_row(session, rating=rating, now=now))


@router.get("/cases/{number}/ratings")
def case_ratings(
    number: str, session: SessionDep, user: CurrentUser, now: NowDep
) -> list[RatingRead]:
    """Every rating of a case (each stage, each round), oldest first."""
    case = cases.get_case(session, number=number, user=user)
    return [
        _read(service.get_row(session, rating=r, now=now))
        for r in service.ratings_of_case(session, case_id=case.id)
    ]


@router.get("/ratings/options")
def options(request: Request) -> dict[str, object]:
    """The levels, stages, indicators and reason tags a rating may use, named in the
    user's language; ``stage_tags``: the tags offered when rating each stage (a tag is
    sent as its key, the Chinese)."""
    locale = locale_of(request, request.app.state.runtime.settings.default_locale)
    english = locale == "en"
    return {
        "levels": rules.SCORE_NAMES_EN if english else SCORE_NAMES_ZH,
        "stages": {stage: rules.stage_name(stage, locale) for stage in rules.STAGES},
        "indicators": rules.INDICATOR_NAMES_EN if english else rules.INDICATOR_NAMES_ZH,
        "good_tags": rules.GOOD_TAGS,
        "bad_tags": rules.BAD_TAGS,
        "tag_names": {tag: rules.tag_name(tag, locale) for tag in rules.TAGS},
        "stage_tags": {
            stage: dict(zip(("good", "bad"), rules.tags_of_stage(stage), strict=True))
            for stage in rules.STAGES
        },
    }


@router.get("/ratings")
def list_ratings(
    session: SessionDep,
    user: CurrentUser,
    now: NowDep,
    department: Annotated[
        str | None, Query(max_length=10, description="Department code; staff: their own")
    ] = None,
    bad: Annotated[bool, Query(description="Only bad ratings (score 2 or less)")] = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> list[RatingRead]:
    """A department's ratings, open bad ones first (soonest due first), then newest first."""
    rows = service.list_ratings(
        session, user=user, department_code=department, bad_only=bad, now=now, limit=limit
    )
    return [_read(row) for row in rows]


@router.post("/ratings/{rating_id}/rectification")
def rectify(
    rating_id: RowId, body: RectificationCreate, session: SessionDep, user: CurrentUser, now: NowDep
) -> RatingRead:
    """The rated department's rectification of a bad rating, once."""
    rating = service.rectify(session, rating_id=rating_id, user=user, text=body.text, now=now)
    return _read(service.get_row(session, rating=rating, now=now))


@router.post("/ratings/{rating_id}/callback")
def callback(
    rating_id: RowId, body: CallbackCreate, session: SessionDep, user: CurrentUser, now: NowDep
) -> RatingRead:
    """The rated department's call-back (回访) to the applicant after rectifying, once."""
    rating = followup.record_callback(
        session, rating_id=rating_id, user=user, note=body.note, reached=body.reached, now=now
    )
    return _read(service.get_row(session, rating=rating, now=now))


@router.post("/ratings/{rating_id}/appeal", status_code=201)
def appeal(
    rating_id: RowId, body: AppealCreate, session: SessionDep, user: CurrentUser, now: NowDep
) -> RatingRead:
    """The rated department appeals a rating it believes unfair, once."""
    followup.appeal(session, rating_id=rating_id, user=user, reason=body.reason, now=now)
    rating = service.get_rating(session, rating_id=rating_id)
    return _read(service.get_row(session, rating=rating, now=now))


@router.post("/ratings/{rating_id}/appeal/decision")
def decide_appeal(
    rating_id: RowId, body: AppealDecision, session: SessionDep, user: CurrentUser, now: NowDep
) -> RatingRead:
    """A supervisor decides an appeal: upheld (the rating no longer counts) or dismissed."""
    followup.decide_appeal(
        session,
        rating_id=rating_id,
        user=user,
        outcome=body.outcome,
        decision=body.decision,
        now=now,
    )
    rating = service.get_rating(session, rating_id=rating_id)
    return _read(service.get_row(session, rating=rating, now=now))
