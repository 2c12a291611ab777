"""智能邀评: a finished case whose completion was not rated within
``rating_invite_after_days`` days gets one invitation to rate it, in the message centre
and by e-mail or SMS (topic ``rating_invited``). Idempotent: the invitation row is
unique per case, so a sweep run twice, or by two workers, invites once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from tongban.audit import service as audit
from tongban.cases.models import Case
from tongban.cases.service import record_case
from tongban.config import get_settings
from tongban.ratings import rules
from tongban.ratings.models import Rating, RatingInvitation

BATCH = 500


def run_due_invitations(
    session: Session, *, now: datetime, after_days: int | None = None
) -> list[str]:
    """Invite the applicant of every case finished more than ``after_days`` days
    (``rating_invite_after_days``) ago, with no completion rating and no invitation yet;
    returns the case numbers."""
    days = after_days if after_days is not None else get_settings().rating_invite_after_days
    rated = exists().where(Rating.case_id == Case.id, Rating.stage == "completion")
    invited = exists().where(RatingInvitation.case_id == Case.id)
    query = (
        select(Case)
        .where(
            Case.state.in_(rules.RATEABLE_STATES),
            Case.closed_at <= now - timedelta(days=days),
            ~rated,
            ~invited,
        )
        .order_by(Case.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    )
    numbers = []
    for case in session.scalars(query):
        session.add(RatingInvitation(case_id=case.id, invited_at=now))
        session.flush()  # the unique case_id refuses a second invitation before any message
        record_case(
            session,
            now=now,
            action="rating.invite",
            actor=audit.SYSTEM,
            case=case,
            data={"after_days": days},
        )
        numbers.append(case.number)
    return numbers
