"""The ratings domain promises (好差评): the applicant rates a finished case once, 1 to 5;
a bad rating (2 or less) says what went wrong and is rectified by the case's lead
department within ``rating_rectify_hours`` clock hours, once; every rating and
rectification is audited on the case, and the applicant is told of the rectification.
Figures (average, 好评率, rectified on time) are computed from the rows.

The department hears of a bad rating from its list (``/staff/ratings``): the outbox has
only personal recipients, no department ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case as when
from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban import timefmt
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.audit import service as audit
from tongban.cases.core import access
from tongban.cases.core.transition import lock_case
from tongban.cases.enums import CaseState
from tongban.cases.models import Case
from tongban.config import get_settings
from tongban.errors import Conflict, NotAllowed, NotFound
from tongban.ratings import rules, tasks
from tongban.ratings.figures import RatingFigures, RatingsDashboard, figures
from tongban.ratings.models import Rating

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
    "rate_case",
    "rating_of_case",
    "rectify",
]


@dataclass(frozen=True)
class RatingRow:
    """A rating with its case, as seen at ``now``."""

    rating: Rating
    case_number: str
    case_title: str
    now: datetime

    @property
    def bad(self) -> bool:
        return rules.is_bad(self.rating.score)

    @property
    def open(self) -> bool:
        """A bad rating still waiting for its rectification."""
        return self.bad and self.rating.rectified_at is None

    @property
    def overdue(self) -> bool:
        """Open, and its due time has come (like a clock: overdue from ``due_at`` on)."""
        due = self.rating.rectify_due_at
        return self.open and due is not None and self.now >= due

    @property
    def late(self) -> bool:
        """Rectified, but not before the due time."""
        done, due = self.rating.rectified_at, self.rating.rectify_due_at
        return done is not None and due is not None and done >= due

    @property
    def minutes_left(self) -> int | None:
        """Whole clock minutes until the rectification is due, rounded down (negative:
        overdue, a minute begun counting); None unless open."""
        due = self.rating.rectify_due_at
        if not self.open or due is None:
            return None
        if self.overdue:
            return -timefmt.whole_minutes(self.now - due, overdue=True)
        return timefmt.whole_minutes(due - self.now)

    @property
    def urgency(self) -> str | None:
        due = self.rating.rectify_due_at
        if not self.open or due is None:
            return None
        return rules.urgency(due_at=due, now=self.now, limit=due - self.rating.created_at)


def _check_rateable(session: Session, case: Case, user: User) -> None:
    access.check_view(user, case)
    if not (access.owns(user, case) or access.acts_for(user, case)):
        raise NotAllowed("只有申请人可以评价本办件。", "Only the applicant may rate this case.")
    if case.state == CaseState.withdrawn:
        raise Conflict(
            "已撤回的办件不能评价。", "A withdrawn case cannot be rated.", code="not_rateable"
        )
    if case.state not in rules.RATEABLE_STATES:
        raise Conflict(
            "办件办理完毕（已办结、不予许可或不予受理）后才能评价。",
            "A case can be rated once it is finished (completed, refused or rejected).",
            code="not_rateable",
        )
    if rating_of_case(session, case_id=case.id) is not None:
        raise Conflict(
            "本办件已经评价过，每个办件只能评价一次。",
            "This case has already been rated; a case is rated once.",
            code="already_rated",
        )


def rate_case(
    session: Session,
    *,
    case_id: int,
    user: User,
    score: int,
    comment: str | None,
    now: datetime,
    rectify_hours: int | None = None,
) -> Rating:
    """The applicant rates a finished case once; a bad rating gets a rectification due time.

    ``rectify_hours`` defaults to the ``rating_rectify_hours`` setting. The case's row
    lock serialises two ratings sent at once; the unique case_id is the backstop.
    """
    case = lock_case(session, case_id=case_id)
    _check_rateable(session, case, user)
    score, text = rules.check_rating(score, comment)
    hours = rectify_hours if rectify_hours is not None else get_settings().rating_rectify_hours
    rating = Rating(
        case_id=case.id,
        applicant_id=case.applicant_id,
        department_code=case.lead_department,
        score=score,
        comment=text,
        created_at=now,
        rectify_due_at=now + timedelta(hours=hours) if rules.is_bad(score) else None,
    )
    session.add(rating)
    session.flush()
    audit.record(
        session,
        at=now,
        action="rating.create",
        actor=actor_of(user),
        object_type="rating",
        object_id=rating.id,
        case_id=case.id,
        subject_id=case.applicant_id,
        opinion=text,
        data={
            "score": score,
            "department": rating.department_code,
            "rectify_due_at": rating.rectify_due_at.isoformat() if rating.rectify_due_at else None,
        },
    )
    tasks.schedule(session, rating=rating, now=now)
    return rating


def can_rectify(user: User, rating: Rating) -> bool:
    """Any staff member of the department the rating is about; supervisors only look."""
    return user.is_staff and user.department_code == rating.department_code


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
    if not can_rectify(user, rating):
        raise NotAllowed(
            "只有被评价部门的工作人员可以填写整改情况。",
            "Only staff of the rated department may rectify.",
        )
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
    tasks.rectified(session, rating=rating, now=now)
    return rating


def get_rating(session: Session, *, rating_id: int) -> Rating:
    """One rating by id (NotFound otherwise); the caller has checked who may see it."""
    rating = session.get(Rating, rating_id)
    if rating is None:
        raise NotFound(f"没有找到评价 {rating_id}。", f"No rating {rating_id}.")
    return rating


def rating_of_case(session: Session, *, case_id: int) -> Rating | None:
    """The rating of a case, if it has one (the caller has checked who may see the case)."""
    return session.scalar(select(Rating).where(Rating.case_id == case_id))


def department_in_view(user: User, department_code: str | None) -> str | None:
    """The department whose ratings ``user`` may list: their own; supervisors any or all."""
    if user.has_role(Role.supervisor, Role.system_admin):
        return department_code or None
    if user.is_staff and user.department_code:
        if department_code in (None, "", user.department_code):
            return user.department_code
        raise NotAllowed(
            "只能查看本部门的评价。", "You may see only your own department's ratings."
        )
    raise NotAllowed(
        "评价列表仅供部门工作人员和电子监察人员查看。",
        "Ratings lists are for department staff and supervisors.",
    )


def list_ratings(
    session: Session,
    *,
    user: User,
    department_code: str | None,
    bad_only: bool,
    now: datetime,
    limit: int = 200,
) -> list[RatingRow]:
    """A department's ratings (all departments for supervisors who name none): bad ones
    still open first, soonest due first; then the others, newest first."""
    department = department_in_view(user, department_code)
    is_open = (Rating.score <= rules.BAD_AT_MOST) & Rating.rectified_at.is_(None)
    query = (
        select(Rating, Case.number, Case.title)
        .join(Case, Case.id == Rating.case_id)
        .order_by(
            when((is_open, 0), else_=1), when((is_open, Rating.rectify_due_at)), Rating.id.desc()
        )
        .limit(limit)
    )
    if department is not None:
        query = query.where(Rating.department_code == department)
    if bad_only:
        query = query.where(Rating.score <= rules.BAD_AT_MOST)
    return [RatingRow(r, number, title, now) for r, number, title in session.execute(query)]


def get_row(session: Session, *, rating: Rating, now: datetime) -> RatingRow:
    """One rating with its case's number and title."""
    found = session.get_one(Case, rating.case_id)
    return RatingRow(rating, found.number, found.title, now)
