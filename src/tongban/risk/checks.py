"""The anomalies screening looks for, each a function from a received case to what it
found (nothing, or a flag that explains itself in Chinese and English).

- the same phone or address given in the cases of many other applicants (subjects);
- a new application for an item the same subject was refused (不予许可 / 不予受理) lately;
- a form value that contradicts the shared source it should come from;
- one uploaded file (same SHA-256) in the cases of another, unrelated applicant.

The thresholds (``Thresholds``) are settings (``TONGBAN_RISK_*``, docs/settings.md).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, distinct, func, or_, select
from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.cases import service as cases
from tongban.cases.enums import CaseState
from tongban.cases.models import Case, Material
from tongban.catalog.enums import MaterialWay
from tongban.catalog.sources import source_ref
from tongban.config import Settings
from tongban.pii.service import lookup_keys, mask_address, mask_phone
from tongban.risk.enums import FlagKind, MarkKind
from tongban.risk.models import RiskMark
from tongban.sharing import service as sharing
from tongban.textutil import counted


@dataclass(frozen=True)
class Thresholds:
    """When a check raises its flag (see ``Settings.risk_*`` for each)."""

    window_days: int = 90
    contact_subjects: int = 3
    refusals: int = 1
    refusal_window_days: int = 30
    file_subjects: int = 1

    @classmethod
    def of(cls, settings: Settings) -> Thresholds:
        return cls(
            window_days=settings.risk_window_days,
            contact_subjects=settings.risk_contact_subjects,
            refusals=settings.risk_refusals,
            refusal_window_days=settings.risk_refusal_window_days,
            file_subjects=settings.risk_file_subjects,
        )


@dataclass(frozen=True)
class Found:
    kind: FlagKind
    zh: str
    en: str
    data: dict[str, Any] = field(default_factory=dict)


def normal(text: str) -> str:
    """How values are compared: NFKC, no blanks, upper case (全角 and spaces do not hide)."""
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()


def subject_of(case: Case, applicant: User) -> str:
    """Whom a case is about: the enterprise's credit code, else the applicant's own
    resident ID (the account's, verified at registration, else the form's)."""
    form = case.form_data
    candidates = (
        form.get("credit_code"),
        applicant.credit_code,
        applicant.id_number,
        form.get("applicant_id_number"),
    )
    for value in candidates:
        if isinstance(value, str) and value:
            return normal(value)
    return applicant.id_number or f"user:{applicant.id}"


def marks_of(session: Session, case: Case) -> list[tuple[MarkKind, str]]:
    """The values of ``case`` that later cases are compared with."""
    form = case.form_data
    found: list[tuple[MarkKind, str]] = []
    phone = form.get("phone")
    if isinstance(phone, str) and phone.strip():
        found.append((MarkKind.phone, normal(phone)))
    for name, value in form.items():
        if name.endswith("address") and isinstance(value, str) and value.strip():
            found.append((MarkKind.address, normal(value)[:200]))
    uploads = select(Material.sha256).where(
        Material.case_id == case.id,
        Material.way == MaterialWay.upload,
        Material.replaced_at.is_(None),
        Material.sha256.is_not(None),
    )
    found += [(MarkKind.file, sha) for sha in session.scalars(uploads) if sha]
    return list(dict.fromkeys(found))


Marks = list[tuple[MarkKind, str]]
Others = dict[tuple[MarkKind, str], list[str]]  # a case's mark -> the other subjects that gave it


def other_subjects(
    session: Session, *, marks: Marks, subject: str, since: datetime, case_id: int
) -> Others:
    """For each of ``marks``, the distinct other subjects whose received cases gave it since
    ``since``, by subject; all marks in one read."""
    found: Others = {mark: [] for mark in marks}
    if not marks:
        return found
    query = (
        select(RiskMark.kind, RiskMark.value, RiskMark.subject)
        .distinct()
        .where(
            or_(*(and_(RiskMark.kind == kind, RiskMark.value == value) for kind, value in marks)),
            RiskMark.at >= since,
            RiskMark.subject != subject,
            RiskMark.case_id != case_id,
        )
        .order_by(RiskMark.subject)
    )
    stored = {(kind, key): (kind, value) for kind, value in marks for key in lookup_keys(value)}
    for kind, key, other in session.execute(query):  # the values read back as their hashes
        subjects = found[stored[MarkKind(kind), key]]
        if other not in subjects:  # a value under both keys while the lookup key rotates
            subjects.append(other)
    return found


CONTACT_WORDS = {MarkKind.phone: ("手机号", "phone number"), MarkKind.address: ("地址", "address")}


def shared_contacts(limits: Thresholds, others_of: Others) -> list[Found]:
    """The same phone or address in the cases of ``contact_subjects`` or more others
    (``others_of``: :func:`other_subjects` of the case's marks within ``window_days``)."""
    found = []
    for (kind, value), others in others_of.items():
        if kind not in CONTACT_WORDS:
            continue
        if len(others) < limits.contact_subjects:
            continue
        zh, en = CONTACT_WORDS[kind]
        flag = FlagKind.shared_phone if kind == MarkKind.phone else FlagKind.shared_address
        shown = mask_phone(value) if kind == MarkKind.phone else mask_address(value)
        found.append(
            Found(
                flag,
                f"{zh}“{shown}”近{limits.window_days}天内还用于另外 {len(others)} 个申请主体的办件"
                f"（阈值 {limits.contact_subjects} 个），可能是代办中介或冒用，请核实申请人身份。",
                f"The {en} {shown} was given in the cases of {len(others)} other applicants "
                f"in {limits.window_days} days (threshold {limits.contact_subjects}).",
                {"value": shown, "subjects": others[:20]},
            )
        )
    return found


def reused_files(
    session: Session, case: Case, limits: Thresholds, others_of: Others
) -> list[Found]:
    """An uploaded file whose exact bytes other, unrelated applicants uploaded too
    (``others_of``: :func:`other_subjects` of the case's marks within ``window_days``)."""
    found = []
    for (kind, sha), others in others_of.items():
        if kind != MarkKind.file:
            continue
        if len(others) < limits.file_subjects:
            continue
        names = session.scalars(
            select(Material.material_code).where(
                Material.case_id == case.id, Material.sha256 == sha
            )
        ).all()
        found.append(
            Found(
                FlagKind.reused_file,
                f"上传的材料（{'、'.join(names)}）与另外 {len(others)} 个申请主体上传的文件完全相同"
                f"（SHA-256 {sha[:12]}…），可能是套用或伪造的材料。",
                f"The uploaded file ({', '.join(names)}) is byte for byte the one "
                f"{len(others)} other applicants uploaded (SHA-256 {sha[:12]}…).",
                {"sha256": sha, "materials": list(names), "subjects": others[:20]},
            )
        )
    return found


def refusals_before(
    session: Session, case: Case, subject: str, now: datetime, limits: Thresholds
) -> list[Found]:
    """A new application for an item this subject was refused or rejected lately."""
    since = now - timedelta(days=limits.refusal_window_days)
    query = (
        select(func.count(distinct(Case.id)))
        .join(RiskMark, RiskMark.case_id == Case.id)
        .where(
            RiskMark.kind == MarkKind.subject,
            RiskMark.value == subject,
            Case.id != case.id,
            Case.catalog_code == case.catalog_code,
            Case.state.in_([CaseState.refused, CaseState.rejected]),
            Case.closed_at >= since,
        )
    )
    count = int(session.scalar(query) or 0)
    if count < limits.refusals:
        return []
    return [
        Found(
            FlagKind.repeat_after_refusal,
            f"该申请主体近{limits.refusal_window_days}天内本事项已被不予许可或不予受理 {count} 次，"
            "又再次申请，请核实前次不予许可的理由是否已消除。",
            f"This applicant was refused this item {counted(count, 'time')} in the last "
            f"{limits.refusal_window_days} days and applies again.",
            {"refusals": count},
        )
    ]


def contradictions(session: Session, case: Case, now: datetime) -> list[Found]:
    """Form values that differ from the shared record they should come from."""
    found = []
    form = cases.spec_of(session, case)["form"]
    for name, prop in form["properties"].items():
        ref = source_ref(prop)
        value = case.form_data.get(name)
        if ref is None or value in (None, ""):
            continue
        source, lookup = sharing.lookup_for_case(session, case=case, code=ref[0], now=now)
        if source is None or lookup is None or lookup.record is None:
            continue
        held = lookup.record.get(ref[1])
        if held is None or normal(str(held)) == normal(str(value)):
            continue
        title = prop.get("title", name)
        found.append(
            Found(
                FlagKind.contradicts_source,
                f"“{title}”填写为“{value}”，而{source['name']}登记为“{held}”，二者不一致。",
                f"'{name}' is '{value}' on the form but '{held}' in the "
                f"{source.get('name_en') or source['code']}.",
                {"field": name, "form": value, "source": source["code"], "held": held},
            )
        )
    return found
