"""What the inspectors found at a visit, and its result: passed and failed end the
inspection (and its pause of the clock); rectify (限期整改) opens the one re-inspection."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.cases import service as cases
from tongban.cases.core import clocks
from tongban.cases.stages.limits import resume
from tongban.errors import Conflict, InvalidInput
from tongban.inspection.enums import InspectionResult, InspectionState, VisitState
from tongban.inspection.guards import drawn, text
from tongban.inspection.models import Inspection, InspectionFinding

MAX_ROUNDS = 2  # the first visit and one re-inspection after rectification (复查)


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
    inspection, case = drawn(session, inspection_id, user)
    if inspection.visit_state != VisitState.agreed:
        raise Conflict(
            "踏勘时间尚未与申请人约定，不能记录踏勘结果。",
            "The visit is not agreed with the applicant yet; no findings can be recorded.",
            code="visit_not_agreed",
        )
    failed = _check_verdicts(inspection, verdicts)
    written = text(rectification, field="rectification", what=("整改要求", "The rectification"))
    _check_result(inspection, result, failed, written)
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
    visited = inspection.round
    actor = actor_of(user)
    if result == InspectionResult.rectify:
        inspection.round += 1
        inspection.rectification = written
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
        opinion=written or None,
        data={"inspection_id": inspection.id, "round": visited, "failed_checks": failed},
    )
    return inspection
