"""Lists of ratings for staff and supervisors: whose ratings a user may see, a
department's ratings with their case, open bad ones first."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case as when
from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.audit.models import AuditEntry
from tongban.cases.core import access
from tongban.cases.models import Case
from tongban.errors import NotAllowed
from tongban.ratings import rules
from tongban.ratings.models import Rating, RatingAppeal
from tongban.ratings.rows import Callback, RatingRow

CALLBACK_ACTIONS = ("rating.callback", "rating.callback_missed")  # ``followup.record_callback``


def department_in_view(session: Session, user: User, department_code: str | None) -> str | None:
    """The department whose ratings ``user`` may list: their own; supervisors any of their
    region, or all of it (None; ``list_ratings`` keeps the region's)."""
    if access.oversees(user):
        if department_code and not access.oversees_department(session, user, department_code):
            raise NotAllowed(
                "只能查看本辖区部门的评价。", "You may see only your region's departments' ratings."
            )
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
    department = department_in_view(session, user, department_code)
    is_open = (Rating.score <= rules.BAD_AT_MOST) & Rating.rectified_at.is_(None)
    query = (
        select(Rating, Case, RatingAppeal)
        .join(Case, Case.id == Rating.case_id)
        .outerjoin(RatingAppeal, RatingAppeal.rating_id == Rating.id)
        .order_by(
            when((is_open, 0), else_=1), when((is_open, Rating.rectify_due_at)), Rating.id.desc()
        )
        .limit(limit)
    )
    if department is not None:
        query = query.where(Rating.department_code == department)
    elif access.oversees(user):
        region = access.supervised_departments(session, user)
        if region is not None:
            query = query.where(Rating.department_code.in_(region))
    if bad_only:
        query = query.where(Rating.score <= rules.BAD_AT_MOST)
    found = list(session.execute(query))
    calls = callbacks_of(session, rating_ids=[rating.id for rating, _, _ in found])
    return [RatingRow(r, case, now, appeal, calls.get(r.id, ())) for r, case, appeal in found]


def get_row(session: Session, *, rating: Rating, now: datetime) -> RatingRow:
    """One rating with its case."""
    found = session.get_one(Case, rating.case_id)
    appeal = session.scalar(select(RatingAppeal).where(RatingAppeal.rating_id == rating.id))
    calls = callbacks_of(session, rating_ids=[rating.id]).get(rating.id, ())
    return RatingRow(rating, found, now, appeal, calls)


def callbacks_of(session: Session, *, rating_ids: list[int]) -> dict[int, tuple[Callback, ...]]:
    """Every call-back attempt recorded on each rating, reached or not, oldest first: the
    rating row keeps only the last, the audit trail each (``followup.record_callback``)."""
    if not rating_ids:
        return {}
    query = (
        select(AuditEntry)
        .where(
            AuditEntry.object_type == "rating",
            AuditEntry.object_id.in_([str(rating_id) for rating_id in rating_ids]),
            AuditEntry.action.in_(CALLBACK_ACTIONS),
        )
        .order_by(AuditEntry.id)
    )
    found: dict[int, list[Callback]] = {}
    for entry in session.scalars(query):
        call = Callback(
            entry.at, entry.actor_name, entry.opinion or "", entry.action == CALLBACK_ACTIONS[0]
        )
        found.setdefault(int(entry.object_id), []).append(call)
    return {rating_id: tuple(calls) for rating_id, calls in found.items()}
