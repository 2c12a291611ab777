"""The ratings domain promises (好差评, the national rules of 国办发〔2019〕51号):

- the applicant rates each stage of a case once it is reached (receipt, acceptance,
  completion: 一事多评), with five named levels (非常满意 … 非常不满意), the national
  indicators (speed, accuracy of the guide, convenience, ease of use), reason tags and a
  comment; the channel the rating came through (办事渠道: the web or mobile page, a hall's
  self-service terminal, the API) is kept with it, whatever channel the case was filed in;
- a bad rating (2 or less) says what went wrong, tells the case's lead department (its
  staff get a message) and is rectified by it within ``rating_rectify_hours`` clock hours
  (or ``rating_rectify_working_days``); the department then records its call-back (回访)
  to the applicant, who sees the answer and may rate that stage again (``followup.py``);
- a department may appeal a rating it believes unfair; a supervisor decides, and an
  upheld appeal takes the rating out of the department's figures (``followup.py``);
- a finished case not rated within ``rating_invite_after_days`` gets one invitation
  (智能邀评, ``invitations.py``);
- every step is audited on the case; figures and department scores are computed from the
  rows (``figures.py``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.audit import service as audit
from tongban.audit.service import Actor
from tongban.cases.core import access, clocks
from tongban.cases.core.transition import lock_case
from tongban.cases.enums import CaseState
from tongban.cases.models import Case
from tongban.cases.service import record_case
from tongban.config import get_settings
from tongban.errors import Conflict, NotAllowed, NotFound
from tongban.ratings import rules, tasks
from tongban.ratings.enums import RatingChannel
from tongban.ratings.figures import RatingFigures, RatingsDashboard, figures
from tongban.ratings.invitations import run_due_invitations
from tongban.ratings.listing import department_in_view, get_row, list_ratings
from tongban.ratings.models import Rating
from tongban.ratings.rows import RatingRow
from tongban.ratings.rules import can_rectify

__all__ = [
    "RatingFigures",
    "RatingRow",
    "RatingsDashboard",
    "can_rectify",
    "department_in_view",
    "figures",
    "get_rating",
    "get_row",
    "list_ratings",
    "may_rate_again",
    "open_stages",
    "rate_case",
    "rating_of_case",
    "ratings_of_case",
    "record_rating",
    "rectify",
    "run_due_invitations",
    "stage_reached",
]


def _check_rater(case: Case, user: User) -> None:
    access.check_view(user, case)
    if not (access.owns(user, case) or access.acts_for(user, case)):
        raise NotAllowed("只有申请人可以评价本办件。", "Only the applicant may rate this case.")


def _check_not_withdrawn(case: Case) -> None:
    if case.state == CaseState.withdrawn:
        raise Conflict(
            "已撤回的办件不能评价。", "A withdrawn case cannot be rated.", code="not_rateable"
        )


def stage_reached(case: Case, stage: str) -> bool:
    """Whether the case has passed ``stage``: received, accepted, or finished."""
    if stage == "receipt":
        return case.submitted_at is not None and case.state != CaseState.draft
    if stage == "acceptance":
        return case.accepted_at is not None
    return case.state in rules.RATEABLE_STATES


def current_stage(case: Case) -> str | None:
    """The stage a first rating is given for now: the one the case is in (received and
    waiting, accepted and running, finished); None for a draft or a withdrawn case."""
    if case.state == CaseState.withdrawn:
        return None
    for stage in reversed(rules.STAGES):
        if stage_reached(case, stage):
            return stage
    return None


def _check_stage(case: Case, stage: str, previous: Rating | None) -> None:
    """A first rating is for the stage the case is in; a rating again, for any reached."""
    if stage_reached(case, stage) and (previous is not None or current_stage(case) == stage):
        return
    if stage == "completion":
        raise Conflict(
            "办件办理完毕（已办结、不予许可或不予受理）后才能评价。",
            "A case can be rated once it is finished (completed, refused or rejected).",
            code="not_rateable",
        )
    if stage_reached(case, stage):
        raise Conflict(
            f"{rules.STAGE_NAMES_ZH[stage]}环节已经过去，请评价办件当前所处的环节。",
            f"The {rules.STAGE_NAMES_EN[stage]} stage is over; rate the stage the case is in.",
            code="not_rateable",
        )
    raise Conflict(
        f"办件尚未{rules.STAGE_NAMES_ZH[stage]}，不能评价这一环节。",
        f"The case has not reached {rules.STAGE_NAMES_EN[stage]}; that stage cannot be rated yet.",
        code="not_rateable",
    )


def open_stages(session: Session, *, case: Case) -> list[str]:
    """The stages the applicant may rate now: the current one unless rated, and any whose
    bad rating was rectified and called back."""
    found = []
    for stage in rules.STAGES:
        latest = latest_of_stage(session, case_id=case.id, stage=stage)
        again = latest is not None and may_rate_again(latest)
        if again or (latest is None and stage == current_stage(case)):
            found.append(stage)
    return found


def latest_of_stage(session: Session, *, case_id: int, stage: str) -> Rating | None:
    """The newest round of the case's rating of ``stage``."""
    query = select(Rating).where(Rating.case_id == case_id, Rating.stage == stage)
    return session.scalar(query.order_by(Rating.round.desc()).limit(1))


def may_rate_again(rating: Rating) -> bool:
    """A bad rating, rectified and called back (the applicant reached), may be followed
    by a new one (round 2)."""
    return (
        rules.is_bad(rating.score)
        and rating.rectified_at is not None
        and bool(rating.callback_reached)
    )


def _check_not_rated(previous: Rating | None) -> None:
    if previous is None or may_rate_again(previous):
        return
    if rules.is_bad(previous.score) and previous.round == 1:
        raise Conflict(
            "部门整改并回访后，您可以再次评价。",
            "You can rate again once the department has rectified and called you back.",
            code="already_rated",
        )
    raise Conflict(
        "本办件这一环节已经评价过，每个环节只能评价一次。",
        "This stage of the case has already been rated.",
        code="already_rated",
    )


def rectify_due(session: Session, *, now: datetime) -> datetime:
    """When a bad rating given at ``now`` must be rectified, from the settings (the one
    place every channel's rating reads them): ``rating_rectify_working_days`` working days
    when set (some provinces: 15), else ``rating_rectify_hours`` clock hours (the seeds:
    24)."""
    settings = get_settings()
    if settings.rating_rectify_working_days:
        return clocks.calendar(session).add_working_days(now, settings.rating_rectify_working_days)
    return now + timedelta(hours=settings.rating_rectify_hours)


def rate_case(
    session: Session,
    *,
    case_id: int,
    user: User,
    score: int,
    comment: str | None,
    now: datetime,
    channel: RatingChannel,
    stage: str = "completion",
    tags: list[str] | None = None,
    indicators: dict[str, int] | None = None,
) -> Rating:
    """The signed-in applicant (or their agent) rates one stage of a case
    (``record_rating``). ``channel`` is where the rating was given (a case filed online
    may be rated at a hall's terminal). Raises NotAllowed for anyone else."""
    case = lock_case(session, case_id=case_id)
    _check_rater(case, user)
    return record_rating(
        session,
        case=case,
        actor=actor_of(user),
        score=score,
        comment=comment,
        now=now,
        channel=channel,
        stage=stage,
        tags=tags,
        indicators=indicators,
    )


def record_rating(
    session: Session,
    *,
    case: Case,
    actor: Actor,
    score: int,
    comment: str | None,
    now: datetime,
    channel: RatingChannel,
    stage: str = "completion",
    tags: list[str] | None = None,
    indicators: dict[str, int] | None = None,
    extra: dict[str, str] | None = None,
) -> Rating:
    """Record the applicant's rating of one stage of ``case`` (locked by the caller, who
    has checked the rater: the signed-in applicant, the window's pad, a signed link):
    once per stage, and again after a bad rating was rectified and called back; a bad
    rating gets a rectification due time (``rectify_due``) and its department is told.
    ``extra`` goes into the audit entry (the clerk at whose window a pad rating was given).

    The case's row lock serialises two ratings sent at once; the unique
    (case, stage, round) is the backstop. Raises Conflict (withdrawn, stage not open,
    already rated) or InvalidInput (score, comment, tags, indicators).
    """
    _check_not_withdrawn(case)
    stage = rules.check_stage(stage)
    previous = latest_of_stage(session, case_id=case.id, stage=stage)
    _check_stage(case, stage, previous)
    _check_not_rated(previous)
    score, text = rules.check_rating(score, comment, tags)
    tags = rules.check_tags(tags or [], score, stage)
    bad = rules.is_bad(score)
    rating = Rating(
        case_id=case.id,
        applicant_id=case.applicant_id,
        department_code=case.lead_department,
        stage=stage,
        channel=channel.value,
        round=previous.round + 1 if previous else 1,
        previous_id=previous.id if previous else None,
        score=score,
        tags=tags,
        indicators=rules.check_indicators(indicators or {}),
        comment=text,
        created_at=now,
        rectify_due_at=rectify_due(session, now=now) if bad else None,
    )
    session.add(rating)
    session.flush()
    record_case(
        session,
        now=now,
        action="rating.create",
        actor=actor,
        object_type="rating",
        object_id=rating.id,
        case=case,
        opinion=text,
        data={
            "score": score,
            "stage": stage,
            "round": rating.round,
            "channel": rating.channel,
            "tags": rating.tags,
            "department": rating.department_code,
            "bad_for_department": rating.department_code if bad else None,
            "rectify_due_at": rating.rectify_due_at.isoformat() if rating.rectify_due_at else None,
            **(extra or {}),
        },
    )
    tasks.schedule(session, rating=rating, now=now)
    return rating


def rectify(session: Session, *, rating_id: int, user: User, text: str, now: datetime) -> Rating:
    """The rated department answers a bad rating with its rectification, once (late is allowed
    and counted as late)."""
    query = (
        select(Rating)
        .where(Rating.id == rating_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    rating = session.scalar(query)
    if rating is None:
        raise NotFound(f"没有找到评价 {rating_id}。", f"No rating {rating_id}.")
    rules.check_rectifier(user, rating, what_zh="填写整改情况", what_en="rectify")
    if not rules.is_bad(rating.score):
        raise Conflict(
            "只有差评（不满意、非常不满意）需要整改。",
            "Only bad ratings (score 2 or less) are rectified.",
            code="not_bad",
        )
    if rating.rectified_at is not None:
        raise Conflict(
            f"该差评已由{rating.rectified_by}整改，无需重复填写；请刷新页面。",
            "This bad rating was already rectified; reload the page.",
            code="already_rectified",
        )
    cleaned = rules.check_rectification(text)
    actor = actor_of(user)
    rating.rectification, rating.rectified_by, rating.rectified_at = cleaned, actor.name, now
    on_time = rating.rectify_due_at is None or now < rating.rectify_due_at
    audit.record(
        session,
        at=now,
        action="rating.rectify",
        actor=actor,
        object_type="rating",
        object_id=rating.id,
        case_id=rating.case_id,
        subject_id=rating.applicant_id,
        opinion=cleaned,
        data={"score": rating.score, "on_time": on_time},
    )
    tasks.ended(session, rating=rating, now=now)
    return rating


def get_rating(session: Session, *, rating_id: int) -> Rating:
    """One rating by id (NotFound otherwise); the caller has checked who may see it."""
    rating = session.get(Rating, rating_id)
    if rating is None:
        raise NotFound(f"没有找到评价 {rating_id}。", f"No rating {rating_id}.")
    return rating


def rating_of_case(session: Session, *, case_id: int) -> Rating | None:
    """The newest rating of a case, if it has one (the caller has checked who may see it)."""
    query = select(Rating).where(Rating.case_id == case_id).order_by(Rating.id.desc()).limit(1)
    return session.scalar(query)


def ratings_of_case(session: Session, *, case_id: int) -> list[Rating]:
    """Every rating of a case, oldest first."""
    query = select(Rating).where(Rating.case_id == case_id).order_by(Rating.id)
    return list(session.scalars(query))
