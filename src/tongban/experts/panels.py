"""Expert panels (专家评审, 行政许可法 art. 45): the reviewer of an open task sends the case
to experts of one field, drawn at random from the register, with a deadline in working
days. The case clock pauses with the art. 45 reason from that moment and runs again when
the last opinion arrives or the deadline passes (the job ``DEADLINE``, ``tasks``), never by hand before
(``hooks.RESUME_HOLDS``).

Conflicts of interest (回避): an expert employed by the applicant enterprise (same credit
code), or the applicant themself, is never drawn, nor one who declared a conflict on any
panel of the case; an expert who declares a conflict on opening the case is replaced by
another draw when one is left. An expert reads the case only after
declaring none, only while the panel sits, read-only; the opening is audited.

Every change to a panel takes its case's row lock first, so two experts answering at the
same moment both count and the last one closes the panel.
"""

from __future__ import annotations

import random
from datetime import datetime

from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.audit.service import SYSTEM, Actor
from tongban.cases import service as cases
from tongban.cases.core.transition import lock_case, locked_task
from tongban.cases.enums import PauseReason, Stage, TaskState
from tongban.config import get_settings
from tongban.errors import Conflict, InvalidInput
from tongban.experts.conflicts import free_experts
from tongban.experts.drawing import SYSTEM_RANDOM, draw
from tongban.experts.enums import FIELD_NAMES, Field, PanelState, SeatState, Verdict
from tongban.experts.limits import check_request, checked_text
from tongban.experts.models import Panel, Seat
from tongban.experts.reading import seat_of
from tongban.experts.register import list_experts
from tongban.files.service import check_upload
from tongban.files.store import FileStore
from tongban.jobs import service as jobs

DEADLINE = "expert_panel.deadline"  # the job closing a panel at its deadline (``tasks``)
REMINDER = "expert_panel.remind"  # the job reminding the sitting experts a day ahead
SITTING = (SeatState.drawn, SeatState.accepted)  # seats still expected to answer


def _record(
    session: Session,
    panel: Panel,
    action: str,
    actor: Actor,
    now: datetime,
    opinion: str | None = None,
    **data: object,
) -> None:
    cases.record_case(
        session,
        now=now,
        action=action,
        actor=actor,
        object_type="expert_panel",
        object_id=panel.id,
        case=panel.case,
        opinion=opinion,
        data={"field": panel.field, **data},
    )


def convene(
    session: Session,
    *,
    task_id: int,
    user: User,
    field: str,
    size: int,
    working_days: int,
    question: str,
    now: datetime,
    rng: random.Random = SYSTEM_RANDOM,
) -> Panel:
    """Send the case of the user's open review or decision task to ``size`` experts of
    ``field`` drawn at random, due in ``working_days``; the clock pauses (art. 45). The
    experts drawn are told (``expert_drawn``); a job one working day before the deadline
    reminds those yet to answer (``REMINDER``, for a deadline of more than one day).

    Raises ``InvalidInput`` (too few experts free of conflict, bad field, size or
    deadline), ``Conflict`` (task finished, clock already paused, legal limit run out),
    ``NotAllowed``/``NotFound`` for one who may not act on the task."""
    task = locked_task(session, task_id=task_id, user=user, now=now)
    if task.state != TaskState.open or task.stage not in (Stage.review, Stage.decide):
        raise Conflict(
            "只有进行中的审查或核准任务可以提请专家评审。",
            "Only an open review or decision task can send a case to experts.",
        )
    check_request(field, size, working_days)
    text = checked_text(question, field="question", zh="评审事项", en="question for the experts")
    case = task.case
    pool = free_experts(session, case, field, set())
    if len(pool) < size:
        raise InvalidInput(
            f"该领域无利害关系的在库专家只有 {len(pool)} 人，请减少人数或换一个领域。",
            f"Only {len(pool)} experts of this field are free of conflicts; choose fewer "
            "or another field.",
            field="size",
        )
    due = cases.calendar(session).add_working_days(now, working_days)
    cases.pause_clock(  # the applicant reads the field and the deadline, not the question
        session,
        case_id=case.id,
        user=user,
        reason=PauseReason.expert_review,
        note=f"专家评审（{FIELD_NAMES[Field(field)][0]}）",
        now=now,
        until=due,
    )
    panel = Panel(
        case=case,
        task_id=task.id,
        field=field,
        size=size,
        question=text,
        convened_by_id=user.id,
        convened_by=user.display_name,
        convened_at=now,
        due_at=due,
        state=PanelState.open,
    )
    drawn = draw(pool, size, rng)
    panel.seats = [Seat(expert=e, state=SeatState.drawn, drawn_at=now) for e in drawn]
    session.add(panel)
    session.flush()
    excluded = len(list_experts(session, field=field)) - len(pool)
    _record(
        session,
        panel,
        "expert_panel.convened",
        actor_of(user),
        now,
        opinion=text,
        experts=[e.id for e in drawn],
        excluded=excluded,
        due_at=panel.due_at.isoformat(),
        recipients=[e.user_id for e in drawn],  # told they were drawn (expert_drawn)
    )
    jobs.enqueue(
        session,
        kind=DEADLINE,
        due_at=panel.due_at,
        now=now,
        payload={"id": panel.id},
        key=f"{DEADLINE}:{panel.id}",
        new_key=True,
    )
    if working_days > 1:
        jobs.enqueue(
            session,
            kind=REMINDER,
            due_at=cases.calendar(session).add_working_days(now, working_days - 1),
            now=now,
            payload={"id": panel.id},
            key=f"{REMINDER}:{panel.id}",
            new_key=True,
        )
    return panel


def _locked_seat(session: Session, *, seat_id: int, user: User) -> Seat:
    """The user's own seat on an open panel, its case locked."""
    seat = seat_of(session, seat_id=seat_id, user=user)
    lock_case(session, case_id=seat.panel.case_id)
    session.refresh(seat.panel)
    session.refresh(seat)
    if seat.panel.state != PanelState.open:
        raise Conflict("该专家评审已经结束。", "This expert review has ended.", code="panel_closed")
    return seat


def declare(
    session: Session,
    *,
    seat_id: int,
    user: User,
    conflict: bool,
    reason: str,
    now: datetime,
    rng: random.Random = SYSTEM_RANDOM,
) -> Seat:
    """On opening: the expert declares no conflict (and may then read the case, audited as
    ``expert_panel.opened``) or a conflict (回避, with the reason), and another expert is
    drawn in their place when one is left. Raises ``Conflict`` once declared."""
    seat = _locked_seat(session, seat_id=seat_id, user=user)
    if seat.state != SeatState.drawn:
        raise Conflict("您已经作过声明。", "You have declared already.", code="declared")
    panel, actor = seat.panel, actor_of(user)
    seat.declared_at = now
    if not conflict:
        seat.state = SeatState.accepted
        _record(session, panel, "expert_panel.opened", actor, now, seat=seat.id)
        return seat
    seat.state = SeatState.recused
    seat.recusal = checked_text(reason, field="reason", zh="回避理由", en="reason for the conflict")
    _record(session, panel, "expert_panel.recused", actor, now, seat=seat.id, opinion=seat.recusal)
    seated = {s.expert_id for s in panel.seats}
    replacement = draw(free_experts(session, panel.case, panel.field, seated), 1, rng)
    if replacement:
        panel.seats.append(Seat(expert=replacement[0], state=SeatState.drawn, drawn_at=now))
        session.flush()
    _record(
        session,
        panel,
        "expert_panel.redrawn",
        SYSTEM,
        now,
        replaces=seat.expert_id,
        expert=replacement[0].id if replacement else None,
        due_at=panel.due_at.isoformat(),
        recipients=[replacement[0].user_id] if replacement else [],
    )
    if not replacement:
        _tell_short(session, panel, now)
    _close_if_done(session, panel, now)
    return seat


def _tell_short(session: Session, panel: Panel, now: datetime) -> None:
    """No expert free of conflict was left to draw in place of one who recused: the one
    who convened the panel is told (``expert_not_replaced``, opening the task), with how
    many experts still sit of those asked for."""
    sitting = sum(seat.state != SeatState.recused for seat in panel.seats)
    cases.record_case(
        session,
        now=now,
        action="expert_panel.short",
        actor=SYSTEM,
        object_type="task",
        object_id=panel.task_id,
        case=panel.case,
        opinion=(
            "专家回避后专家库中已无可补抽的无利害关系专家，"
            f"本次评审专家 {sitting} 名（提请 {panel.size} 名）"
        ),
        data={
            "field": panel.field,
            "panel": panel.id,
            "recipients": [panel.convened_by_id],
            "opinion_en": "No expert free of conflict is left in the register to replace the "
            f"one who recused: {sitting} experts review (of {panel.size} asked for)",
        },
    )


def give_opinion(
    session: Session,
    *,
    seat_id: int,
    user: User,
    verdict: str,
    text: str,
    now: datetime,
    attachment: tuple[str, bytes] | None = None,
    store: FileStore | None = None,
) -> Seat:
    """The expert's opinion, once: agree, disagree or agree with conditions, with the
    reasons (and a PDF, OFD or image); the last one closes the panel and the clock runs
    again. Raises ``Conflict`` before the declaration or after an opinion, ``InvalidInput``."""
    seat = _locked_seat(session, seat_id=seat_id, user=user)
    if seat.state != SeatState.accepted:
        raise Conflict(
            "请先声明是否需要回避。" if seat.state == SeatState.drawn else "您已经提交过意见。",
            "Declare whether you have a conflict first."
            if seat.state == SeatState.drawn
            else "You have given your opinion already.",
            code="not_open",
        )
    if verdict not in set(Verdict):
        raise InvalidInput("请选择评审结论。", "Choose your conclusion.", field="verdict")
    seat.verdict, seat.opinion = (
        verdict,
        checked_text(text, field="opinion", zh="评审意见", en="opinion"),
    )
    if attachment is not None and store is not None:
        checked = check_upload(
            filename=attachment[0],
            data=attachment[1],
            allowed=None,
            max_bytes=get_settings().max_upload_mb * 1024 * 1024,
        )
        seat.attachment_key = store.put(attachment[1])
        seat.attachment_name, seat.attachment_type = checked.filename, checked.content_type
    seat.state, seat.answered_at = SeatState.answered, now
    _record(
        session,
        seat.panel,
        "expert_panel.opinion",
        actor_of(user),
        now,
        opinion=seat.opinion,
        seat=seat.id,
        verdict=verdict,
    )
    _close_if_done(session, seat.panel, now)
    return seat


def remind(session: Session, *, panel: Panel, now: datetime) -> None:
    """One working day before the deadline: the experts still to give their opinion (drawn
    or declared, not answered) are reminded when it is due (``expert_panel.reminder``)."""
    sitting = [seat.expert.user_id for seat in panel.seats if seat.state in SITTING]
    if panel.state != PanelState.open or not sitting:
        return
    _record(
        session,
        panel,
        "expert_panel.reminder",
        SYSTEM,
        now,
        due_at=panel.due_at.isoformat(),
        recipients=sitting,
    )


def _close_if_done(session: Session, panel: Panel, now: datetime) -> None:
    if not any(seat.state in SITTING for seat in panel.seats):
        close(session, panel=panel, why="answered", now=now)


def close(session: Session, *, panel: Panel, why: str, now: datetime) -> None:
    """The panel ends (``why``: answered, deadline): seats still sitting lapse, and the
    case's art. 45 pause ends at ``now``, its due times moved by the working time it took."""
    panel.state, panel.closed_at, panel.closed_why = PanelState.closed, now, why
    for seat in [seat for seat in panel.seats if seat.state in SITTING]:
        seat.state = SeatState.lapsed
    answered = sum(seat.state == SeatState.answered for seat in panel.seats)
    _record(session, panel, "expert_panel.closed", SYSTEM, now, why=why, answered=answered)
    cases.procedure_done(
        session,
        case_id=panel.case_id,
        reason=PauseReason.expert_review,
        actor=SYSTEM,
        now=now,
        opinion=f"专家评审结束，收到 {answered} 份意见",
        opinion_en=f"Expert review ended, opinions received: {answered}.",
    )
