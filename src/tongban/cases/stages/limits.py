"""Time limits of a running case under the law (行政许可法): art. 45 pauses (hearings,
inspections, testing, expert review do not count) and the art. 42 extension of the legal
limit, both allowed only while that limit runs.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.orm import Session

from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.audit.service import Actor
from tongban.cases.core import clocks, definition, hooks
from tongban.cases.core.transition import lock_case, record_case
from tongban.cases.enums import APPLICANT_PAUSES, CaseState, ClockKind, PauseReason, TaskState
from tongban.cases.models import Case, CasePause
from tongban.errors import Conflict, InvalidInput, NotAllowed


def _check_case_officer(case: Case, user: User, *roles: Role) -> None:
    open_departments = {t.department_code for t in case.tasks if t.state == TaskState.open}
    if user.department_code not in open_departments | {case.lead_department} or not user.has_role(
        *roles
    ):
        raise NotAllowed(
            "只有承办部门的审查或核准人员可以这样做。",
            "Only reviewers or approvers of a department handling the case may do this.",
        )


def _legal_limit_passed(session: Session, case: Case, now: datetime) -> date | None:
    """The last day of the legal limit (法定期限) if it has run out, else None; while the
    case is paused, as it stood when the pause began."""
    cal = clocks.calendar(session)
    for clock in clocks.running(case, ClockKind.legal):
        if clocks.time_left(cal, clock, now=now, pauses=case.pauses).overdue:
            return cal.local_date(clock.due_at - timedelta(seconds=1))
    return None


def pause_clock(
    session: Session,
    *,
    case_id: int,
    user: User,
    reason: PauseReason,
    note: str,
    now: datetime,
    until: datetime | None = None,
) -> CasePause:
    """Art. 45: hearings, inspections, testing, expert review do not count; a legal limit
    that has already run out cannot be paused. ``note`` is the applicant's to read (the
    case page, the message); ``until`` is the end of the time the procedure needs (an
    expert panel's deadline; a hand-set pause's last day, :func:`needed_until`), told to
    the applicant in writing (行政许可法第四十五条: 所需时间书面告知申请人): InvalidInput
    (field ``until``) without it or when it has passed."""
    case = lock_case(session, case_id=case_id)
    _check_case_officer(case, user, Role.reviewer, Role.approver)
    if reason in APPLICANT_PAUSES or not note.strip():
        raise InvalidInput(
            "请选择暂停原因（听证、检验、检测、专家评审）并说明情况。",
            "Choose hearing, inspection, testing or expert review and explain.",
            field="note",
        )
    if until is None or until <= now:
        raise InvalidInput(
            "请填写所需时间的最后一天（今天或以后），系统将书面告知申请人"
            "（《行政许可法》第四十五条）。",
            "Give the last day the procedure needs (today or later): the applicant is told "
            "it in writing (Administrative Licensing Law, art. 45).",
            field="until",
        )
    if case.state not in (CaseState.in_review, CaseState.in_decision):
        raise Conflict(
            "只有审查或核准阶段可以暂停计时。", "The clock pauses only in review or decision."
        )
    if clocks.open_pause(case) is not None:
        raise Conflict("计时已经暂停。", "The clock is already paused.")
    passed = _legal_limit_passed(session, case, now)
    if passed is not None:
        raise Conflict(
            f"法定办理期限已于 {passed} 届满，不能再暂停计时；请尽快作出决定。",
            f"The legal time limit ran out on {passed}; the clock can no longer be paused. "
            "Decide the case.",
            code="legal_limit_passed",
        )
    return _pause(session, case, reason, note, actor_of(user), now, until)


def needed_until(session: Session, day: date | None) -> datetime | None:
    """The end of ``day`` (a local date: the last day a hand-set pause's procedure needs)
    as the moment :func:`pause_clock` takes; None stays None (refused there)."""
    if day is None:
        return None
    tz = clocks.calendar(session).tz
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=tz).astimezone(UTC)


def _pause(
    session: Session,
    case: Case,
    reason: PauseReason,
    note: str,
    actor: Actor,
    now: datetime,
    until: datetime | None = None,
) -> CasePause:
    """Open a pause of ``reason`` and audit it as ``case.pause`` (the applicant hears, and
    of ``until``, the end of the time the procedure needs, when it is known)."""
    pause = _open(session, case, reason, note, actor, now)
    data: dict[str, object] = {"reason": reason}
    if until is not None:
        data["due_at"] = until.isoformat()
    record_case(
        session, now=now, action="case.pause", actor=actor, case=case, opinion=note, data=data
    )
    return pause


def _open(
    session: Session, case: Case, reason: PauseReason, note: str, actor: Actor, now: datetime
) -> CasePause:
    pause = CasePause(
        case_id=case.id, reason=reason, note=note, started_at=now, started_by=actor.name
    )
    session.add(pause)
    case.pauses.append(pause)
    return pause


def pause_for_procedure(
    session: Session, *, case: Case, reason: PauseReason, note: str, actor: Actor, now: datetime
) -> CasePause | None:
    """Art. 45: stop the clock for a procedure another domain runs (现场踏勘 where the item
    says its time does not count) on a case locked by the caller; audited as
    ``case.pause``. None, and no pause, when the case is not in review or decision, a pause
    is already open (its time already does not count) or the legal limit has run out."""
    if reason in APPLICANT_PAUSES:
        raise ValueError(f"{reason} is the applicant's, not a procedure's")
    if case.state not in (CaseState.in_review, CaseState.in_decision):
        return None
    if clocks.open_pause(case) is not None or _legal_limit_passed(session, case, now):
        return None
    return _pause(session, case, reason, note, actor, now)


def resume(
    session: Session,
    case: Case,
    actor: Actor,
    now: datetime,
    opinion: str | None = None,
    opinion_en: str | None = None,
) -> None:
    """End the case's open pause, moving due times by the working time it took, and audit it
    (``opinion_en``: the English of a platform's ``opinion`` that ``hooks.OPINIONS_EN``
    cannot hold, a text with numbers in it)."""
    moved = clocks.end_pause(session, case=case, now=now)
    data: dict[str, object] = {"moved": [clock.id for clock, _ in moved]}
    if opinion_en:
        data["opinion_en"] = opinion_en
    record_case(
        session, now=now, action="case.resume", actor=actor, case=case, opinion=opinion, data=data
    )


def wait_for_applicant(
    session: Session, *, case: Case, reason: PauseReason, note: str, actor: Actor, now: datetime
) -> CasePause | None:
    """Stop every clock while the applicant acts (``reason`` one of ``APPLICANT_PAUSES``:
    their payment is not the department's time); None when a pause is already open.
    Not audited here: the caller's own entry says why (``payment.ordered``)."""
    if reason not in APPLICANT_PAUSES:
        raise ValueError(f"{reason} is not the applicant's to end")
    if clocks.open_pause(case) is not None:
        return None
    return _open(session, case, reason, note, actor, now)


def applicant_done(
    session: Session,
    *,
    case: Case,
    reason: PauseReason,
    actor: Actor,
    now: datetime,
    opinion: str,
    opinion_en: str | None = None,
) -> bool:
    """End the open pause of ``reason`` (the payment arrived): due times move by the working
    time it took, audited as ``case.resume``. False when no such pause is open."""
    pause = clocks.open_pause(case)
    if pause is None or pause.reason != reason:
        return False
    resume(session, case, actor, now, opinion=opinion, opinion_en=opinion_en)
    return True


def procedure_done(
    session: Session,
    *,
    case_id: int,
    reason: PauseReason,
    actor: Actor,
    now: datetime,
    opinion: str,
    opinion_en: str | None = None,
) -> bool:
    """An art. 45 procedure that holds its pause open (``hooks.RESUME_HOLDS``) has ended
    (专家评审: the last opinion, or the deadline): the case locked, its open pause of
    ``reason`` ends at ``now`` as ``applicant_done`` ends one. False when none is open."""
    case = lock_case(session, case_id=case_id)
    return applicant_done(
        session,
        case=case,
        reason=reason,
        actor=actor,
        now=now,
        opinion=opinion,
        opinion_en=opinion_en,
    )


def resume_clock(session: Session, *, case_id: int, user: User, now: datetime) -> Case:
    """End an art. 45 pause; due times move by the working time it took. A correction's
    pause ends only when the applicant resubmits."""
    case = lock_case(session, case_id=case_id)
    _check_case_officer(case, user, Role.reviewer, Role.approver)
    pause = clocks.open_pause(case)
    if pause is None:
        raise Conflict("计时没有暂停。", "The clock is not paused.", code="not_paused")
    if pause.reason == PauseReason.correction:
        raise Conflict(
            "办件正在等待申请人补正，计时在申请人重新提交后自动恢复。",
            "The case is waiting for the applicant's correction; its clock resumes when "
            "they resubmit.",
            code="correction_pending",
        )
    if pause.reason == PauseReason.payment:
        raise Conflict(
            "办件正在等待申请人缴费，计时在缴费到账后自动恢复。",
            "The case is waiting for the applicant's payment; its clock resumes when the "
            "payment arrives.",
            code="payment_pending",
        )
    hooks.check_resume_hold(session, case)
    resume(session, case, actor_of(user), now)
    return case


def extend_limit(
    session: Session, *, case_id: int, user: User, opinion: str, now: datetime
) -> Case:
    """Art. 42: the approver extends the legal limit once, by 10 (joint: 15) working days,
    while it runs (not once it has run out)."""
    case = lock_case(session, case_id=case_id)
    if not (user.has_role(Role.approver) and user.department_code == case.lead_department):
        raise NotAllowed(
            "只有牵头部门的核准人员可以批准延期。",
            "Only the lead department's approver may extend.",
        )
    if not opinion.strip():
        raise InvalidInput(
            "延期必须说明理由并记录批准意见。",
            "An extension needs the approver's reasons.",
            field="opinion",
        )
    if case.extended:
        raise Conflict(
            "法定期限只能延长一次。",
            "The legal limit can be extended only once.",
            code="already_extended",
        )
    legal = clocks.running(case, ClockKind.legal)
    if case.state not in (CaseState.in_review, CaseState.in_decision) or not legal:
        raise Conflict(
            "只有审查或核准阶段的办件可以延期。",
            "Only cases in review or decision can be extended.",
        )
    passed = _legal_limit_passed(session, case, now)
    if passed is not None:
        raise Conflict(
            f"法定办理期限已于 {passed} 届满，不能再延长："
            "《行政许可法》第四十二条只允许在期限内决定延长。",
            f"The legal time limit ran out on {passed}; art. 42 allows an extension only "
            "while the limit runs.",
            code="legal_limit_passed",
        )
    days = definition.EXTENSION_DAYS_JOINT if case.joint else definition.EXTENSION_DAYS
    for clock in legal:
        clock.extension = days * (definition.HOURS_PER_DAY if clock.unit == "hours" else 1)
    case.extended = True
    clocks.recompute(session, case=case)
    record_case(
        session,
        now=now,
        action="case.extend",
        actor=actor_of(user),
        case=case,
        opinion=opinion,
        data={"days": days},
    )
    return case
