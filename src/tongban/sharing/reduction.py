"""Fewer fields and fewer materials (减填报、减材料) per item, from real submitted cases.

Of the fields of a case's form, those its applicant did not have to type: pulled from a
shared source (``FieldFill`` state ``pulled``, each field once even when several items of
a bundle share it). Of its required materials, those not uploaded: generated, signed
online, pulled, an e-licence held or verified by the issuing department (the ``materials``
rows of other ways; an upload that replaced nothing counts as uploaded).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from tongban.cases.models import Case, Material
from tongban.catalog import service as catalog
from tongban.catalog.enums import MaterialWay
from tongban.sharing.models import FieldFill


@dataclass
class Reduction:
    """One item's (or bundle's) submitted cases: fields and required materials summed
    over the cases, and how many of them the applicants did not type or upload."""

    code: str
    cases: int = 0
    fields: int = 0  # in the cases' forms
    pulled: int = 0  # of those, filled from a source
    required: int = 0  # required materials of the cases
    uploaded: int = 0  # of those, satisfied by an upload

    @property
    def fields_share(self) -> float | None:
        """Share of the form's fields not typed by the applicant (减填报)."""
        return self.pulled / self.fields if self.fields else None

    @property
    def materials_share(self) -> float | None:
        """Share of the required materials not uploaded (减材料)."""
        return (self.required - self.uploaded) / self.required if self.required else None


def _pulled(session: Session, case_ids: list[int]) -> dict[int, int]:
    query = (
        select(FieldFill.case_id, func.count(distinct(FieldFill.field)))
        .where(FieldFill.case_id.in_(case_ids), FieldFill.state == "pulled")
        .group_by(FieldFill.case_id)
    )
    return {case_id: int(count) for case_id, count in session.execute(query)}


def _uploads(session: Session, case_ids: list[int]) -> dict[int, set[str]]:
    query = select(Material.case_id, Material.material_code).where(
        Material.case_id.in_(case_ids),
        Material.way == MaterialWay.upload,
        Material.replaced_at.is_(None),
    )
    found: dict[int, set[str]] = defaultdict(set)
    for case_id, code in session.execute(query):
        found[case_id].add(code)
    return found


def reductions(
    session: Session,
    *,
    since: datetime | None = None,
    code: str | None = None,
    number: str | None = None,
) -> list[Reduction]:
    """Per item or bundle with submitted cases (since ``since``; only the item or bundle
    ``code``, only the case ``number`` when given), most cases first."""
    query = select(Case.id, Case.catalog_code, Case.catalog_version_id).where(
        Case.submitted_at.is_not(None)
    )
    if since is not None:
        query = query.where(Case.submitted_at >= since)
    if code is not None:
        query = query.where(Case.catalog_code == code)
    if number is not None:
        query = query.where(Case.number == number)
    rows = session.execute(query).all()
    ids = [row.id for row in rows]
    pulled, uploads = _pulled(session, ids), _uploads(session, ids)
    definitions: dict[int, dict[str, Any]] = {}
    found: dict[str, Reduction] = {}
    for case_id, entry, version_id in rows:
        if version_id not in definitions:
            definitions[version_id] = catalog.get_version(session, version_id=version_id).definition
        spec = definitions[version_id]
        required = {m["code"] for m in spec["materials"] if m["required"]}
        one = found.setdefault(entry, Reduction(code=entry))
        one.cases += 1
        one.fields += len(spec["form"]["properties"])
        one.pulled += pulled.get(case_id, 0)
        one.required += len(required)
        one.uploaded += len(required & uploads.get(case_id, set()))
    return sorted(found.values(), key=lambda r: (-r.cases, r.code))
