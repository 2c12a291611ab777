"""The material way "pulled from a shared source" (共享调取): a material whose
``shared_source`` holds the record(s) it needs is satisfied without an upload, trust level
A, and the pull is logged for the people concerned.

Whose record: those whose keys the form fields named by the material's ``shared_keys``
hold (the legal representative's, the parents', each shareholder's), else by the source's
``key_field`` (a birth certificate: the mother's ID number), else the applicant's own
resident ID, or, for a source keyed by credit code, the enterprise the form names
(``credit_code``: only one the applicant may act for, ``holders.acts_for_enterprise``),
else the account's own code (or the form field named like the source's key: a project
code). A key that is a credit code where the material names a ``credit_code_source``
(a shareholder that is a company) is looked up there, the enterprise register, not in
the population register.
"""

from __future__ import annotations

from collections import defaultdict
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
from tongban.identifiers import party_kind
from tongban.licences.holders import acts_for_enterprise, register_record
from tongban.pii.service import lookup_key, same_identifier
from tongban.sharing import access
from tongban.sharing.connectors import connector_for
from tongban.sharing.pulling import UNAVAILABLE_ZH


def _named_keys(named: list[str], answers: dict[str, Any]) -> list[str]:
    """The answers of the form fields ``named`` (``field`` or ``rows[].field``); empty
    when one of them is not answered."""
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


class _NotActing(Exception):
    """The form names an enterprise (its credit code) the applicant may not act for."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    def unavailable(self) -> Unavailable:
        return Unavailable(
            f"表单所填统一社会信用代码 {self.code} 的企业，市场主体登记库登记的法定代表人"
            "不是您（须已实名认证），您的账号也不是该企业的账号，不能调取该企业的数据：请核对"
            "代码，或由该企业、其法定代表人或其授权的经办人办理",
            f"The enterprise of the credit code {self.code} in the form is not yours: the "
            "enterprise register names someone else as its legal representative (your "
            "identity must be verified) and this is not the enterprise's account, so its "
            "data cannot be pulled. Check the code, or let the enterprise, its legal "
            "representative or an agent it authorised apply",
        )


def _enterprise_key(session: Session, answers: dict[str, Any], applicant: User) -> str | None:
    """The credit code of the enterprise whose record is needed: the one the form names
    (``credit_code``), else the account's own. Raises :class:`_NotActing` when the form
    names an enterprise the applicant may not act for."""
    named = answers.get("credit_code")
    if not isinstance(named, str) or not named:
        return applicant.credit_code
    own = applicant.credit_code is not None and same_identifier(named, applicant.credit_code)
    if not own and not acts_for_enterprise(applicant, named, register_record(session, named)):
        raise _NotActing(named)
    return named


def _keys(
    session: Session, source: dict[str, Any], material: dict[str, Any], case: Case, user: User
) -> list[str]:
    """The keys of the records the material needs; empty when the form does not hold one.
    Raises :class:`_NotActing` (see ``_enterprise_key``)."""
    answers = case.form_data or {}
    named = key_fields(source, material)
    if named:
        return _named_keys(named, answers)
    if source["key"] == "credit_code":
        key = _enterprise_key(session, answers, user)
    elif source["key"] == "resident_id":
        key = user.id_number
    else:
        key = answers.get(source["key"])
    return [key] if isinstance(key, str) and key else []


def _source_of_key(
    sources: dict[str, dict[str, Any]], source: dict[str, Any], material: dict[str, Any], key: str
) -> dict[str, Any]:
    """Where the record of ``key`` is: the material's ``credit_code_source`` for a key
    that is a credit code (a company shareholder), else the material's source."""
    organisations = sources.get(str(material.get("credit_code_source")))
    if organisations is None or source["key"] != "resident_id":
        return source
    return organisations if party_kind(key) == "credit_code" else source


def _name_en(source: dict[str, Any]) -> str:
    return str(source.get("name_en") or source["code"])


def provide(
    session: Session, *, case: Case, material: dict[str, Any], now: datetime
) -> Provided | Unavailable:
    """Satisfied when the sources hold every record the material needs (reads only)."""
    sources = catalog.list_sources(session)
    source = sources.get(str(material.get("shared_source")))
    if source is None:
        return Unavailable("本材料未接入共享数据源", "No shared source holds this material")
    applicant = session.get_one(User, case.applicant_id)
    try:
        keys = _keys(session, source, material, case, applicant)
    except _NotActing as refused:
        return refused.unavailable()
    if not keys:
        return Unavailable(
            f"表单中没有可用于查询{source['name']}的证件号码",
            f"The form holds no number to look up the {_name_en(source)}",
        )
    held: dict[str, list[str]] = defaultdict(list)  # source code -> keys found there
    owners: dict[str, str] = {}  # key -> whose record it is, where not the key itself
    for key in keys:
        where = _source_of_key(sources, source, material, key)
        lookup = connector_for(where).lookup(session, key=key)
        if lookup.unavailable:
            why = UNAVAILABLE_ZH.get(lookup.unavailable, lookup.unavailable)
            return Unavailable(
                f"{where['name']}暂时无法访问（{why}）",
                f"the {_name_en(where)} is unavailable ({lookup.unavailable})",
            )
        if lookup.record is None:
            return Unavailable(
                f"{where['name']}中没有查到 {key[:6]}… 的记录",
                f"the {_name_en(where)} holds no record of {key[:6]}…",
            )
        held[where["code"]].append(key)
        owner = access.subject_of(where, key, applicant, lookup.record)
        if owner != key:
            owners[key] = owner
    used = [sources[code] for code in held]
    return Provided(
        # the records' keyed hashes (their keys in ``source_records``), never an ID number
        reference=";".join(
            f"{code}:{','.join(lookup_key(key) for key in found)}" for code, found in held.items()
        ),
        trust=TrustLevel.a,
        summary_zh=f"已从{'、'.join(s['name'] for s in used)}调取核验，无需上传",
        summary_en=f"Pulled from the {' and the '.join(_name_en(s) for s in used)}; "
        "no upload needed",
        detail={"source": source["code"], "keys": keys, "sources": dict(held), "owners": owners},
    )


def recorded(
    session: Session, *, case: Case, material: Material, entry: dict[str, Any], now: datetime
) -> None:
    """Log the pull for each person or enterprise whose record satisfied the material."""
    applicant = session.get_one(User, case.applicant_id)
    sources = catalog.list_sources(session)
    detail = material.detail or {}
    held = detail.get("sources") or {str(entry.get("shared_source")): detail.get("keys", [])}
    owners = detail.get("owners") or {}
    for code, keys in held.items():
        source = sources.get(code, {"key": ""})
        for key in keys:
            access.record(
                session,
                at=now,
                source=code,
                subject_key=owners.get(key) or access.subject_of(source, key, applicant),
                record_key=key,
                actor=applicant,
                case_id=case.id,
                fields=[str(entry["code"])],
                purpose=f"办件 {case.number}：核验材料“{entry['name']}”，免于提交",
            )


registry.register(MaterialWay.shared, provide, recorded=recorded)
