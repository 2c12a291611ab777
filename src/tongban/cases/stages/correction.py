"""The one-time correction notice (一次性告知, 《行政许可法》第三十二条第四项): every problem
listed at once, the acceptance clock paused until the applicant resubmits
(``intake.resubmit_case``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban import timefmt
from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.cases.core import clocks, definition
from tongban.cases.core.machine import Event
from tongban.cases.core.transition import change_state, lock_case
from tongban.cases.enums import CaseState, ClockKind, PauseReason
from tongban.cases.models import Case, CasePause, CorrectionRequest, Material
from tongban.cases.stages.documents import issue_notice
from tongban.cases.stages.intake import deemed_accepted, open_accept_task
from tongban.catalog.enums import PROVIDED_WAYS
from tongban.errors import Conflict, InvalidInput


def request_correction(
    session: Session,
    *,
    case_id: int,
    user: User,
    problems: list[dict[str, str]],
    opinion: str | None,
    now: datetime,
) -> CorrectionRequest:
    """Send the one correction notice listing every problem; the clock pauses."""
    case = lock_case(session, case_id=case_id)
    open_accept_task(session, case, user, now)
    if case.state == CaseState.submitted and deemed_accepted(case, now):
        raise Conflict(
            "自收到申请材料之日起已超过五个工作日，依法视为受理（《行政许可法》第三十二条），"
            "不能再要求补正；请受理。",
            "Five working days have passed since receipt: by art. 32 the case counts as "
            "accepted and can no longer be sent back for correction. Accept it.",
            code="deemed_accepted",
        )
    if not problems or any(not p.get("problem", "").strip() for p in problems):
        raise InvalidInput(
            "请逐条列出需要补正的内容。", "List every problem to fix.", field="problems"
        )
    _check_correctable(session, case, problems)
    earlier = session.scalar(
        select(CorrectionRequest.id).where(CorrectionRequest.case_id == case.id)
    )
    if earlier is not None:
        raise Conflict(
            "已经发出过一次性补正告知，不能再次要求补正；请受理或不予受理。",
            "The one-time correction notice was already sent; accept or reject.",
            code="correction_already_sent",
        )
    actor = actor_of(user)
    lines = _problem_lines(session, case, problems)
    clocks.end_pause(session, case=case, now=now)  # one pause at a time: 补正 supersedes 缴费
    change_state(
        session,
        now=now,
        case=case,
        event=Event.request_correction,
        actor=actor,
        opinion=opinion,
        data={"problems": problems, "problem_lines": lines},
    )
    clocks.stop_clocks(session, case=case, now=now, kinds=[ClockKind.acceptance])
    pause = CasePause(
        case_id=case.id,
        reason=PauseReason.correction,
        note=opinion,
        started_at=now,
        started_by=actor.name,
    )
    session.add(pause)
    case.pauses.append(pause)
    request = CorrectionRequest(
        case_id=case.id, problems=problems, opinion=opinion, issued_by=actor.name, issued_at=now
    )
    session.add(request)
    _correction_notice(session, case, lines["zh_Hans"], opinion, now)
    session.flush()
    return request


# 行政许可法 art. 32 (4): one written notice, at once or within five days, of everything the
# applicant must correct; the case's clock stands still meanwhile (its correction pause)
CORRECTION_FOOTER = (
    "请一次性按上列事项补正后，在办件页面重新提交；补正期间不计入办理时限。"
    "依据：《中华人民共和国行政许可法》第三十二条。"
)


def _check_correctable(session: Session, case: Case, problems: list[dict[str, str]]) -> None:
    """InvalidInput naming each material of ``problems`` the platform obtained itself (a
    pulled record, a held e-licence, a 协查 answer, the generated form: ``PROVIDED_WAYS``):
    the applicant could neither upload it again nor change it."""
    targets = {p.get("target", "") for p in problems}
    codes = {t.removeprefix("materials.") for t in targets if t.startswith("materials.")}
    provided = session.scalars(
        select(Material.material_code).where(
            Material.case_id == case.id,
            Material.material_code.in_(codes),
            Material.way.in_(PROVIDED_WAYS),
        )
    ).all()
    if not provided:
        return
    spec = definition.spec_of(session, case)
    zh, en = definition.titles(spec, "zh"), definition.titles(spec, "en")
    named = [f"materials.{code}" for code in sorted(set(provided))]
    raise InvalidInput(
        f"{'、'.join(zh.get(t, t) for t in named)}由平台取得，申请人无需也无法补正；"
        "请对其所依据的填报内容要求补正，或发起协查。",
        f"{', '.join(en.get(t, t) for t in named)}: obtained by the platform itself, so the "
        "applicant can neither upload nor change it; ask for the answers it rests on, or "
        "start a verification.",
        field="problems",
    )


def _problem_lines(
    session: Session, case: Case, problems: list[dict[str, str]]
) -> dict[str, list[str]]:
    """The notice's problems as its messages list them: per language (``zh_Hans``, ``en``),
    one "field or material: problem" line each, the target named as the form names it."""
    spec = definition.spec_of(session, case)
    lines = {}
    for language, locale, colon in (("zh_Hans", "zh", "："), ("en", "en", ": ")):
        names = definition.titles(spec, locale)
        lines[language] = [
            f"{names.get(p.get('target', ''), p.get('target', ''))}{colon}{p['problem']}"
            if p.get("target")
            else p["problem"]
            for p in problems
        ]
    return lines


def _correction_notice(
    session: Session, case: Case, lines: list[str], opinion: str | None, now: datetime
) -> None:
    """补正告知书: the one correction notice as a sealed, numbered and verifiable document,
    every problem under the name of its field or material (``lines``, as ``_problem_lines``
    words them in Chinese)."""
    fields = [("事项名称", case.title), ("告知日期", timefmt.chinese_date(now))]
    fields += [(f"补正事项{number}", line) for number, line in enumerate(lines, 1)]
    if opinion and opinion.strip():
        fields.append(("说明", opinion.strip()))
    issue_notice(
        session,
        case=case,
        title="补正告知书",
        kind="correction",
        lines=fields,
        footer=CORRECTION_FOOTER,
        now=now,
    )
