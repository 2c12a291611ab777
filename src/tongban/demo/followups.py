"""What follows the simulated bad ratings (``tongban simulate``): the departments' call-backs
(回访) and appeals (申诉), and the supervisors' decisions, each through the ratings
services (``ratings.followup``) as staff would record them, so the dashboard's 已回访 and
申诉 figures, the audit trail and the messages are those of a real month.

The rates are a city's under the national 好差评 rules (国办发〔2019〕51号): almost every
rectified bad rating is called back within a few days, one attempt in five first reaches
nobody; a few bad ratings are appealed, most decided within days, about a third upheld.
Whoever does it is a staff member of the rated department who handles its cases
(``ratings.service.can_rectify``) and a supervisor of its region; a department without
either is left alone.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.accounts.enums import Role, UserKind
from tongban.accounts.models import User
from tongban.cases.core import access
from tongban.ratings import followup, rules
from tongban.ratings.models import Rating

CALLED_BACK = 0.9  # rectified bad ratings whose department calls the applicant back
MISSED_FIRST = 0.2  # call-backs whose first attempt reaches nobody (tried again a day on)
APPEALED = 0.08  # bad ratings the department appeals as unfair
DECIDED = 0.85  # appeals a supervisor has decided (the rest wait on the dashboard)
UPHELD = 0.35  # decided appeals upheld: the rating leaves the department's figures

NOTES = (
    "申请人对整改结果表示认可。",
    "申请人表示理解，已说明改进措施。",
    "已向申请人致歉并说明办理进度。",
)
MISSED = ("电话无人接听。", "号码暂时无法接通。")
REASONS = ("申请人反映的问题属其他部门职责。", "评价内容与本次办理服务无关。")
DECISIONS = ("经核查，申诉理由成立。", "经核查，评价属实，申诉不成立。")


class Staff:
    """Who acts for each department: one of its case handlers, and a supervisor of its
    region (None when it has none), looked up once per department."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.handlers: dict[str, User | None] = {}
        self.supervisors: dict[str, User | None] = {}
        query = select(User).where(User.kind == UserKind.staff, User.active.is_(True))
        self.staff = list(session.scalars(query.order_by(User.id)))

    def handler(self, department: str) -> User | None:
        if department not in self.handlers:
            self.handlers[department] = next(
                (
                    u
                    for u in self.staff
                    if u.department_code == department and u.has_role(*access.WORK_ROLES)
                ),
                None,
            )
        return self.handlers[department]

    def supervisor(self, department: str) -> User | None:
        if department not in self.supervisors:
            self.supervisors[department] = next(
                (
                    u
                    for u in self.staff
                    if u.has_role(Role.supervisor)
                    and access.oversees_department(self.session, u, department)
                ),
                None,
            )
        return self.supervisors[department]


def follow_up(session: Session, *, since: int, rng: random.Random, now: datetime) -> int:
    """Call back and appeal the bad ratings with ids from ``since`` as their departments
    would have by ``now``, times drawn with ``rng``; returns how many ratings were touched."""
    staff = Staff(session)
    bad = select(Rating).where(Rating.id >= since, Rating.score <= rules.BAD_AT_MOST)
    touched = 0
    for rating in session.scalars(bad.order_by(Rating.id)).all():
        handler = staff.handler(rating.department_code)
        if handler is None:
            continue
        called = _call_back(session, rating, handler, rng, now)
        appealed = _appeal(session, rating, handler, staff, rng, now)
        touched += called or appealed
    return touched


def _call_back(
    session: Session, rating: Rating, handler: User, rng: random.Random, now: datetime
) -> bool:
    if rating.rectified_at is None or rng.random() >= CALLED_BACK:
        return False
    at = rating.rectified_at + timedelta(hours=rng.uniform(2, 48))
    if at >= now:
        return False
    if rng.random() < MISSED_FIRST:
        note = rng.choice(MISSED)
        followup.record_callback(
            session, rating_id=rating.id, user=handler, note=note, reached=False, now=at
        )
        at += timedelta(days=1)
        if at >= now:
            return True
    note = rng.choice(NOTES)
    followup.record_callback(
        session, rating_id=rating.id, user=handler, note=note, reached=True, now=at
    )
    return True


def _appeal(
    session: Session,
    rating: Rating,
    handler: User,
    staff: Staff,
    rng: random.Random,
    now: datetime,
) -> bool:
    if rng.random() >= APPEALED:
        return False
    at = rating.created_at + timedelta(hours=rng.uniform(4, 72))
    if at >= now:
        return False
    reason = rng.choice(REASONS)
    followup.appeal(session, rating_id=rating.id, user=handler, reason=reason, now=at)
    supervisor = staff.supervisor(rating.department_code)
    decided = at + timedelta(days=rng.uniform(1, 5))
    if supervisor is None or decided >= now or rng.random() >= DECIDED:
        return True
    upheld = rng.random() < UPHELD
    followup.decide_appeal(
        session,
        rating_id=rating.id,
        user=supervisor,
        outcome="upheld" if upheld else "dismissed",
        decision=DECISIONS[0 if upheld else 1],
        now=decided,
    )
    return True
