"""What the applicant already gave: their account's own identity, and (with their consent)
the answers of their earlier cases. Both only suggest values; the applicant may change
them, unlike fields pulled from a source (``pulling``), which run first and win.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban import identifiers
from tongban.accounts.enums import UserKind
from tongban.accounts.models import User
from tongban.cases.core.prefill import Filled, FillRequest, Prefill, filler
from tongban.cases.enums import CaseState
from tongban.cases.models import Case

EARLIER_CASES = 20  # the newest cases searched for an earlier answer
SUBJECT_FIELDS = ("credit_code", "enterprise_name", "trade_name")  # what an enterprise is


def own_identity(applicant: User) -> dict[str, Any]:
    """Form fields the account itself answers: name, resident ID and mobile of the person
    (for an enterprise account: its agent), and the enterprise's name and credit code."""
    values: dict[str, Any] = {
        "applicant_name": applicant.display_name,
        "applicant_id_number": applicant.id_number,
        "phone": applicant.phone,
        "email": applicant.email,
    }
    if applicant.kind == UserKind.enterprise:
        values.update(enterprise_name=applicant.enterprise_name, credit_code=applicant.credit_code)
    return {name: value for name, value in values.items() if value}


def _suggest(found: Prefill, name: str, value: Any, label_zh: str, label_en: str) -> None:
    if name not in found.values:
        found.values[name] = Filled(value, False, label_zh, label_en)


def _whose(request: FillRequest) -> tuple[str, str]:
    """Whose values, as the one filling in reads it (Chinese, English): "your" to the
    applicant, "the applicant's" to a window clerk or an agent filling in for them."""
    if request.actor.id == request.applicant.id:
        return "您", "your"
    return "申请人", "the applicant's"


@filler
def fill_own_identity(session: Session, request: FillRequest, found: Prefill) -> None:
    """The signed-in applicant's own name, ID number, phone (enterprise name, credit code)."""
    properties = request.spec["form"]["properties"]
    whose, whose_en = _whose(request)
    for name, value in own_identity(request.applicant).items():
        if name in properties:
            _suggest(found, name, value, f"来自{whose}的账号信息", f"from {whose_en} account")


def _earlier_cases(session: Session, applicant: User, exclude: Case | None) -> list[Case]:
    """The applicant's newest cases (``EARLIER_CASES``, not withdrawn, not ``exclude``)."""
    query = (
        select(Case)
        .where(Case.applicant_id == applicant.id, Case.state != CaseState.withdrawn)
        .order_by(Case.created_at.desc(), Case.id.desc())
        .limit(EARLIER_CASES)
    )
    return [case for case in session.scalars(query) if exclude is None or case.id != exclude.id]


def earlier_answers(
    session: Session, *, applicant: User, exclude: Case | None, subject: str | None = None
) -> dict[str, Any]:
    """For each field code, the answer of the applicant's newest earlier case that has it,
    of the cases about ``subject`` (an enterprise's code or name; None: a person's own)."""
    answers: dict[str, Any] = {}
    for case in _earlier_cases(session, applicant, exclude):
        if _subject(case.form_data or {}) not in (None, subject):
            continue  # about another enterprise
        for name, value in (case.form_data or {}).items():
            if value not in (None, "", []):
                answers.setdefault(name, value)
    return answers


def _subject(answers: dict[str, Any]) -> str | None:
    """The enterprise a form is about (its credit code, else its name), None: a person's."""
    for name in SUBJECT_FIELDS:
        value = answers.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _subjects(cases: list[Case]) -> list[tuple[str, str]]:
    """Whom ``cases`` were about, newest first, once each: (key, name), "" the person."""
    found: dict[str, str] = {}
    for case in cases:
        answers = case.form_data or {}
        key = _subject(answers) or ""
        name = answers.get("enterprise_name") or answers.get("trade_name") or key
        found.setdefault(key, str(name))
    return list(found.items())


def _reusable(prop: dict[str, Any]) -> bool:
    """Not an enterprise's credit code, which only the enterprise register and the licence
    issued give (回填). (A field a source filled is locked and never overridden.)"""
    kind = identifiers.kind_of(prop)
    return kind is None or kind.name != "credit-code"


def _said_nothing(subjects: list[tuple[str, str]], subject: str) -> tuple[str, str]:
    """Why 填入以前的信息 filled nothing (``subject``: whose answers were looked for, ""
    the applicant themself), and what the applicant can do."""
    if not subjects:
        return (
            "没有填入任何信息：您以前没有办件。",
            "Nothing was filled in: you have no earlier applications.",
        )
    if all(key != subject for key, _name in subjects):
        names = "、".join(name for _key, name in subjects)
        return (
            f"没有填入任何信息：您以前的办件是为其他主体（{names}）办理的。"
            "如要沿用其中的信息，请在“填入哪一主体的信息”中选择它再填入。",
            f"Nothing was filled in: your earlier applications were for someone else "
            f"({names}). To reuse their answers, choose it under 'Whose details to fill in' "
            "and fill in again.",
        )
    return (
        "没有填入任何信息：以前办件中填写过的项目，本表单或者没有，或者已经填写"
        "（含从共享数据、账号信息填入的项）。",
        "Nothing was filled in: the answers of your earlier applications are for fields this "
        "form does not have or that are already filled (from shared data or your account).",
    )


@filler
def fill_from_earlier_cases(session: Session, request: FillRequest, found: Prefill) -> None:
    """With the applicant's consent (``reuse``), answers given in their earlier cases about
    the same subject (an enterprise's cases only for that enterprise: a founding takes
    nothing of another company's), or about the subject they chose (``reuse_from``), for
    blank fields the new form has, never a credit code; ``found.reuse_said`` says how
    many were filled, or why none. A page (not a save) also learns whom the earlier cases
    were about (``found.earlier_subjects``), to offer that choice."""
    if request.saving:
        return
    cases = _earlier_cases(session, request.applicant, request.case)
    found.earlier_subjects = _subjects(cases)
    if not request.reuse:
        return
    properties = request.spec["form"]["properties"]
    subject = request.reuse_from
    if subject is None:
        subject = _subject({**own_identity(request.applicant), **request.answers})
    earlier = earlier_answers(
        session, applicant=request.applicant, exclude=request.case, subject=subject or None
    )
    whose, whose_en = _whose(request)
    zh, en = f"来自{whose}以前的办件", f"from {whose_en} earlier applications"
    filled = []
    for name, value in earlier.items():
        blank = request.answers.get(name) in (None, "", [])
        if name in properties and _reusable(properties[name]) and name not in found.values:
            _suggest(found, name, value, zh, en)
            if blank:
                filled.append(properties[name])
    if filled:
        titles = "、".join(str(prop.get("title", "")) for prop in filled)
        titles_en = ", ".join(str(prop.get("title_en") or prop.get("title", "")) for prop in filled)
        found.reuse_said = (
            f"已从{whose}以前的办件填入 {len(filled)} 项：{titles}。请核对后再提交。",
            f"{len(filled)} field(s) filled in from {whose_en} earlier applications: {titles_en}. "
            "Check them before you submit.",
        )
    else:
        found.reuse_said = _said_nothing(found.earlier_subjects, subject or "")
