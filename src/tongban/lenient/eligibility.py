"""Who may use the lenient modes (告知承诺制, 容缺受理).

The national rules (国办发〔2020〕42号 §三(二); 容缺受理 rules of the provinces) keep both
modes from applicants with a bad credit record and from high-risk matters:

- the applicant's record in the public credit register (shared source ``credit`` of
  ``catalog/sources.yaml``, keyed by the credit code on the form or of the account): listed
  as seriously dishonest (``dishonest``), or a rating in :data:`BAD_RATINGS`; a register
  that cannot answer refuses too (the record could not be checked);
- an item marked ``high_risk: true`` in the catalog;
- a case flagged by any check registered with :func:`register_case_risk`; risk screening's
  flags (``tongban.risk``) are registered here.

:func:`refusal` only reads (pages ask it); :func:`log_check` records the pull of the credit
record in the data-access log when a mode is really granted or refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.cases import service as cases
from tongban.cases.models import Case
from tongban.catalog.enums import ApprovalMode
from tongban.risk import service as risk
from tongban.sharing import access
from tongban.sharing import service as sharing

CREDIT_SOURCE = "credit"
BAD_RATINGS = frozenset({"C", "D"})  # 失信 / 严重失信 in the public credit rating

# (session, case) -> the case-level flags' reasons (zh, en) that keep it from lenient modes
CaseRisk = Callable[[Session, Case], list[tuple[str, str]]]
CASE_RISKS: list[CaseRisk] = []


def register_case_risk(check: CaseRisk) -> CaseRisk:
    """Register a case-level risk check (e.g. risk screening's flags): any reason it
    returns keeps the case from commitment approval and acceptance with deficiencies."""
    CASE_RISKS.append(check)
    return check


@register_case_risk
def _screening_flags(session: Session, case: Case) -> list[tuple[str, str]]:
    """Risk screening's flags of the case's latest receipt (风险筛查)."""
    return [(flag.message_zh, flag.message_en) for flag in risk.flags_of(session, case_id=case.id)]


@dataclass(frozen=True)
class Refusal:
    """Why a case may not use a lenient mode, in both languages."""

    zh: str
    en: str

    def message(self, locale: str) -> str:
        return self.en if locale == "en" else self.zh


def credit_key(session: Session, case: Case) -> str | None:
    """The credit code the case is checked under: the form's, else the applicant's."""
    code = (case.form_data or {}).get("credit_code")
    if isinstance(code, str) and code.strip():
        return code.strip()
    applicant = session.get(User, case.applicant_id)
    return applicant.credit_code if applicant is not None else None


def credit_refusal(session: Session, case: Case) -> Refusal | None:
    """The applicant's bad credit record, or None (no record held is no bad record)."""
    return _credit_refusal(session, credit_key(session, case))


def _credit_refusal(session: Session, key: str | None) -> Refusal | None:
    if key is None:
        return None
    found = sharing.lookup(session, code=CREDIT_SOURCE, key=key)
    if found.unavailable:
        return Refusal(
            f"公共信用信息库暂时无法访问（{found.unavailable}），无法核验申请人信用状况。",
            "The public credit register cannot be reached, so the applicant's credit "
            "could not be checked.",
        )
    record = found.record or {}
    if record.get("dishonest"):
        return Refusal(
            "申请人被列入严重失信主体名单（公共信用信息库）。",
            "The applicant is on the list of seriously dishonest entities (public credit "
            "register).",
        )
    rating = record.get("rating")
    if rating in BAD_RATINGS:
        return Refusal(
            f"申请人公共信用等级为{rating}级（失信）。",
            f"The applicant's public credit rating is {rating} (dishonest).",
        )
    return None


def _high_risk(spec: dict[str, Any]) -> Refusal | None:
    for item in spec["items"]:
        if item.get("high_risk"):
            return Refusal(
                f"“{item['name']}”为高风险事项。",
                f"'{item.get('name_en') or item['code']}' is a high-risk matter.",
            )
    return None


def refusal(session: Session, *, case: Case) -> Refusal | None:
    """Why ``case`` may not use a lenient mode (the first reason), or None when it may:
    a high-risk item, a case-level risk flag, a bad credit record. Reads only."""
    high = _high_risk(cases.spec_of(session, case))
    if high is not None:
        return high
    for check in CASE_RISKS:
        for zh, en in check(session, case):
            return Refusal(f"办件被风险筛查标记：{zh}", f"The case was flagged: {en}")
    return credit_refusal(session, case)


def may_use_lenient(session: Session, *, case: Case) -> bool:
    """May this case use commitment approval or acceptance with deficiencies?"""
    return refusal(session, case=case) is None


def log_check(
    session: Session, *, case: Case, purpose: str, purpose_en: str, now: datetime
) -> None:
    """Log the credit record's pull for a lenient mode (shown to its data subject), why
    in Chinese and English."""
    key = credit_key(session, case)
    if key is None:
        return
    found = sharing.lookup(session, code=CREDIT_SOURCE, key=key)
    access.record(
        session,
        at=now,
        source=CREDIT_SOURCE,
        subject_key=key,
        actor=None,
        case_id=case.id,
        fields=["rating", "dishonest"],
        purpose=purpose,
        purpose_en=purpose_en,
        outcome="unavailable" if found.unavailable else ("found" if found.found else "no_record"),
    )


def applicant_bar(session: Session, spec: dict[str, Any], user: User) -> tuple[str, str] | None:
    """Before any case (the form of ``spec``): why ``user`` may not use its lenient modes,
    (zh, en) — a high-risk item, or the applicant's own bad credit record (their credit
    code) — or None. Risk screening runs only at receipt; the case is checked again then."""
    lenient = any(
        item.get("approval_mode") == ApprovalMode.commitment
        or any(m.get("deficiency_allowed") for m in item["materials"])
        for item in spec["items"]
    )
    if not lenient:
        return None
    found = _high_risk(spec) or _credit_refusal(session, user.credit_code)
    return (found.zh, found.en) if found is not None else None
