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
matter: 0), else the setting ``material_reuse_months``. A file that is not valid is still
listed, with why it cannot be reused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.cases.core import definition
from tongban.cases.enums import CaseState
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
class Reusable:
    """One uploaded file of an earlier case: the material's ``code`` and names, the row,
    the case it came from, the upload date, the months it may be reused for, and whether it
    may be reused at the time it was listed (``valid``; when not, ``why_zh`` / ``why_en``)."""

    code: str
    name_zh: str
    name_en: str
    material: Material
    case: Case
    months: int  # how long after its upload it may be reused (材料复用的有效期)
    expired: bool  # those months had passed when it was listed

    @property
    def valid(self) -> bool:
        return self.why is None

    @property
    def why(self) -> tuple[str, str] | None:
        """Why it cannot be reused (zh, en), or None."""
        if self.case.state not in ACCEPTED:
            return NOT_VALID[CaseState(self.case.state)]
        if self.months == 0:
            return ("该材料只用于原办件，不能沿用", "this material serves its own case only")
        if self.expired:
            return (
                f"上传已超过 {self.months} 个月，超出该材料的沿用期限，请重新上传",
                f"uploaded more than {self.months} months ago, longer than this material "
                "may be reused; upload it again",
            )
        return None

    @property
    def why_zh(self) -> str | None:
        return self.why[0] if self.why else None

    @property
    def why_en(self) -> str | None:
        return self.why[1] if self.why else None

    @property
    def uploaded_at(self) -> datetime:
        return self.material.uploaded_at


@dataclass(frozen=True)
class _Declared:
    """A material as the catalog declares it: its names and how long it may be reused."""

    name_zh: str
    name_en: str
    months: int


def _declared(spec: dict[str, Any]) -> dict[str, _Declared]:
    default = get_settings().material_reuse_months
    return {
        str(m["code"]): _Declared(
            str(m["name"]), str(m.get("name_en") or m["name"]), m.get("reuse_months", default)
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
    declared: dict[int, dict[str, _Declared]] = {}
    for row in rows:
        case = by_id[row.case_id]
        if case.id not in declared:
            declared[case.id] = _declared(definition.spec_of(session, case))
        own = declared[case.id].get(row.material_code)
        months = own.months if own else get_settings().material_reuse_months
        zh, en = (own.name_zh, own.name_en) if own else (row.material_code, row.material_code)
        expired = add_months(local(row.uploaded_at).date(), months) <= today
        found.append(Reusable(row.material_code, zh, en, row, case, months, expired))
    found.sort(key=lambda r: (r.case.created_at, r.case.id, r.material.id), reverse=True)
    return found


def offers(
    session: Session, *, case: Case | None, applicant_id: int, spec: dict[str, Any], now: datetime
) -> dict[str, list[Reusable]]:
    """By material code of ``spec``: the applicant's earlier files of the same material (the
    same code, or the same name), valid or not as of ``now``; a valid one may be taken
    instead of uploading again, the others say why not."""
    earlier = list_reusable(
        session, applicant_id=applicant_id, now=now, exclude_case_id=case.id if case else None
    )
    found: dict[str, list[Reusable]] = {}
    for wanted in spec["materials"]:
        same = [r for r in earlier if wanted["code"] == r.code or wanted["name"] == r.name_zh]
        if same:
            found[str(wanted["code"])] = same
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
    material.detail = {
        "reused_from": {"material_id": row.id, "case": number},
        "reused_zh": f"沿用办件 {number} 中上传的材料",
        "reused_en": f"Reused from case {number}",
    }
    return material
