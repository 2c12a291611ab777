"""The inspection domain promises: an on-site inspection (现场踏勘) of a review task is
visited by two inspectors drawn at random (``drawing``); only they propose the visit,
take photos and record the findings; only the case's applicant (or the agent acting for
them) sees and answers the proposed time; the review may not be decided while the
inspection is open, nor approved once it failed or, where the item requires one, before
one passed (``hooks``).

The item declares the inspection in its catalog entry (``inspection``: ``when`` required
or on the reviewer's order, a ``checklist``, whether its time ``pauses_clock``). Where it
pauses the clock (行政许可法 第四十五条: time of 检验、检测、鉴定 the item's rules require
does not count), the case's clocks stop from the order to the final result and every due
time moves by the working time it took (``cases.stages.limits``).

A visit ends passed (合格), failed (不合格) or rectify (限期整改): the applicant rectifies
and the same inspectors visit once more, which passes or fails. Every step is audited
(``inspection.*``): the applicant hears of a proposed time and of each result, the
inspectors of their drawing and of the applicant's answer (``tongban.outbox``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tongban import timefmt
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.cases import service as cases
from tongban.cases.core import access, clocks
from tongban.cases.core.transition import lock_case, locked_task
from tongban.cases.enums import PauseReason, Stage, TaskState
from tongban.cases.models import Case, Task
from tongban.cases.stages.limits import pause_for_procedure, resume
from tongban.config import get_settings
from tongban.errors import Conflict, InvalidInput, NotAllowed, NotFound
from tongban.files.service import check_upload
from tongban.files.store import FileStore
from tongban.inspection import drawing
from tongban.inspection.enums import InspectionResult, InspectionState, VisitState
from tongban.inspection.models import Inspection, InspectionFinding, InspectionPhoto

TEXT_MAX = 500  # characters of a note, a reply, a finding
PHOTO_TYPES = ["jpg", "png"]
PHOTO_MAX_MB = 10  # a phone photo; the site-wide upload limit applies if lower
MAX_ROUNDS = 2  # the first visit and one re-inspection after rectification (复查)


def _item(session: Session, task: Task) -> dict[str, Any]:
    """The task's item in the case's item version (a one-item case: its item)."""
    spec = cases.spec_of(session, task.case)
    found = next((i for i in spec["items"] if i["code"] == task.item_code), None)
    return dict(found or spec["items"][0])


def declared(session: Session, task: Task) -> dict[str, Any] | None:
    """The ``inspection`` the task's item declares in the case's item version, or None."""
    found = _item(session, task).get("inspection")
    return dict(found) if found else None


def of_task(session: Session, *, task_id: int) -> list[Inspection]:
    """The inspections of a review task, oldest first."""
    query = select(Inspection).where(Inspection.task_id == task_id).order_by(Inspection.id)
    return list(session.scalars(query))


def of_case(session: Session, *, case_id: int) -> list[Inspection]:
    """The inspections of a case, oldest first."""
    query = select(Inspection).where(Inspection.case_id == case_id).order_by(Inspection.id)
    return list(session.scalars(query))


def assigned_to(session: Session, *, user: User) -> list[Inspection]:
    """The inspections ``user`` was drawn for, open ones first, then the newest."""
    query = select(Inspection).where(
        or_(Inspection.first_inspector_id == user.id, Inspection.second_inspector_id == user.id)
    )
    found = list(session.scalars(query.order_by(Inspection.id.desc())))
    return sorted(found, key=lambda i: i.state != InspectionState.open)


def _text(value: str, *, field: str, what: tuple[str, str]) -> str:
    text = value.strip()
    if len(text) > TEXT_MAX:
        raise InvalidInput(
            f"{what[0]}不能超过 {TEXT_MAX} 个字。",
            f"{what[1]} may have at most {TEXT_MAX} characters.",
            field=field,
        )
    return text


def order_inspection(
    session: Session,
    *,
    task_id: int,
    user: User,
    reason: str,
    now: datetime,
    rng: random.Random | None = None,
) -> Inspection:
    """The reviewer of an open review task orders the inspection its item declares; two
    inspectors of the task's department are drawn at random (``rng`` for tests). Where the
    item says so the case's clock pauses (art. 45). Raises Conflict when the item declares
    no inspection, one was already ordered, or fewer than two inspectors are present."""
    task = locked_task(session, task_id=task_id, user=user)
    if task.stage != Stage.review or task.state != TaskState.open:
        raise Conflict(
            "只有办理中的审查任务可以安排现场踏勘。",
            "Only an open review task orders an inspection.",
        )
    declaration = declared(session, task)
    if declaration is None:
        raise Conflict(
            "本事项未规定现场踏勘。",
            "This item declares no on-site inspection.",
            code="no_inspection",
        )
    if of_task(session, task_id=task.id):
        raise Conflict(
            "本任务已经安排了现场踏勘。",
            "An inspection was already ordered for this task.",
            code="already_ordered",
        )
    first, second = drawing.draw(session, department=task.department_code, rng=rng)
    actor = actor_of(user)
    inspection = Inspection(
        case_id=task.case_id,
        task_id=task.id,
        item_code=_item(session, task)["code"],
        department_code=task.department_code,
        first_inspector_id=first.id,
        second_inspector_id=second.id,
        state=InspectionState.open,
        round=1,
        checklist=list(declaration["checklist"]),
        pauses_clock=bool(declaration["pauses_clock"]),
        ordered_by=actor.name,
        ordered_at=now,
        reason=_text(reason, field="reason", what=("踏勘说明", "The note")) or None,
    )
    session.add(inspection)
    if inspection.pauses_clock:
        pause = pause_for_procedure(
            session,
            case=task.case,
            reason=PauseReason.inspection,
            note="现场踏勘期间不计入办理时限",
            actor=actor,
            now=now,
        )
        session.flush()
        inspection.pause_id = pause.id if pause is not None else None
    session.flush()
    cases.record_case(
        session,
        case=task.case,
        action="inspection.order",
        actor=actor,
        now=now,
        opinion=inspection.reason,
        data={
            "inspection_id": inspection.id,
            "inspectors": [first.display_name, second.display_name],
            "recipients": [first.id, second.id],
        },
    )
    return inspection


def _locked(session: Session, inspection_id: int) -> tuple[Inspection, Case]:
    """The inspection and its case, under the case's row lock."""
    missing = NotFound("没有找到该现场踏勘。", "No such inspection.")
    found = session.get(Inspection, inspection_id)
    if found is None:
        raise missing
    case = lock_case(session, case_id=found.case_id)
    session.refresh(found)
    return found, case


def _drawn(session: Session, inspection_id: int, user: User) -> tuple[Inspection, Case]:
    """Only the two inspectors drawn act on an inspection: an inspector of the department
    who was not drawn is told so; anyone else learns nothing of it (NotFound)."""
    inspection, case = _locked(session, inspection_id)
    if user.id in inspection.inspector_ids:
        if inspection.state != InspectionState.open:
            raise Conflict("现场踏勘已经结束。", "The inspection is over.", code="inspection_over")
        return inspection, case
    if user.has_role(Role.inspector) and user.department_code == inspection.department_code:
        raise NotAllowed(
            "只有随机选派的两名踏勘人员可以办理这次现场踏勘。",
            "Only the two inspectors drawn for this inspection may act on it.",
            code="not_drawn",
        )
    raise NotFound("没有找到该现场踏勘。", "No such inspection.")


def propose_visit(
    session: Session,
    *,
    inspection_id: int,
    user: User,
    visit_at: datetime,
    note: str,
    now: datetime,
) -> Inspection:
    """A drawn inspector proposes the time of the visit (预约); the applicant is told and
    accepts or asks for another. Raises InvalidInput for a time not in the future."""
    inspection, case = _drawn(session, inspection_id, user)
    if visit_at <= now:
        raise InvalidInput(
            "踏勘时间必须晚于现在，请重新选择。",
            "The visit must be in the future; choose another time.",
            field="visit_at",
        )
    inspection.visit_at = visit_at
    inspection.visit_state = VisitState.proposed
    inspection.visit_note = _text(note, field="note", what=("预约说明", "The note")) or None
    inspection.reply = None
    when = timefmt.moment(visit_at)
    cases.record_case(
        session,
        case=case,
        action="inspection.propose",
        actor=actor_of(user),
        now=now,
        opinion=f"{when} {inspection.visit_note or ''}".strip(),
        data={"inspection_id": inspection.id, "visit_at": visit_at.isoformat()},
    )
    return inspection


def may_answer(user: User, case: Case) -> bool:
    """The applicant of the case, or the agent acting for them, answers the appointment."""
    return access.owns(user, case) or (not user.is_staff and access.acts_for(user, case))


def answer_visit(
    session: Session, *, inspection_id: int, user: User, accept: bool, reply: str, now: datetime
) -> Inspection:
    """The applicant accepts the proposed time, or asks for another (``reply`` says when
    suits them). Raises NotFound for anyone but the case's applicant, Conflict when no
    time waits for an answer, InvalidInput for a request without a time."""
    inspection, case = _locked(session, inspection_id)
    if not may_answer(user, case):
        raise NotFound("没有找到该现场踏勘。", "No such inspection.")
    if inspection.state != InspectionState.open or inspection.visit_state != VisitState.proposed:
        raise Conflict(
            "没有等待您确认的踏勘预约。", "No visit waits for your answer.", code="no_proposal"
        )
    text = _text(reply, field="reply", what=("您的答复", "The answer"))
    if not accept and not text:
        raise InvalidInput(
            "请写明您方便接受踏勘的时间。",
            "Say when the visit would suit you.",
            field="reply",
        )
    inspection.visit_state = VisitState.agreed if accept else VisitState.other_asked
    inspection.reply = text or None
    cases.record_case(
        session,
        case=case,
        action="inspection.accept_visit" if accept else "inspection.ask_other_time",
        actor=actor_of(user),
        now=now,
        opinion=inspection.reply,
        data={"inspection_id": inspection.id, "recipients": list(inspection.inspector_ids)},
    )
    return inspection


@dataclass(frozen=True)
class Photo:
    """A photo as uploaded: the name the phone gave it, its bytes, the checklist item."""

    filename: str
    data: bytes
    check_code: str = ""


def add_photo(
    session: Session,
    *,
    inspection_id: int,
    user: User,
    photo: Photo,
    now: datetime,
    store: FileStore,
) -> InspectionPhoto:
    """A drawn inspector adds a photo of the visit (JPG or PNG, at most ``PHOTO_MAX_MB``
    megabytes and the site's upload limit). Raises InvalidInput saying what to fix."""
    inspection, case = _drawn(session, inspection_id, user)
    codes = {check["code"] for check in inspection.checklist}
    if photo.check_code and photo.check_code not in codes:
        raise InvalidInput("没有这个检查项。", "No such checklist item.", field="check_code")
    limit_mb = min(PHOTO_MAX_MB, get_settings().max_upload_mb)
    checked = check_upload(
        filename=photo.filename,
        data=photo.data,
        allowed=PHOTO_TYPES,
        max_bytes=limit_mb * 1024 * 1024,
    )
    row = InspectionPhoto(
        inspection_id=inspection.id,
        round=inspection.round,
        check_code=photo.check_code or None,
        key=store.put(photo.data),
        name=checked.filename,
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=user.id,
        uploaded_at=now,
    )
    session.add(row)
    session.flush()
    cases.record_case(
        session,
        case=case,
        action="inspection.photo",
        actor=actor_of(user),
        now=now,
        data={"inspection_id": inspection.id, "photo_id": row.id, "round": inspection.round},
    )
    return row


@dataclass(frozen=True)
class Verdict:
    """One checklist item as found: passed or not, and what was seen (required if not)."""

    passed: bool | None
    note: str = ""


def _check_verdicts(inspection: Inspection, verdicts: dict[str, Verdict]) -> list[str]:
    """The codes of the failed checks; InvalidInput for a check without a verdict or a
    failed one without what was found."""
    failed = []
    for check in inspection.checklist:
        verdict = verdicts.get(check["code"], Verdict(None))
        if verdict.passed is None:
            raise InvalidInput(
                f"请对检查项“{check['text']}”作出合格或不合格的判定。",
                f"Mark the check '{check.get('text_en') or check['text']}' passed or failed.",
                field=f"check-{check['code']}",
            )
        if not verdict.passed and not verdict.note.strip():
            raise InvalidInput(
                f"检查项“{check['text']}”不合格，请写明发现的问题。",
                f"The check '{check.get('text_en') or check['text']}' failed; say what was found.",
                field=f"note-{check['code']}",
            )
        if not verdict.passed:
            failed.append(check["code"])
    return failed


def _check_result(
    inspection: Inspection, result: InspectionResult, failed: list[str], rectification: str
) -> None:
    if result == InspectionResult.passed and failed:
        raise InvalidInput(
            "有检查项不合格，不能判定为合格；请选择不合格或限期整改。",
            "A check failed: the result cannot be passed. Choose failed or rectify.",
            field="result",
        )
    if result != InspectionResult.passed and not failed:
        raise InvalidInput(
            "所有检查项都合格时，结论应为合格。",
            "Every check passed: the result is passed.",
            field="result",
        )
    if result == InspectionResult.rectify and inspection.round >= MAX_ROUNDS:
        raise InvalidInput(
            "整改后的复查只能判定合格或不合格。",
            "A re-inspection after rectification ends passed or failed.",
            field="result",
        )
    if result == InspectionResult.rectify and not rectification.strip():
        raise InvalidInput(
            "请写明整改要求和期限。",
            "Say what must be rectified, and by when.",
            field="rectification",
        )


def conclude(
    session: Session,
    *,
    inspection_id: int,
    user: User,
    verdicts: dict[str, Verdict],
    result: InspectionResult,
    rectification: str,
    now: datetime,
) -> Inspection:
    """A drawn inspector records the findings of the agreed visit, one verdict per checklist
    item, and its result: passed and failed end the inspection (and its pause of the
    clock); rectify asks the applicant to rectify and opens the second visit. Raises
    Conflict before the visit is agreed, InvalidInput for findings that do not fit the
    result (a failed check in a pass, a rectification without requirements)."""
    inspection, case = _drawn(session, inspection_id, user)
    if inspection.visit_state != VisitState.agreed:
        raise Conflict(
            "踏勘时间尚未与申请人约定，不能记录踏勘结果。",
            "The visit is not agreed with the applicant yet; no findings can be recorded.",
            code="visit_not_agreed",
        )
    failed = _check_verdicts(inspection, verdicts)
    text = _text(rectification, field="rectification", what=("整改要求", "The rectification"))
    _check_result(inspection, result, failed, text)
    for check in inspection.checklist:
        verdict = verdicts[check["code"]]
        session.add(
            InspectionFinding(
                inspection_id=inspection.id,
                round=inspection.round,
                check_code=check["code"],
                passed=bool(verdict.passed),
                note=_text(verdict.note, field=f"note-{check['code']}", what=("发现", "A note"))
                or None,
                recorded_by=user.id,
                recorded_at=now,
            )
        )
    visited = inspection.round
    actor = actor_of(user)
    if result == InspectionResult.rectify:
        inspection.round += 1
        inspection.rectification = text
        inspection.visit_at = inspection.visit_state = None
        inspection.visit_note = inspection.reply = None
    else:
        inspection.state = InspectionState(result.value)
        inspection.concluded_at = now
        pause = clocks.open_pause(case)
        if pause is not None and inspection.pause_id == pause.id:
            resume(session, case, actor, now, opinion="现场踏勘结束，恢复计时。")
    cases.record_case(
        session,
        case=case,
        action=f"inspection.{result.value}",
        actor=actor,
        now=now,
        opinion=text or None,
        data={"inspection_id": inspection.id, "round": visited, "failed_checks": failed},
    )
    return inspection


def findings(
    session: Session, *, inspection: Inspection
) -> dict[int, dict[str, InspectionFinding]]:
    """Visit (round) → checklist code → what was found."""
    query = select(InspectionFinding).where(InspectionFinding.inspection_id == inspection.id)
    found: dict[int, dict[str, InspectionFinding]] = {}
    for row in session.scalars(query.order_by(InspectionFinding.id)):
        found.setdefault(row.round, {})[row.check_code] = row
    return found


def photos(session: Session, *, inspection: Inspection) -> list[InspectionPhoto]:
    """The photos of an inspection, oldest first."""
    query = select(InspectionPhoto).where(InspectionPhoto.inspection_id == inspection.id)
    return list(session.scalars(query.order_by(InspectionPhoto.id)))


def may_read(user: User, inspection: Inspection, case: Case) -> bool:
    """The drawn inspectors, and whoever may see the case (its applicant, its departments'
    staff, supervisors)."""
    return user.id in inspection.inspector_ids or access.can_view_case(user, case)


def get_inspection(session: Session, *, inspection_id: int, user: User) -> Inspection:
    """An inspection ``user`` may read (NotFound otherwise: its existence is not revealed)."""
    inspection = session.get(Inspection, inspection_id)
    if inspection is None or not may_read(
        user, inspection, session.get_one(Case, inspection.case_id)
    ):
        raise NotFound("没有找到该现场踏勘。", "No such inspection.")
    return inspection


def get_photo(session: Session, *, photo_id: int, user: User) -> InspectionPhoto:
    """A photo of an inspection ``user`` may read (NotFound otherwise)."""
    photo = session.get(InspectionPhoto, photo_id)
    if photo is None:
        raise NotFound("没有找到该照片。", "No such photo.")
    get_inspection(session, inspection_id=photo.inspection_id, user=user)
    return photo


def inspectors(session: Session, inspections: list[Inspection]) -> dict[int, str]:
    """Display names of the inspectors of ``inspections``, by user id."""
    ids = {i for inspection in inspections for i in inspection.inspector_ids}
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.display_name).where(User.id.in_(ids)))
    return {row.id: row.display_name for row in rows}
