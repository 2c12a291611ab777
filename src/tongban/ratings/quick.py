"""Short ratings given without the applicant signing in: on the window's rating pad
(``pad``) and through a signed link (``links``). The caller vouches for the rater (the
clerk's offer, the link's signature); the rating is the applicant's, recorded by the same
rules as on the case page (``service.record_rating``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.cases.core.transition import lock_case
from tongban.ratings import service
from tongban.ratings.enums import RatingChannel
from tongban.ratings.models import Rating


@dataclass(frozen=True)
class Answer:
    """What the applicant gave on a short rating form: a level 1–5 (0: none chosen), a
    comment, reason tags, and the national indicators scored (``rules.INDICATORS``)."""

    score: int
    comment: str | None
    tags: list[str]
    indicators: dict[str, int]


def rate_as_applicant(
    session: Session,
    *,
    case_id: int,
    answer: Answer,
    channel: RatingChannel,
    stage: str,
    now: datetime,
    extra: dict[str, str] | None = None,
) -> Rating:
    """Record ``answer`` as the rating of the case's applicant (the audit actor) for
    ``stage``, through ``channel``; raises what ``service.record_rating`` raises."""
    case = lock_case(session, case_id=case_id)
    applicant = session.get_one(User, case.applicant_id)
    return service.record_rating(
        session,
        case=case,
        actor=actor_of(applicant),
        score=answer.score,
        comment=answer.comment,
        tags=answer.tags,
        indicators=answer.indicators,
        now=now,
        channel=channel,
        stage=stage,
        extra=extra,
    )
