"""What the inspectors found at a visit, and its result: one drawn inspector records it,
the other co-signs it (会签) or returns it; once signed, passed and failed end the
inspection (and its pause of the clock) and rectify (限期整改) opens the one re-inspection."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban import timefmt
from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.cases import service as cases
from tongban.cases.core import clocks, hooks
from tongban.cases.models import Case
from tongban.cases.stages.limits import resume
from tongban.errors import Conflict, InvalidInput, gather
from tongban.inspection import tasks
from tongban.inspection.enums import InspectionResult, InspectionState, VisitState
from tongban.inspection.guards import drawn, text
from tongban.inspection.models import Inspection, InspectionFinding

VISITED_RESUMED = "现场踏勘结束，恢复计时。"
hooks.OPINIONS_EN[VISITED_RESUMED] = "On-site inspection over: the clock runs again."
MAX_ROUNDS = 2  # the first visit and one re-inspection after rectification (复查)


@dataclass(frozen=True)
class Verdict:
    """One checklist item as found: passed or not, and what was seen (required if not)."""

    passed: bool | None
    note: str = ""


def _check_verdicts(inspection: Inspection, verdicts: dict[str, Verdict]) -> list[str]:
    """The codes of the failed checks; InvalidInput naming at once every check without a
    verdict and every failed one without what was found (``errors.gather``)."""
    found = gather(
        {
            check["code"]: partial(_failed, check, verdicts.get(check["code"], Verdict(None)))
            for check in inspection.checklist
        }
    )
    return [code for code, failed in found.items() if failed]


def _failed(check: dict[str, str], verdict: Verdict) -> bool:
    """Whether ``check`` failed; InvalidInput without a verdict, or failed without a note."""
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
    return not verdict.passed


def _check_result(
    inspection: Inspection, result: InspectionResult, failed: list[str], rectification: str
) -> str:
    """The rectification as written; InvalidInput naming at once every rule the result
    breaks (``errors.gather``): a pass with a failed check, a failure or rectification
    with none, a rectification at the re-inspection, a rectification without requirements,
    requirements over ``guards.TEXT_MAX`` characters."""
    found = gather(
        {
            "findings": partial(_fits_findings, result, failed),
            "round": partial(_fits_round, inspection, result),
            "rectification": partial(_rectification, result, rectification),
        }
    )
    return str(found["rectification"])


def _fits_findings(result: InspectionResult, failed: list[str]) -> None:
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


def _fits_round(inspection: Inspection, result: InspectionResult) -> None:
    if result == InspectionResult.rectify and inspection.round >= MAX_ROUNDS:
        raise InvalidInput(
            "整改后的复查只能判定合格或不合格。",
            "A re-inspection after rectification ends passed or failed.",
            field="result",
        )


def _rectification(result: InspectionResult, rectification: str) -> str:
    written = text(rectification, field="rectification", what=("整改要求", "The rectification"))
    if result == InspectionResult.rectify and not written:
        raise InvalidInput(
            "请写明整改要求和期限。",
            "Say what must be rectified, and by when.",
            field="rectification",
        )
    return written


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
    item, and its result; the record takes effect when the other drawn inspector co-signs
    it (``cosign``; 核查人员不得少于2人, both sign the record: 《食品生产许可管理办法》第二十一条).
    Raises Conflict before the visit is agreed, before its agreed time or while a record awaits its co-signature,
    InvalidInput for findings that do not fit the result (a failed check in a pass, a
    rectification without requirements)."""
    inspection, case = drawn(session, inspection_id, user)
    refuse_before_agreed(inspection)
    if inspection.visit_at is not None and inspection.visit_at > now:
        when = timefmt.moment(inspection.visit_at)
        raise Conflict(
            f"约定的踏勘时间是{when}，踏勘之后才能记录踏勘结果。",
            f"The visit is agreed for {when}; its findings can be recorded after the visit.",
            code="visit_not_yet",
        )
    refuse_while_unsigned(inspection)
    failed = _check_verdicts(inspection, verdicts)
    written = _check_result(inspection, result, failed, rectification)
    for check in inspection.checklist:
        verdict = verdicts[check["code"]]
        session.add(
            InspectionFinding(
                inspection_id=inspection.id,
                round=inspection.round,
                check_code=check["code"],
                passed=bool(verdict.passed),
                note=text(verdict.note, field=f"note-{check['code']}", what=("发现", "A note"))
                or None,
                recorded_by=user.id,
                recorded_at=now,
            )
        )
    inspection.unsigned_result = result
    inspection.unsigned_rectification = written or None
    other = next(i for i in inspection.inspector_ids if i != user.id)
    cases.record_case(
        session,
        case=case,
        action="inspection.record",
        actor=actor_of(user),
        now=now,
        opinion=written or None,
        data={
            "inspection_id": inspection.id,
            "round": inspection.round,
            "result": result.value,
            "failed_checks": failed,
            "recipients": [other],
        },
    )
    return inspection


def refuse_before_agreed(inspection: Inspection) -> None:
    """No findings or photos of a visit the applicant has not agreed to (预约 still proposed,
    another time asked, or none made): Conflict ``visit_not_agreed``."""
    if inspection.visit_state != VisitState.agreed:
        raise Conflict(
            "踏勘时间尚未与申请人约定，不能记录踏勘结果或上传照片；请等申请人确认预约。",
            "The visit is not agreed with the applicant yet; no findings or photos can be "
            "recorded until they accept the appointment.",
            code="visit_not_agreed",
        )


def refuse_while_unsigned(inspection: Inspection) -> None:
    """Conflict while a visit's record awaits the other inspector's co-signature."""
    if inspection.unsigned_result is not None:
        raise Conflict(
            "踏勘记录正在等待另一名踏勘人员会签；会签或退回后才能继续。",
            "The visit's record awaits the other inspector's co-signature; it must be "
            "signed or returned first.",
            code="awaiting_cosignature",
        )


def _unsigned(
    session: Session, inspection_id: int, user: User
) -> tuple[Inspection, Case, InspectionResult]:
    """The inspection whose record ``user`` may co-sign or return: the drawn inspector who
    did not record it. Conflict when no record waits, or for the one who recorded it."""
    inspection, case = drawn(session, inspection_id, user)
    result = inspection.unsigned_result
    if result is None:
        raise Conflict(
            "没有等待会签的踏勘记录。", "No record awaits a co-signature.", code="nothing_to_sign"
        )
    if any(row.recorded_by == user.id for row in round_findings(session, inspection)):
        raise Conflict(
            "踏勘记录须由另一名踏勘人员会签，记录人不能自己会签。",
            "The other inspector co-signs the record; its recorder cannot.",
            code="own_record",
        )
    return inspection, case, InspectionResult(result)


def round_findings(session: Session, inspection: Inspection) -> list[InspectionFinding]:
    """The findings recorded at the inspection's current visit."""
    query = select(InspectionFinding).where(
        InspectionFinding.inspection_id == inspection.id,
        InspectionFinding.round == inspection.round,
    )
    return list(session.scalars(query))


def cosign(session: Session, *, inspection_id: int, user: User, now: datetime) -> Inspection:
    """The other drawn inspector co-signs the visit's record (会签) and its result takes
    effect: passed and failed end the inspection (and its pause of the clock); rectify
    asks the applicant to rectify and opens the second visit. Raises Conflict when no
    record waits or for the inspector who recorded it."""
    inspection, case, result = _unsigned(session, inspection_id, user)
    for row in round_findings(session, inspection):
        row.cosigned_by, row.cosigned_at = user.id, now
    written = inspection.unsigned_rectification
    inspection.unsigned_result = inspection.unsigned_rectification = None
    visited = inspection.round
    actor = actor_of(user)
    tasks.ended(session, inspection=inspection, now=now)
    if result == InspectionResult.rectify:
        inspection.round += 1
        inspection.rectification = written
        inspection.visit_at = inspection.visit_state = inspection.reply = None
        # visit_note stays: what the applicant prepares is asked again for the re-visit
    else:
        inspection.state = InspectionState(result.value)
        inspection.concluded_at = now
        pause = clocks.open_pause(case)
        if pause is not None and inspection.pause_id == pause.id:
            resume(session, case, actor, now, opinion=VISITED_RESUMED)
    cases.record_case(
        session,
        case=case,
        action=f"inspection.{result.value}",
        actor=actor,
        now=now,
        opinion=written,
        data={"inspection_id": inspection.id, "round": visited, "cosigned_by": user.id},
    )
    return inspection


def return_record(
    session: Session, *, inspection_id: int, user: User, reason: str, now: datetime
) -> Inspection:
    """The other drawn inspector does not sign the record and returns it with ``reason``:
    its findings are struck and the visit is recorded again. Raises Conflict as ``cosign``
    does, InvalidInput without a reason."""
    inspection, case, _result = _unsigned(session, inspection_id, user)
    written = text(reason, field="reason", what=("退回理由", "The reason"))
    if not written:
        raise InvalidInput(
            "请写明不同意该踏勘记录的理由。",
            "Say why you do not sign the record.",
            field="reason",
        )
    rows = round_findings(session, inspection)
    recorder = rows[0].recorded_by if rows else None
    for row in rows:
        session.delete(row)
    inspection.unsigned_result = inspection.unsigned_rectification = None
    cases.record_case(
        session,
        case=case,
        action="inspection.record_returned",
        actor=actor_of(user),
        now=now,
        opinion=written,
        data={
            "inspection_id": inspection.id,
            "round": inspection.round,
            "recipients": [recorder] if recorder is not None else [],
        },
    )
    return inspection
