"""What domains above ``cases`` add to a case's life without ``cases`` importing them
(the way ``materials/registry.py`` takes material providers): the lenient modes
(``tongban.lenient``) act when a case is accepted or decided, may withhold its results
(容缺: until the missing materials arrive), and let the applicant upload a material after
acceptance; department systems hear of tasks opened for them (``tongban.integration``);
payments (``tongban.payments``) withhold acceptance or results until the fees are paid,
check the pickup code of a window hand-over and send posted results on; an on-site
inspection (``tongban.inspection``) withholds the review opinion until it has passed, and a
verification request (协查, ``tongban.verification``) the approval until it is answered; a
public notice (``tongban.notices``) withholds the decision until it ended and its
objections were examined; work left open by a case that ended stops being watched; a
benefit's grant is judged at its period's end (``tongban.benefits``).
Registered when
``tongban.models.load_all()`` imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.audit.service import Actor
from tongban.cases.enums import TaskOutcome
from tongban.cases.models import Case, Material, ResultDocument, Task
from tongban.errors import Conflict
from tongban.files.store import FileStore

# (session, case, actor, now, store): after the case moved on from acceptance / its decision
Moved = Callable[[Session, Case, Actor, datetime, FileStore], None]
# (session, task, now): a task was opened for a department (its clock running)
Opened = Callable[[Session, Task, datetime], None]
# (session, case) -> (zh, en) why the results may not be issued yet, or None
Hold = Callable[[Session, Case], tuple[str, str] | None]
# (session, case, pickup code typed, actor, now): before a hand-over is recorded; may refuse
Handover = Callable[[Session, Case, str | None, Actor, datetime], None]
# (session, case, actor, now): after the result was delivered (posted, handed over)
Delivered = Callable[[Session, Case, Actor, datetime], None]


@dataclass(frozen=True)
class Condition:
    """What a licence issued now is conditional on (附条件): the text printed on its face
    and shown on verification, and the moment it lapses unless the condition is met."""

    text_zh: str
    text_en: str
    until: datetime


# (session, case) -> the condition results issued now are under, or None
Conditional = Callable[[Session, Case], Condition | None]


@dataclass(frozen=True)
class LateUpload:
    """Uploads after acceptance: ``allows(session, case, code, now)`` says whether the
    material may still be uploaded; ``uploaded(session, case, material, now)`` hears that
    it was."""

    allows: Callable[[Session, Case, str, datetime], bool]
    uploaded: Callable[[Session, Case, Material, datetime], None]


# (session, case, the result documents just issued, now): what the government issued flows
# on (a 营业执照 into the enterprise register, a claimed fact marked used: ``sharing``)
Issued = Callable[[Session, Case, "list[ResultDocument]", datetime], None]

# (session, case, now): the case has just entered a final state (办结, 不予受理, 不予许可,
# 撤回, 终止办理): what still waits on it is no longer due
Ended = Callable[[Session, Case, datetime], None]

# (session, review task, outcome) -> (zh, en) why the department may not give that opinion
# yet (现场踏勘 still open, or failed), or None
ReviewHold = Callable[[Session, Task, TaskOutcome], tuple[str, str] | None]

# (session, case definition, applicant) -> (zh, en) why the applicant may not use the
# lenient modes (告知承诺, 容缺受理: bad credit, a high-risk item), told on the form before
# submitting; None when they may
ApplicantBar = Callable[[Session, dict[str, Any], User], tuple[str, str] | None]

# (session, case) -> the day a case's conditions hold at when not the day it was received:
# a proactive benefit's run judges ages at its period's last day (``tongban.benefits``)
ReferenceDay = Callable[[Session, Case], date | None]

ACCEPTED: list[Moved] = []
REFERENCE_DAYS: list[ReferenceDay] = []
APPLICANT_BARS: list[ApplicantBar] = []
DECIDED: list[Moved] = []
HOLDS: list[Hold] = []
CONDITIONS: list[Conditional] = []
ACCEPT_HOLDS: list[Hold] = []  # (zh, en) why the case may not be accepted yet (待缴费)
HANDOVERS: list[Handover] = []  # the window's pickup code (取件码)
DELIVERED: list[Delivered] = []  # a posted result goes to the courier
LATE_UPLOADS: list[LateUpload] = []
TASK_OPENED: list[Opened] = []
REVIEW_HOLDS: list[ReviewHold] = []  # an inspection not passed, a 协查 not answered
# (session, decision task, outcome): a public notice (公示, ``tongban.notices``) still running,
# an objection to it not examined
DECIDE_HOLDS: list[ReviewHold] = []
ISSUED: list[Issued] = []
# (zh, en) why an art. 45 pause may not be ended by hand: a procedure that ends it itself
# is still running (专家评审: the expert panel's last opinion or its deadline ends it)
RESUME_HOLDS: list[Hold] = []
ENDED: list[Ended] = []  # 协查 of an ended case are no longer watched (``tongban.verification``)
# the English of the fixed opinions a domain writes itself (系统 texts), kept beside them in the
# audit entry (``data["opinion_en"]``) for English pages and the API; what people type is not here
OPINIONS_EN: dict[str, str] = {}


def with_opinion_en(data: dict[str, Any] | None, opinion: str | None) -> dict[str, Any] | None:
    """``data`` with the English of ``opinion`` (``OPINIONS_EN``) where it is a platform text
    and ``data`` carries none yet."""
    english = OPINIONS_EN.get(opinion or "")
    if english is None or (data or {}).get("opinion_en"):
        return data
    return {**(data or {}), "opinion_en": english}


def run(
    hooks: list[Moved], session: Session, case: Case, actor: Actor, now: datetime, store: FileStore
) -> None:
    """Call every hook of ``hooks`` in the order registered."""
    for hook in hooks:
        hook(session, case, actor, now, store)


def check_hold(session: Session, case: Case) -> None:
    """Conflict ``result_withheld`` when a registered hold withholds the results."""
    for hold in HOLDS:
        reason = hold(session, case)
        if reason is not None:
            raise Conflict(reason[0], reason[1], code="result_withheld")


def check_review_hold(session: Session, task: Task, outcome: TaskOutcome) -> None:
    """Conflict ``review_withheld`` when a registered hold keeps the review task from
    ``outcome`` (an on-site inspection still open)."""
    for hold in REVIEW_HOLDS:
        reason = hold(session, task, outcome)
        if reason is not None:
            raise Conflict(reason[0], reason[1], code="review_withheld")


def check_decide_hold(session: Session, task: Task, outcome: TaskOutcome) -> None:
    """Conflict ``decision_withheld`` when a registered hold keeps the decision task from
    ``outcome`` (a public notice still running, an objection not examined)."""
    for hold in DECIDE_HOLDS:
        reason = hold(session, task, outcome)
        if reason is not None:
            raise Conflict(reason[0], reason[1], code="decision_withheld")


def check_accept_hold(session: Session, case: Case) -> None:
    """Conflict ``acceptance_withheld`` when a registered hold keeps the case from acceptance."""
    for hold in ACCEPT_HOLDS:
        reason = hold(session, case)
        if reason is not None:
            raise Conflict(reason[0], reason[1], code="acceptance_withheld")


def check_resume_hold(session: Session, case: Case) -> None:
    """Conflict ``procedure_running`` when a registered hold keeps the pause open."""
    for hold in RESUME_HOLDS:
        reason = hold(session, case)
        if reason is not None:
            raise Conflict(reason[0], reason[1], code="procedure_running")


def applicant_bar(session: Session, spec: dict[str, Any], user: User) -> tuple[str, str] | None:
    """Why ``user`` may not use the lenient modes of ``spec``, (zh, en), or None."""
    for bar in APPLICANT_BARS:
        found = bar(session, spec, user)
        if found is not None:
            return found
    return None


def late_upload(session: Session, case: Case, code: str, now: datetime) -> LateUpload | None:
    """The registered late upload that lets ``code`` be uploaded now, if any."""
    return next((late for late in LATE_UPLOADS if late.allows(session, case, code, now)), None)


def reference_day(session: Session, case: Case) -> date | None:
    """The day ``case``'s conditions are judged at, where a registered hook sets one (a
    benefit grant: its period's last day); None: the day it was received."""
    return next((d for d in (hook(session, case) for hook in REFERENCE_DAYS) if d), None)


def condition_of(session: Session, case: Case) -> Condition | None:
    """The condition a licence issued now for ``case`` is under (容缺: the missing
    materials), if a registered hook sets one."""
    return next((c for c in (hook(session, case) for hook in CONDITIONS) if c), None)
