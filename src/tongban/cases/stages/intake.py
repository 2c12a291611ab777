"""From submission to the acceptance decision (受理): submit, resubmission after the
correction notice, accept (or deemed accepted), reject, withdraw. Drafts and their
materials are in ``drafting.py``, the one-time correction notice in ``correction.py``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban import timefmt
from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.audit.service import SYSTEM, Actor
from tongban.cases.assignment import pool
from tongban.cases.core import access, clocks, definition, hooks, received
from tongban.cases.core.machine import Event
from tongban.cases.core.transition import (
    cancel_open_tasks,
    change_state,
    check_may_act,
    finish_task,
    lock_case,
    open_task,
)
from tongban.cases.enums import CaseState, ClockKind, Stage, TaskOutcome, TaskState
from tongban.cases.materials import provision
from tongban.cases.models import Case, CorrectionRequest, Task
from tongban.cases.stages import forwarding
from tongban.cases.stages.documents import issue_notice
from tongban.cases.stages.drafting import check_complete, check_open
from tongban.cases.stages.progress import move_on
from tongban.catalog import service as catalog
from tongban.errors import Conflict, InvalidInput
from tongban.files.store import FileStore


def _start_acceptance(session: Session, case: Case, now: datetime, actor: Actor) -> None:
    """The acceptance task at the accepting office, and the art. 32 clock. A case coming
    back from correction keeps its open acceptance task, unless the corrected form names
    another place (属地, ``catalog.locality``): the task then moves to that place's office.
    A new task is held by no one until :func:`_hold_acceptance`."""
    spec = definition.spec_of(session, case)
    case.lead_department = spec["department"]  # the bureau of the applicant's place (属地)
    office = definition.accepting_department(spec)
    live = [t for t in case.tasks if t.stage == Stage.accept and t.state != TaskState.cancelled]
    if live and live[-1].state == TaskState.open and live[-1].department_code != office:
        cancel_open_tasks(session, case=case, actor=actor, now=now)
        live = []
    if not live:
        unit, limit = definition.stage_limit(spec, Stage.accept)
        with pool.suspended(session):
            open_task(
                session,
                case=case,
                stage=Stage.accept,
                department_code=office,
                unit=unit,
                limit=limit,
                now=now,
            )
    clocks.start_clock(
        session,
        case=case,
        kind=ClockKind.acceptance,
        unit="working_days",
        limit=definition.ACCEPTANCE_LEGAL_DAYS,
        now=now,
    )


def _hold_acceptance(session: Session, case: Case, now: datetime) -> None:
    """Draw who holds the case's open acceptance task held by no one (人员随机分配: a
    walk-in's stays with the clerk who took it in, ``assignment.pool``), once the rules
    of instant approval (秒批, ``received``) have left it open: a case they decide at
    receipt holds no task and tells no clerk of one."""
    for task in case.tasks:
        if task.stage == Stage.accept and task.state == TaskState.open and task.assignee_id is None:
            pool.hold(session, case=case, task=task, now=now)


def _take_materials(session: Session, case: Case, now: datetime, store: FileStore) -> None:
    """Every material satisfied by one of its ways (else InvalidInput); what the platform
    provides (the generated form, pulled records, licences) is stored with the case."""
    resolutions = check_complete(session, case=case, now=now)
    provision.record(session, case=case, resolutions=resolutions, now=now, store=store)


def submit_case(
    session: Session, *, case_id: int, user: User, now: datetime, store: FileStore
) -> Case:
    """Submit a draft of an item still offered: all fields valid, every required material
    satisfied by one of its ways; the clock starts. A clerk of another region's hall
    receives and forwards it (跨域通办, ``forwarding``): only items on the cross-region list."""
    case = lock_case(session, case_id=case_id)
    access.check_owner(user, case)
    receiving = None
    if case.state == CaseState.draft:
        check_open(session, case=case)
        receiving = forwarding.receiving_department(session, case, user)
        _take_materials(session, case, now, store)
    change_state(session, now=now, case=case, event=Event.submit, actor=actor_of(user))
    if receiving is not None:
        forwarding.forward(session, case, user, receiving, now)
    case.submitted_at = case.received_at = now
    _start_acceptance(session, case, now, actor_of(user))
    received.run_received(session, case=case, now=now, store=store)
    _hold_acceptance(session, case, now)
    return case


def deemed_accepted(case: Case, now: datetime) -> bool:
    """Art. 32: five working days from receipt passed without a correction notice, so the
    case counts as accepted from the day of receipt (the worker may not have come by yet).
    Never while the applicant's time runs (a pause open: waiting for their payment)."""
    if clocks.open_pause(case) is not None:
        return False
    return any(clock.due_at <= now for clock in clocks.running(case, ClockKind.acceptance))


def open_accept_task(session: Session, case: Case, user: User, now: datetime) -> Task:
    """The case's open acceptance task, which ``user`` must be allowed to act on now
    (``check_may_act``: the role, not marked absent; raises NotAllowed or NotFound);
    Conflict when none is open."""
    for task in case.tasks:
        if task.stage == Stage.accept and task.state == TaskState.open:
            check_may_act(session, user=user, task=task, now=now)
            return task
    raise Conflict("该办件没有待受理的任务。", "This case has no acceptance task open.")


def resubmit_case(
    session: Session, *, case_id: int, user: User, now: datetime, store: FileStore
) -> Case:
    """Send the corrected case back (its item still offered); the clock resumes where it
    stopped."""
    case = lock_case(session, case_id=case_id)
    access.check_owner(user, case)
    if case.state == CaseState.correction_requested:
        check_open(session, case=case)
        _take_materials(session, case, now, store)
    change_state(session, now=now, case=case, event=Event.resubmit, actor=actor_of(user))
    for request in session.scalars(
        select(CorrectionRequest).where(CorrectionRequest.case_id == case.id)
    ):
        request.resolved_at = request.resolved_at or now
    case.received_at = now
    clocks.end_pause(session, case=case, now=now)
    _start_acceptance(session, case, now, actor_of(user))
    received.run_received(session, case=case, now=now, store=store)
    _hold_acceptance(session, case, now)
    return case


def _start_case_clocks(session: Session, case: Case, since: datetime) -> None:
    """The whole case against the promised and the legal limit (art. 42), from acceptance
    (``since``: the day of receipt when deemed accepted, art. 32)."""
    time_limit = definition.spec_of(session, case)["time_limit"]
    clocks.start_clock(
        session,
        case=case,
        kind=ClockKind.promised,
        unit=time_limit["unit"],
        limit=time_limit["promised"],
        now=since,
    )
    clocks.start_clock(
        session,
        case=case,
        kind=ClockKind.legal,
        unit=catalog.legal_unit(time_limit),  # as the law states it (日, 工作日)
        limit=time_limit["legal"],
        now=since,
    )


def _accept(
    session: Session,
    case: Case,
    event: Event,
    actor: Actor,
    opinion: str | None,
    since: datetime,
    now: datetime,
    store: FileStore,
) -> None:
    """Accepted: the case's clocks start from ``since`` and it moves on to the next stage it
    runs, whose work counts from ``now``."""
    clocks.stop_clocks(session, case=case, now=now, kinds=[ClockKind.acceptance])
    case.accepted_at = since
    _start_case_clocks(session, case, since)
    move_on(session, case, event=event, actor=actor, now=now, store=store, opinion=opinion)
    provision.on_accepted(session, case=case, now=now)
    hooks.run(hooks.ACCEPTED, session, case, actor, now, store)


def _check_no_deficiency(session: Session, case: Case, now: datetime) -> None:
    """Conflict ``deficiencies_missing`` when required 容缺 materials are missing: such a
    case is accepted only with deficiencies, which sets what is missing and by when."""
    missing = provision.deficient(session, case=case, now=now)
    if missing:
        names = "、".join(f"“{entry['name']}”" for entry in missing)
        names_en = ", ".join(str(entry.get("name_en") or entry["code"]) for entry in missing)
        raise Conflict(
            f"必需材料{names}尚未提交：请在申请人签署容缺承诺书后容缺受理，或一次性告知补正。",
            f"Required materials missing ({names_en}): accept with deficiencies once the "
            "applicant has signed the deficiency commitment, or send a correction notice.",
            code="deficiencies_missing",
        )


def accept_case(
    session: Session,
    *,
    case_id: int,
    user: User,
    opinion: str | None,
    now: datetime,
    store: FileStore,
    with_deficiencies: bool = False,
) -> Case:
    """Accept (受理): the case moves on to the reviewing departments (or its next stage). Past
    the art. 32 five working days the case was accepted by law on the day of receipt, and
    counts from it. Required 容缺 materials missing: Conflict unless ``with_deficiencies``
    (the lenient domain's acceptance with deficiencies, which records them)."""
    case = lock_case(session, case_id=case_id)
    task = open_accept_task(session, case, user, now)
    hooks.check_accept_hold(session, case)  # 待缴费: fees paid before acceptance
    if not with_deficiencies:
        _check_no_deficiency(session, case, now)
    actor = actor_of(user)
    since = (case.received_at or now) if deemed_accepted(case, now) else now
    finish_task(
        session, task=task, outcome=TaskOutcome.approved, actor=actor, opinion=opinion, now=now
    )
    _accept(session, case, Event.accept, actor, opinion, since, now, store)
    return case


DEEMED = "自收到申请材料之日起五个工作日内未告知补正，依法视为受理（《行政许可法》第三十二条）。"
hooks.OPINIONS_EN[DEEMED] = (
    "No correction was asked for within five working days of receiving the application: "
    "accepted by law (Administrative Licensing Law, art. 32)."
)


def deem_accepted(session: Session, *, case_id: int, now: datetime, store: FileStore) -> Case:
    """Art. 32: no notice within 5 working days means accepted from the day of receipt."""
    case = lock_case(session, case_id=case_id)
    opinion = DEEMED
    for task in case.tasks:
        if task.stage == Stage.accept and task.state == TaskState.open:
            finish_task(
                session,
                task=task,
                outcome=TaskOutcome.approved,
                actor=SYSTEM,
                opinion=opinion,
                now=now,
            )
    assert case.received_at is not None
    _accept(session, case, Event.deem_accept, SYSTEM, opinion, case.received_at, now, store)
    return case


def reject_case(session: Session, *, case_id: int, user: User, opinion: str, now: datetime) -> Case:
    """Reject (不予受理) with the reason the law requires."""
    if not opinion.strip():
        raise InvalidInput("不予受理必须说明理由。", "A rejection needs a reason.", field="opinion")
    case = lock_case(session, case_id=case_id)
    task = open_accept_task(session, case, user, now)
    actor = actor_of(user)
    finish_task(
        session, task=task, outcome=TaskOutcome.refused, actor=actor, opinion=opinion, now=now
    )
    change_state(session, now=now, case=case, event=Event.reject, actor=actor, opinion=opinion)
    clocks.end_pause(session, case=case, now=now)  # no longer waiting for a payment
    clocks.stop_clocks(session, case=case, now=now)
    case.closed_at = now
    issue_notice(
        session,
        case=case,
        title=REJECTION_TITLE,
        kind="rejection",
        lines=rejection_lines(case.title, reason=opinion.strip(), now=now),
        footer=REJECTION_REMEDIES,
        now=now,
    )
    return case


REJECTION_TITLE = "不予受理通知书"


def rejection_lines(title: str, *, reason: str, now: datetime) -> list[tuple[str, str]]:
    """What a 不予受理通知书 says of the case titled ``title`` after its applicant and
    number: the matter, the day and the reason (行政许可法 art. 32)."""
    return [
        ("事项名称", title),
        ("不予受理日期", timefmt.chinese_date(now)),
        ("不予受理理由", reason),
    ]


# 行政许可法 art. 32 (a written, sealed and dated notice of 不予受理, with the reason) and the
# remedies the notice must name (行政复议法 art. 20, 行政诉讼法 art. 46)
REJECTION_REMEDIES = (
    "如不服本决定，可在收到本通知书之日起六十日内申请行政复议，或六个月内依法提起行政诉讼。"
)


def withdraw_case(session: Session, *, case_id: int, user: User, now: datetime) -> Case:
    """The applicant withdraws a case that has not been accepted yet."""
    case = lock_case(session, case_id=case_id)
    access.check_owner(user, case)
    actor = actor_of(user)
    change_state(session, now=now, case=case, event=Event.withdraw, actor=actor)
    clocks.end_pause(session, case=case, now=now)  # no longer waiting for a correction
    cancel_open_tasks(session, case=case, actor=actor, now=now)
    clocks.stop_clocks(session, case=case, now=now)
    case.closed_at = now
    return case
