"""Reusable materials (材料复用): the files an applicant uploaded for earlier cases, which a
later case of the same applicant may take instead of a new upload, and which their profile
lists. 凡是能通过网络共享复用的材料，不得要求企业和群众重复提交 (国办发〔2018〕45号,
“一网、一门、一次”改革实施方案).

A file is reusable when it was uploaded (way upload, a file stored) for a case that was
submitted and is still in force in it (not replaced by a later upload). It is *valid* only
when the case it came from was accepted (受理: the department took the material in) and
did not end in a refusal (不予受理, 不予许可, 终止办理) or a withdrawal, and only for as long
as its material may be reused: ``reuse_months`` after the upload as the catalog declares it
for the material (a health certificate issued within 6 months: 6; a power of attorney for one
matter: 0), else the setting ``material_reuse_months``; an identity document (居民身份证)
for as long as the document itself is valid (``materials.validity``). A file that is not
valid is still listed, with why it cannot be reused.

Whose rule: a later case's form judges an earlier file by the rule of the item applied for
(医师执业注册 takes a health examination of at most 6 months, though the item it was
uploaded for kept it 12), since that item's requirement is what the file must meet; the
profile, which applies for nothing, by the rule of the item it was uploaded for. Either
way the page names the item whose rule it applied.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.cases.core import definition
from tongban.cases.enums import CaseState
from tongban.cases.materials import validity
from tongban.cases.models import Case, Material
from tongban.cases.stages.drafting import add_material
from tongban.catalog.enums import MaterialWay
from tongban.config import get_settings
from tongban.errors import InvalidInput
from tongban.files.store import FileStore
from tongban.timefmt import local
from tongban.timeutil import add_months

EARLIER_CASES = 50  # the newest submitted cases whose uploads are listed

ACCEPTED = frozenset(
    {
        CaseState.in_review,
        CaseState.in_decision,
        CaseState.issuing,
        CaseState.delivering,
        CaseState.completed,
    }
)
NOT_VALID = {  # the case's state: why its files cannot be reused (zh, en)
    CaseState.submitted: ("原办件尚未受理", "its case is not accepted yet"),
    CaseState.correction_requested: ("原办件待补正", "its case awaits corrections"),
    CaseState.rejected: ("原办件不予受理", "its case was not accepted"),
    CaseState.refused: ("原办件不予许可", "its case was refused"),
    CaseState.withdrawn: ("原办件已撤回", "its case was withdrawn"),
    CaseState.terminated: ("原办件已终止办理", "its case was terminated"),
}


@dataclass(frozen=True)
class Rule:
    """How long a file of a material may be reused, as an item declares it: for ``months``
    after its upload, or (``by_document``) while the document itself is valid; the item
    declaring it by name (``item_zh`` / ``item_en``)."""

    months: int
    by_document: bool
    item_zh: str
    item_en: str


@dataclass(frozen=True)
class Reusable:
    """One uploaded file of an earlier case: the material's ``code`` and names, the row,
    the case it came from, the rule it is judged by, and the day it is judged on; whether
    it may be reused then (``valid``; when not, ``why_zh`` / ``why_en``), and by which
    rule (``rule_zh`` / ``rule_en``)."""

    code: str
    name_zh: str
    name_en: str
    material: Material
    case: Case
    rule: Rule
    today: date

    @property
    def valid(self) -> bool:
        return self.why is None

    @property
    def why(self) -> tuple[str, str] | None:
        """Why it cannot be reused (zh, en), or None."""
        if self.case.state not in ACCEPTED:
            return NOT_VALID[CaseState(self.case.state)]
        rule = self.rule
        if rule.by_document:
            return validity.expiry_why(self.material.detail, today=self.today)
        if rule.months == 0:
            return (
                f"按“{rule.item_zh}”的规定，该材料只用于原办件，不能沿用",
                f"under the rule of {rule.item_en}, this material serves its own case only",
            )
        uploaded = local(self.material.uploaded_at).date()
        if add_months(uploaded, rule.months) <= self.today:
            return (
                f"上传已超过 {rule.months} 个月，超出“{rule.item_zh}”对该材料的沿用期限，"
                "请重新上传",
                f"uploaded more than {rule.months} months ago, longer than {rule.item_en} "
                "lets this material be reused; upload it again",
            )
        return None

    @property
    def why_zh(self) -> str | None:
        return self.why[0] if self.why else None

    @property
    def why_en(self) -> str | None:
        return self.why[1] if self.why else None

    @property
    def said(self) -> tuple[str, str]:
        """The rule it is reused by (zh, en): the document's validity, or the months the
        item allows."""
        if self.rule.by_document:
            return validity.expiry_said(self.material.detail)
        return (
            f"“{self.rule.item_zh}”允许沿用上传后 {self.rule.months} 个月内的该材料",
            f"{self.rule.item_en} takes this material for {self.rule.months} months after "
            "its upload",
        )

    @property
    def rule_zh(self) -> str:
        return self.said[0]

    @property
    def rule_en(self) -> str:
        return self.said[1]

    @property
    def uploaded_at(self) -> datetime:
        return self.material.uploaded_at


@dataclass(frozen=True)
class _Declared:
    """A material as the catalog declares it: its names and how long it may be reused."""

    name_zh: str
    name_en: str
    rule: Rule


def _rule(spec: dict[str, Any], material: dict[str, Any] | None) -> Rule:
    """The reuse rule ``spec`` (an item or bundle) declares for ``material`` (None: a
    material it does not declare, reused for the setting's months)."""
    default = get_settings().material_reuse_months
    return Rule(
        months=(material or {}).get("reuse_months", default),
        by_document=bool((material or {}).get("document_validity")),
        item_zh=str(spec["name"]),
        item_en=str(spec.get("name_en") or spec["name"]),
    )


def _declared(spec: dict[str, Any]) -> dict[str, _Declared]:
    return {
        str(m["code"]): _Declared(
            str(m["name"]), str(m.get("name_en") or m["name"]), _rule(spec, m)
        )
        for m in spec["materials"]
    }


def list_reusable(
    session: Session, *, applicant_id: int, now: datetime, exclude_case_id: int | None = None
) -> list[Reusable]:
    """The applicant's uploaded files in force in their submitted cases, newest case first
    (at most ``EARLIER_CASES`` cases), valid or not as of ``now``'s local day."""
    cases = session.scalars(
        select(Case)
        .where(Case.applicant_id == applicant_id, Case.state != CaseState.draft)
        .order_by(Case.created_at.desc(), Case.id.desc())
        .limit(EARLIER_CASES)
    ).all()
    by_id = {case.id: case for case in cases if case.id != exclude_case_id}
    if not by_id:
        return []
    rows = session.scalars(
        select(Material)
        .where(
            Material.case_id.in_(by_id),
            Material.replaced_at.is_(None),
            Material.way == MaterialWay.upload,
            Material.storage_key.is_not(None),
        )
        .order_by(Material.id.desc())
    )
    today = local(now).date()
    found = []
    declared: dict[int, tuple[dict[str, Any], dict[str, _Declared]]] = {}
    for row in rows:
        case = by_id[row.case_id]
        if case.id not in declared:
            spec = definition.spec_of(session, case)
            declared[case.id] = (spec, _declared(spec))
        spec, materials = declared[case.id]
        own = materials.get(row.material_code)
        zh, en = (own.name_zh, own.name_en) if own else (row.material_code, row.material_code)
        rule = own.rule if own else _rule(spec, None)
        found.append(Reusable(row.material_code, zh, en, row, case, rule, today))
    found.sort(key=lambda r: (r.case.created_at, r.case.id, r.material.id), reverse=True)
    return found


def offers(
    session: Session, *, case: Case | None, applicant_id: int, spec: dict[str, Any], now: datetime
) -> dict[str, list[Reusable]]:
    """By material code of ``spec``: the applicant's earlier files of the same material (the
    same code, or the same name), judged by ``spec``'s rule for it (the item applied for),
    valid or not as of ``now``; a valid one may be taken instead of uploading again, the
    others say why not."""
    earlier = list_reusable(
        session, applicant_id=applicant_id, now=now, exclude_case_id=case.id if case else None
    )
    found: dict[str, list[Reusable]] = {}
    for wanted in spec["materials"]:
        same = [r for r in earlier if wanted["code"] == r.code or wanted["name"] == r.name_zh]
        if same:
            rule = _rule(spec, wanted)
            found[str(wanted["code"])] = [replace(r, rule=rule) for r in same]
    return found


def reuse_material(
    session: Session,
    *,
    case: Case,
    user: User,
    material_code: str,
    source_id: int,
    store: FileStore,
    max_bytes: int,
    now: datetime,
) -> Material:
    """Attach to ``material_code`` of ``case`` the file of the applicant's earlier upload
    ``source_id`` (checked as an upload is: formats, size); InvalidInput when it is not one
    of :func:`offers` for that material (another applicant's), or one that is not valid
    (saying why: its case was refused, its reuse period is over …)."""
    spec = definition.spec_of(session, case)
    mine = user.id == case.applicant_id and case.authorisation_id is None
    offered = offers(session, case=case, applicant_id=case.applicant_id, spec=spec, now=now)
    source = next((r for r in offered.get(material_code, []) if r.material.id == source_id), None)
    if mine and source is not None and source.why:
        zh, en = source.why
        raise InvalidInput(
            f"所选的以前上传的文件不能沿用：{zh}。",
            f"The earlier file chosen cannot be reused: {en}.",
            field=f"materials.{material_code}",
        )
    key = source.material.storage_key if source is not None else None
    if not mine or source is None or key is None:
        raise InvalidInput(
            "所选的以前上传的文件不能用于本材料（不是您本人有效的材料），请重新上传。",
            "The earlier file chosen cannot be used for this material (it is not a valid "
            "file of your own); upload the file instead.",
            field=f"materials.{material_code}",
        )
    row = source.material
    material = add_material(
        session,
        case=case,
        user=user,
        material_code=material_code,
        filename=row.filename or "",
        data=store.get(key),
        store=store,
        max_bytes=max_bytes,
        now=now,
    )
    number = source.case.number
    until = (row.detail or {}).get(validity.VALID_UNTIL)
    material.detail = {
        **({validity.VALID_UNTIL: until} if until else {}),
        "reused_from": {"material_id": row.id, "case": number},
        "reused_zh": f"沿用办件 {number} 中上传的材料",
        "reused_en": f"Reused from case {number}",
    }
    return material
