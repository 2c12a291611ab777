"""Reusable materials (材料复用): the files an applicant uploaded for earlier cases, which a
later case of the same applicant may take instead of a new upload, and which their profile
lists. 凡是能通过网络共享复用的材料，不得要求企业和群众重复提交 (国办发〔2018〕45号,
“一网、一门、一次”改革实施方案).

A file is reusable when it was uploaded (way upload, a file stored) for a case that was
submitted and is still in force in it (not replaced by a later upload). It is *valid* only
when the case it came from was accepted (受理: the department took the material in) and
did not end in a refusal (不予受理, 不予许可, 终止办理) or a withdrawal: such a file is still
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
from tongban.errors import InvalidInput
from tongban.files.store import FileStore

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
    the case it came from, the upload date, and whether it may be reused (``valid``; when
    not, ``why_zh`` / ``why_en``)."""

    code: str
    name_zh: str
    name_en: str
    material: Material
    case: Case

    @property
    def valid(self) -> bool:
        return self.case.state in ACCEPTED

    @property
    def why_zh(self) -> str | None:
        return None if self.valid else NOT_VALID[CaseState(self.case.state)][0]

    @property
    def why_en(self) -> str | None:
        return None if self.valid else NOT_VALID[CaseState(self.case.state)][1]

    @property
    def uploaded_at(self) -> datetime:
        return self.material.uploaded_at


def _names(spec: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {
        str(m["code"]): (str(m["name"]), str(m.get("name_en") or m["name"]))
        for m in spec["materials"]
    }


def list_reusable(
    session: Session, *, applicant_id: int, exclude_case_id: int | None = None
) -> list[Reusable]:
    """The applicant's uploaded files in force in their submitted cases, newest case first
    (at most ``EARLIER_CASES`` cases), valid or not."""
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
    found = []
    names: dict[int, dict[str, tuple[str, str]]] = {}
    for row in rows:
        case = by_id[row.case_id]
        if case.id not in names:
            names[case.id] = _names(definition.spec_of(session, case))
        zh, en = names[case.id].get(row.material_code, (row.material_code, row.material_code))
        found.append(Reusable(row.material_code, zh, en, row, case))
    found.sort(key=lambda r: (r.case.created_at, r.case.id, r.material.id), reverse=True)
    return found


def offers(
    session: Session, *, case: Case | None, applicant_id: int, spec: dict[str, Any]
) -> dict[str, list[Reusable]]:
    """By material code of ``spec``: the valid earlier files of the same material (the same
    code, or the same name) that the applicant may take instead of uploading again."""
    earlier = [
        r
        for r in list_reusable(
            session, applicant_id=applicant_id, exclude_case_id=case.id if case else None
        )
        if r.valid
    ]
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
    of :func:`offers` for that material (another applicant's, not valid any more)."""
    spec = definition.spec_of(session, case)
    mine = user.id == case.applicant_id and case.authorisation_id is None
    offered = offers(session, case=case, applicant_id=case.applicant_id, spec=spec)
    source = next((r for r in offered.get(material_code, []) if r.material.id == source_id), None)
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
