"""What a case accepted with deficiencies (容缺受理) awaits: the listed materials,
uploaded after acceptance and only those, before the deadline; results withheld until
they all arrived, or (an item's ``deficiency.result: conditional``) its e-licences issued
at once marked conditional (附条件) until then; the worker's sweep reminds once on the
last working day and, once the deadline passed with materials missing, ends the case
(终止办理, with a notice) or, where conditional licences were issued, revokes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban import timefmt
from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.audit.service import SYSTEM
from tongban.cases import service as cases
from tongban.cases.core.hooks import Condition
from tongban.cases.core.transition import lock_case
from tongban.cases.enums import FINAL_STATES
from tongban.cases.materials import provision
from tongban.cases.models import Case, Material
from tongban.files.store import FileStore
from tongban.lenient.deficiency import audit, conditional, get
from tongban.lenient.enums import DeficiencyState
from tongban.lenient.models import Deficiency
from tongban.licences import service as licences


def outstanding(session: Session, row: Deficiency) -> list[dict[str, Any]]:
    """The listed materials not yet uploaded after acceptance."""
    rows = provision.current_rows(session, case=row.case)
    return [
        m
        for m in row.materials
        if m["code"] not in rows or rows[m["code"]].uploaded_at < row.accepted_at
    ]


def allows(session: Session, case: Case, code: str, now: datetime) -> bool:
    """A late upload: a listed material of an open deficiency, before its deadline."""
    row = get(session, case=case)
    return (
        row is not None
        and row.state == DeficiencyState.open
        and now < row.due_at
        and code in {m["code"] for m in row.materials}
    )


def uploaded(session: Session, case: Case, material: Material, now: datetime) -> None:
    """A listed material arrived: once all have, the deficiency is settled."""
    row = get(session, case=case)
    if row is None or outstanding(session, row):
        return
    row.state, row.closed_at = DeficiencyState.supplied, now
    applicant = session.get_one(User, case.applicant_id)
    audit(session, case, row, "case.deficiency_supplied", actor_of(applicant), now)
    licences.meet_conditions(session, case_id=case.id, now=now)


def hold(session: Session, case: Case) -> tuple[str, str] | None:
    """Results are withheld while listed materials are awaited."""
    row = get(session, case=case)
    if (
        row is None
        or row.state != DeficiencyState.open
        or conditional(cases.spec_of(session, case))
    ):
        return None
    names = "、".join(m["name"] for m in outstanding(session, row))
    return (
        f"容缺材料（{names}）尚未补齐，证照（结果）暂缓发放；补齐期限截至 "
        f"{timefmt.deadline(row.due_at)}。",
        "Results are withheld until the materials missing at acceptance arrive.",
    )


def condition(session: Session, case: Case) -> Condition | None:
    """The condition of licences issued while listed materials are awaited (an item
    whose ``deficiency.result`` is ``conditional``)."""
    row = get(session, case=case)
    if row is None or row.state != DeficiencyState.open:
        return None
    if not conditional(cases.spec_of(session, case)):
        return None
    names = "、".join(m["name"] for m in outstanding(session, row))
    until = timefmt.deadline(row.due_at)
    return Condition(
        text_zh=f"容缺受理附条件证照：所缺材料（{names}）须于 {until} 前补齐，逾期未补齐本证照予以撤销。",
        text_en=f"Conditional licence (accepted with deficiencies): the missing materials "
        f"are due by {until}; if they do not arrive, the licence is revoked.",
        until=row.due_at,
    )


def list_open(session: Session, *, department: str) -> Sequence[Deficiency]:
    """Open deficiencies of a lead department's cases, the earliest deadline first."""
    query = (
        select(Deficiency)
        .join(Case, Case.id == Deficiency.case_id)
        .where(Deficiency.state == DeficiencyState.open, Case.lead_department == department)
    )
    return session.scalars(query.order_by(Deficiency.due_at)).all()


def run_due_deficiencies(session: Session, *, now: datetime, store: FileStore) -> list[str]:
    """Remind once on the last working day; end the case once its deadline passed with
    materials missing (终止办理, with a notice). The case numbers acted on. Idempotent:
    a reminded or closed deficiency is not acted on again."""
    done = []
    query = select(Deficiency).where(Deficiency.state == DeficiencyState.open)
    for row in session.scalars(query.order_by(Deficiency.id)).all():
        case = row.case
        if now >= row.due_at and licences.conditional_licences(session, case_id=case.id):
            _lapse(session, case, row, now)
            done.append(case.number)
            continue
        if case.state in FINAL_STATES:
            row.closed_at = row.closed_at or now
            continue
        if now >= row.due_at:
            _miss(session, case, row, now)
            done.append(case.number)
        elif row.remind_at is not None and now >= row.remind_at and row.reminded_at is None:
            row.reminded_at = now
            audit(session, case, row, "case.deficiency_reminder", SYSTEM, now)
            done.append(case.number)
    return done


def _missed(session: Session, row: Deficiency, then: tuple[str, str]) -> tuple[str, str]:
    """Why in Chinese and English: the materials still missing at the deadline, ``then``
    what follows (撤销 …, in both languages)."""
    missing = outstanding(session, row)
    names = "、".join(m["name"] for m in missing)
    names_en = ", ".join(m.get("name_en") or m["name"] for m in missing)
    due = timefmt.deadline(row.due_at)
    return (
        f"容缺受理所缺材料（{names}）未在补齐期限（截至 {due}）内补齐，{then[0]}",
        f"The materials missing at acceptance with deficiencies ({names_en}) were not "
        f"supplied by the deadline ({due}): {then[1]}",
    )


def _lapse(session: Session, case: Case, row: Deficiency, now: datetime) -> None:
    """The deadline passed and the case's conditional licences stand on missing
    materials: they are revoked with the reason (the case itself stays decided)."""
    reason, reason_en = _missed(
        session, row, ("附条件证照予以撤销。", "the conditional licences are revoked.")
    )
    licences.lapse_conditions(session, case_id=case.id, reason=reason, reason_en=reason_en, now=now)
    row.state, row.closed_at = DeficiencyState.missed, now
    audit(session, case, row, "case.deficiency_missed", SYSTEM, now)


def _miss(session: Session, case: Case, row: Deficiency, now: datetime) -> None:
    reasons, reasons_en = _missed(session, row, ("终止办理。", "the case is terminated."))
    cases.terminate(
        session,
        lock_case(session, case_id=case.id),
        actor=SYSTEM,
        reasons=reasons,
        reasons_en=reasons_en,
        now=now,
    )
    row.state, row.closed_at = DeficiencyState.missed, now
    lines = [
        ("事项名称", case.title),
        ("终止日期", timefmt.chinese_date(now)),
        ("终止原因", reasons),
    ]
    footer = "如不服，可在收到之日起六十日内申请行政复议，或六个月内提起行政诉讼；可重新申请。"
    cases.issue_notice(
        session,
        case=case,
        title="终止办理通知书",
        kind="termination",
        lines=lines,
        footer=footer,
        now=now,
    )
