"""After a bad rating: the department's call-back to the applicant (回访), which closes
the rectification; a department's appeal (申诉) against a rating it believes unfair, and
the supervisor's decision. Each step once, audited on the case."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.alerts.recipients import supervisors_of
from tongban.audit import service as audit
from tongban.cases.core import access
from tongban.errors import Conflict, InvalidInput, NotAllowed, NotFound, gather
from tongban.ratings import rules, tasks
from tongban.ratings.models import Rating, RatingAppeal

OUTCOMES = ("upheld", "dismissed")


def _locked(session: Session, rating_id: int) -> Rating:
    query = (
        select(Rating)
        .where(Rating.id == rating_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    rating = session.scalar(query)
    if rating is None:
        raise NotFound(f"没有找到评价 {rating_id}。", f"No rating {rating_id}.")
    return rating


def record_callback(
    session: Session, *, rating_id: int, user: User, note: str, reached: bool, now: datetime
) -> Rating:
    """The rated department records a call-back to the applicant after rectifying. An
    attempt that did not reach the applicant (``reached`` False) is kept (audited, shown
    as the latest) and more may follow; the first that reaches them closes the call-back
    and lets them rate that stage again. Conflict ``already_called_back`` after that."""
    rating = _locked(session, rating_id)
    rules.check_rectifier(user, rating, what_zh="记录回访", what_en="record the call-back")
    if rating.rectified_at is None:
        raise Conflict(
            "请先填写整改情况，再回访申请人。",
            "Rectify first, then call the applicant back.",
            code="not_rectified",
        )
    if rating.callback_reached:
        raise Conflict(
            f"回访已由{rating.callback_by}记录，无需重复填写；请刷新页面。",
            "The call-back was already recorded; reload the page.",
            code="already_called_back",
        )
    cleaned = rules.check_text(note, field="note", what_zh="回访情况", what_en="call-back note")
    actor = actor_of(user)
    rating.callback_note, rating.callback_reached = cleaned, reached
    rating.callback_by, rating.callback_at = actor.name, now
    audit.record(
        session,
        at=now,
        # a reached call-back tells the applicant they may rate again (outbox)
        action="rating.callback" if reached else "rating.callback_missed",
        actor=actor,
        object_type="rating",
        object_id=rating.id,
        case_id=rating.case_id,
        subject_id=rating.applicant_id,
        opinion=cleaned,
        data={"reached": reached},
    )
    return rating


def appeal_of(session: Session, *, rating_id: int) -> RatingAppeal | None:
    return session.scalar(select(RatingAppeal).where(RatingAppeal.rating_id == rating_id))


def appeal(
    session: Session, *, rating_id: int, user: User, reason: str, now: datetime
) -> RatingAppeal:
    """The rated department appeals a bad rating it believes unfair (malicious, not about
    the service, a mistake of another department), once per rating. Conflict for a rating
    that is not bad (nothing to rectify, nothing counted against the department) or one
    already appealed."""
    rating = _locked(session, rating_id)
    rules.check_rectifier(user, rating, what_zh="提出申诉", what_en="appeal")
    if not rules.is_bad(rating.score):
        raise Conflict(
            "只能对差评（不满意、非常不满意）提出申诉；满意、基本满意的评价无需申诉。",
            "Only a bad rating (dissatisfied or very dissatisfied) can be appealed.",
            code="not_a_bad_rating",
        )
    if appeal_of(session, rating_id=rating.id) is not None:
        raise Conflict(
            "该评价已提出过申诉，每个评价只能申诉一次。",
            "This rating was already appealed; a rating is appealed once.",
            code="already_appealed",
        )
    cleaned = rules.check_text(reason, field="reason", what_zh="申诉理由", what_en="reason")
    actor = actor_of(user)
    found = RatingAppeal(
        rating_id=rating.id,
        department_code=rating.department_code,
        reason=cleaned,
        appealed_by=actor.name,
        appealed_at=now,
    )
    session.add(found)
    session.flush()
    audit.record(
        session,
        at=now,
        action="rating.appeal",
        actor=actor,
        object_type="rating",
        object_id=rating.id,
        case_id=rating.case_id,
        opinion=cleaned,
        data={
            "department": rating.department_code,
            # the region's supervisors decide it: told at once (outbox.STAFF_TOPICS)
            "recipients": supervisors_of(session, department=rating.department_code),
        },
    )
    return found


def _check_outcome(outcome: str) -> str:
    if outcome not in OUTCOMES:
        raise InvalidInput(
            "请选择申诉成立或不成立。", "Choose upheld or dismissed.", field="outcome"
        )
    return outcome


def decide_appeal(
    session: Session, *, rating_id: int, user: User, outcome: str, decision: str, now: datetime
) -> RatingAppeal:
    """A supervisor decides an appeal: ``upheld`` takes the rating out of the department's
    figures and ends its rectification; ``dismissed`` keeps it. The department is told.
    InvalidInput naming every problem at once (``outcome``, ``decision``)."""
    if not user.has_role(Role.supervisor):
        raise NotAllowed("只有电子监察人员可以裁定申诉。", "Only supervisors decide appeals.")
    rating = _locked(session, rating_id)
    if not access.oversees_department(session, user, rating.department_code):
        raise NotAllowed(
            "只能裁定本辖区部门的评价申诉。",
            "You decide appeals of your region's departments only.",
        )
    found = appeal_of(session, rating_id=rating.id)
    if found is None:
        raise NotFound("该评价没有申诉。", "This rating has no appeal.")
    if found.outcome is not None:
        raise Conflict(
            "该申诉已经裁定。", "This appeal has already been decided.", code="already_decided"
        )
    cleaned = gather(
        {
            "outcome": lambda: _check_outcome(outcome),
            "decision": lambda: rules.check_text(
                decision, field="decision", what_zh="裁定理由", what_en="decision"
            ),
        }
    )["decision"]
    actor = actor_of(user)
    found.outcome, found.decision, found.decided_by, found.decided_at = (
        outcome,
        cleaned,
        actor.name,
        now,
    )
    audit.record(
        session,
        at=now,
        action="rating.appeal_decide",
        actor=actor,
        object_type="rating",
        object_id=rating.id,
        case_id=rating.case_id,
        opinion=cleaned,
        data={"department": rating.department_code, "outcome": outcome},
    )
    if outcome == "upheld":
        tasks.ended(session, rating=rating, now=now)
    return found


def open_appeals(session: Session, *, limit: int = 200) -> list[RatingAppeal]:
    """Appeals waiting for a supervisor, oldest first."""
    query = select(RatingAppeal).where(RatingAppeal.outcome.is_(None))
    return list(session.scalars(query.order_by(RatingAppeal.id).limit(limit)))
