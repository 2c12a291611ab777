"""The material way "pulled from a shared source" (共享调取): a material whose
``shared_source`` holds the record(s) it needs is satisfied without an upload, trust level
A, and the pull is logged for the people concerned.

Whose record: those whose keys the form fields named by the material's ``shared_keys``
hold (the legal representative's, the parents'), else by the source's ``key_field`` (a
birth certificate: the mother's ID number), else the applicant's own resident ID or
credit code (or the form field named like the source's key: a project code).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.cases.enums import TrustLevel
from tongban.cases.materials import registry
from tongban.cases.materials.registry import Provided, Unavailable
from tongban.cases.models import Case, Material
from tongban.catalog import service as catalog
from tongban.catalog.enums import MaterialWay
from tongban.catalog.sources import key_fields
from tongban.pii.service import lookup_key
from tongban.sharing import access
from tongban.sharing.connectors import connector_for
from tongban.sharing.pulling import UNAVAILABLE_ZH


def _keys(
    source: dict[str, Any], material: dict[str, Any], case: Case, applicant: User
) -> list[str]:
    """The keys of the records the material needs; empty when the form does not hold one."""
    answers = case.form_data or {}
    named = key_fields(source, material)
    if not named:
        own = {"resident_id": applicant.id_number, "credit_code": applicant.credit_code}
        key = own.get(source["key"], answers.get(source["key"]))
        return [key] if isinstance(key, str) and key else []
    keys: list[str] = []
    for path in named:
        field, _, sub = path.partition("[].")
        value = answers.get(field)
        rows = value if sub and isinstance(value, list) else []
        values = [row.get(sub) for row in rows if isinstance(row, dict)] if sub else [value]
        found = [v for v in values if isinstance(v, str) and v]
        if not found or len(found) != len(values):
            return []
        keys += found
    return keys


def provide(
    session: Session, *, case: Case, material: dict[str, Any], now: datetime
) -> Provided | Unavailable:
    """Satisfied when the source holds every record the material needs (reads only)."""
    source = catalog.list_sources(session).get(str(material.get("shared_source")))
    if source is None:
        return Unavailable("本材料未接入共享数据源", "No shared source holds this material")
    applicant = session.get(User, case.applicant_id)
    assert applicant is not None
    keys = _keys(source, material, case, applicant)
    if not keys:
        return Unavailable(
            f"表单中没有可用于查询{source['name']}的证件号码",
            f"The form holds no number to look up the {source.get('name_en') or source['code']}",
        )
    connector = connector_for(source)
    for key in keys:
        lookup = connector.lookup(session, key=key)
        if lookup.unavailable:
            why = UNAVAILABLE_ZH.get(lookup.unavailable, lookup.unavailable)
            return Unavailable(
                f"{source['name']}暂时无法访问（{why}）",
                f"the {source.get('name_en') or source['code']} is unavailable ({lookup.unavailable})",
            )
        if lookup.record is None:
            return Unavailable(
                f"{source['name']}中没有查到 {key[:6]}… 的记录",
                f"the {source.get('name_en') or source['code']} holds no record of {key[:6]}…",
            )
    return Provided(
        # the records' keyed hashes (their keys in ``source_records``), never an ID number
        reference=f"{source['code']}:{','.join(lookup_key(key) for key in keys)}",
        trust=TrustLevel.a,
        summary_zh=f"已从{source['name']}调取核验，无需上传",
        summary_en=f"Pulled from the {source.get('name_en') or source['code']}; no upload needed",
        detail={"source": source["code"], "keys": keys},
    )


def recorded(
    session: Session, *, case: Case, material: Material, entry: dict[str, Any], now: datetime
) -> None:
    """Log the pull for each person or enterprise whose record satisfied the material."""
    applicant = session.get_one(User, case.applicant_id)
    source = catalog.list_sources(session).get(str(entry.get("shared_source")), {"key": ""})
    for key in (material.detail or {}).get("keys", []):
        access.record(
            session,
            at=now,
            source=str(entry.get("shared_source")),
            subject_key=access.subject_of(source, key, applicant),
            record_key=key,
            actor=applicant,
            case_id=case.id,
            fields=[str(entry["code"])],
            purpose=f"办件 {case.number}：核验材料“{entry['name']}”，免于提交",
        )


registry.register(MaterialWay.shared, provide, recorded=recorded)
