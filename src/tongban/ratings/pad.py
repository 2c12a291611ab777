"""The window's rating pad (评价器): the second screen at a window clerk's desk, facing the
applicant (the national 好差评 rules of 国办发〔2019〕51号: 现场服务"一次一评", by a rating
device at the window).

After handling a case at the window the clerk offers it on the pad (``offer``), from the
receipt or the case page, when it is one of their hall's or department's (``may_offer``);
the pad (``/staff/pad``, opened in the clerk's session on the second screen) then shows
the item, the case number and the stage, never the applicant's name, and the applicant
taps one of the five levels, with reason tags for a bad one (``rate_at_pad``). The
applicant does not sign in: the clerk's offer binds the pad to that case, for
``OFFER_MINUTES``, and to the stage the case is in, rated once as on the case page
(``service.record_rating``; a bad rating is rectified like any other). The rating's
channel is ``window``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.audit import service as audit
from tongban.cases.models import Case
from tongban.errors import Conflict, NotAllowed, NotFound
from tongban.ratings import service
from tongban.ratings.enums import RatingChannel
from tongban.ratings.models import Rating, RatingPad
from tongban.ratings.quick import Answer, rate_as_applicant

OFFER_MINUTES = 15  # an offer nobody rated goes stale: the next applicant is not shown it


def may_offer(session: Session, *, clerk: User, case: Case) -> bool:
    """Whether ``clerk`` may offer ``case`` on their pad: a window clerk (受理) of the
    hall that took it in (the department of the clerk who did, or that received it for
    another region: 跨域通办) or of a department handling it (lead, or with a task of it),
    whoever took it in, online or at a window."""
    if not clerk.has_role(Role.clerk) or clerk.department_code is None:
        return False
    taker = session.get(User, case.created_by_id)
    halls = {task.department_code for task in case.tasks} | {
        case.lead_department,
        case.received_by_department,
        taker.department_code if taker is not None and taker.is_staff else None,
    }
    return clerk.department_code in halls


def _offerable(session: Session, *, clerk: User, number: str) -> Case:
    """Case ``number``, when the clerk may offer it (NotAllowed otherwise)."""
    case = session.scalar(select(Case).where(Case.number == number))
    if case is None:
        raise NotFound(f"没有找到办件 {number}。", f"No case {number}.")
    if not may_offer(session, clerk=clerk, case=case):
        raise NotAllowed(
            "评价器只能请本大厅窗口受理或本部门办理的办件的申请人评价。",
            "The rating pad is for the applicants of cases taken in at your hall or handled "
            "by your department.",
        )
    return case


def offer(session: Session, *, clerk: User, number: str, now: datetime) -> RatingPad:
    """Show case ``number`` on the clerk's pad for the stage it is in; replaces the last
    offer. Raises NotAllowed (not a case the clerk may offer: ``may_offer``) or Conflict (no stage open to a
    rating: already rated, or nothing to rate yet)."""
    case = _offerable(session, clerk=clerk, number=number)
    stages = service.open_stages(session, case=case)
    if not stages:
        raise Conflict(
            f"办件 {number} 当前环节已经评价过或尚不能评价，无需在评价器上评价。",
            f"Case {number} has no stage open to a rating now (rated already, or not yet "
            "rateable).",
            code="not_rateable",
        )
    pad = session.get(RatingPad, clerk.id) or RatingPad(clerk_id=clerk.id)
    pad.case_id, pad.stage, pad.offered_at = case.id, stages[-1], now
    session.add(pad)
    audit.record(
        session,
        at=now,
        action="rating.pad_offered",
        actor=actor_of(clerk),
        object_type="case",
        object_id=case.id,
        case_id=case.id,
        subject_id=case.applicant_id,
        data={"stage": pad.stage},
    )
    session.flush()
    return pad


def waiting(session: Session, *, clerk: User, now: datetime) -> tuple[RatingPad, Case] | None:
    """The offer the clerk's pad shows now, with its case: None when there is none, it is
    older than ``OFFER_MINUTES`` or its stage was rated meanwhile."""
    pad = session.get(RatingPad, clerk.id)
    if pad is None or now - pad.offered_at > timedelta(minutes=OFFER_MINUTES):
        return None
    case = session.get_one(Case, pad.case_id)
    return (pad, case) if pad.stage in service.open_stages(session, case=case) else None


def rate_at_pad(
    session: Session,
    *,
    clerk: User,
    number: str,
    answer: Answer,
    now: datetime,
) -> Rating:
    """The applicant's rating tapped on the clerk's pad, of the case it shows (``number``:
    the case the screen was drawn for, so a rating never lands on a case offered since).
    Raises Conflict (``pad_changed``) when the pad shows no offer or another case, and
    what ``service.record_rating`` raises."""
    found = waiting(session, clerk=clerk, now=now)
    if found is None or found[1].number != number:
        raise Conflict(
            "评价器上的办件已更换或已过时，请工作人员重新发起评价。",
            "The case on the rating pad has changed or gone stale; ask the clerk to offer "
            "it again.",
            code="pad_changed",
        )
    pad = found[0]
    rating = rate_as_applicant(
        session,
        case_id=pad.case_id,
        answer=answer,
        channel=RatingChannel.window,
        stage=pad.stage,
        now=now,
        extra={"clerk": clerk.display_name},
    )
    session.delete(pad)
    return rating
