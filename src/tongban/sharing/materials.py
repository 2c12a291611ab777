"""The material way "pulled from a shared source" (共享调取): a material whose
``shared_source`` holds the record(s) it needs is satisfied without an upload, trust level
A, and the pull is logged for the people concerned.

Whose record: those whose keys the form fields named by the material's ``shared_keys``
hold (the legal representative's, the parents', each shareholder's), else by the source's
``key_field`` (a birth certificate: the mother's ID number), else the applicant's own
resident ID, or, for a source keyed by credit code, the enterprise the form names
(``credit_code``: only one the applicant may act for, ``acting.enterprise_key``),
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
from tongban.cases import service as cases
from tongban.cases.enums import TrustLevel
from tongban.cases.materials import registry
from tongban.cases.materials.registry import Provided, Unavailable
from tongban.cases.models import Case, Material
from tongban.catalog import service as catalog
from tongban.catalog.enums import MaterialWay
from tongban.catalog.sources import key_fields, subject_fields
from tongban.identifiers import party_kind
from tongban.pii.service import lookup_key
from tongban.sharing import access, acting
from tongban.sharing.connectors import connector_for
from tongban.sharing.pulling import UNAVAILABLE_ZH

Key = tuple[str, str | None]  # (number, form field path it was typed in; None: the account's)


def _named_keys(named: list[str], answers: dict[str, Any]) -> list[Key]:
    """The answers of the form fields ``named`` (``field`` or ``rows[].field``), each with
    its path; empty when one of them is not answered."""
    keys: list[Key] = []
    for path in named:
        field, _, sub = path.partition("[].")
        value = answers.get(field)
        rows = value if sub and isinstance(value, list) else []
        values = [row.get(sub) for row in rows if isinstance(row, dict)] if sub else [value]
        found = [v for v in values if isinstance(v, str) and v]
        if not found or len(found) != len(values):
            return []
        keys += [(v, path) for v in found]
    return keys


def _keys(
    session: Session, source: dict[str, Any], material: dict[str, Any], case: Case, user: User
) -> list[Key]:
    """The keys of the records the material needs, each with the form field it was typed
    in (None: the account's own, or the enterprise it acts for); empty when the form does
    not hold one. Raises ``acting.NotActing``."""
    answers = case.form_data or {}
    named = key_fields(source, material)
    if named:
        return _named_keys(named, answers)
    path: str | None = None
    if source["key"] == "credit_code":
        key = acting.enterprise_key(session, answers, user)
    elif source["key"] == "resident_id":
        key = user.id_number
    else:
        key, path = answers.get(source["key"]), source["key"]
    return [(key, path)] if isinstance(key, str) and key else []


IDENTITY_TITLES = {"resident_id": "公民身份号码", "credit_code": "统一社会信用代码"}


def key_title(session: Session, case: Case, source: dict[str, Any], path: str) -> str:
    """What the number typed in the form field ``path`` (``field`` or ``rows[].field``) to
    look ``source`` up is called: a resident ID or credit code by its name, else the
    source's own name for its key ("不动产权证书号") when it declares it as a field, else
    the title of the case's form field."""
    if source["key"] in IDENTITY_TITLES:
        return IDENTITY_TITLES[source["key"]]
    declared = source["fields"].get(source["key"])
    if declared is not None:
        return str(declared["title"])
    field, _, sub = path.partition("[].")
    prop = cases.spec_of(session, case)["form"].get("properties", {}).get(field, {})
    prop = prop.get("items", {}).get("properties", {}).get(sub, {}) if sub else prop
    return str(prop.get("title") or path)


def not_held(
    title: str, source: dict[str, Any], path: str, material: dict[str, Any]
) -> Unavailable:
    """A number typed in the form (its ``title``) that ``source`` holds no record of: what
    to fix, beside the field (``path``): check the number, or upload the material (when
    it takes one)."""
    zh = f"{source['name']}中没有这个{title}，请核对"
    en = f"The {_name_en(source)} holds no record of this number; check it"
    return _or_upload(zh, en, path, material)


def _or_upload(zh: str, en: str, path: str, material: dict[str, Any]) -> Unavailable:
    if MaterialWay.upload in material.get("ways", []):
        zh += f"，或上传“{material['name']}”"
        en += f", or upload '{material.get('name_en') or material['code']}'"
    return Unavailable(zh, en, field=path.partition("[].")[0])


def typed_name(spec: dict[str, Any], answers: dict[str, Any], path: str, key: str) -> str | None:
    """The name typed beside the number ``key`` the form field ``path`` holds (the field
    named like it with ``name`` for ``id_number``: ``legal_rep_name``, a shareholder row's
    ``name``), "" when left empty; None when the form asks no such name."""
    field, _, sub = path.partition("[].")
    named = (sub or field).removesuffix("id_number")
    if named == (sub or field):
        return None
    props = spec["form"].get("properties", {})
    if sub:
        row_props = props.get(field, {}).get("items", {}).get("properties", {})
        if f"{named}name" not in row_props:
            return None
        given = answers.get(field)
        rows = given if isinstance(given, list) else []
        row = next((r for r in rows if isinstance(r, dict) and r.get(sub) == key), {})
        return str(row.get(f"{named}name") or "").strip()
    if f"{named}name" not in props:
        return None
    return str(answers.get(f"{named}name") or "").strip()


def not_matched(
    title: str, source: dict[str, Any], path: str, material: dict[str, Any]
) -> Unavailable:
    """The register holds no record of this number under the name typed beside it: one
    sentence whether the number is unknown or the name another (a draft answers no
    yes/no about someone's number), what to fix beside the field."""
    zh = f"{source['name']}中没有与所填姓名（名称）一致的这个{title}，请核对姓名和号码"
    en = (
        f"The {_name_en(source)} holds no record of this number under the name given; "
        "check the name and the number"
    )
    return _or_upload(zh, en, path, material)


def not_own(title: str, source: dict[str, Any], path: str, material: dict[str, Any]) -> Unavailable:
    """The record of this number is someone else's (its owner, 权利人, is neither the
    applicant nor the enterprise applied for): it verifies nothing for this case, and
    nothing of it is shown."""
    zh = f"{source['name']}中这个{title}的权利人不是申请人（或所办企业），不能据此免于提交"
    en = (
        f"The record of this number in the {_name_en(source)} is not the applicant's (or the "
        "enterprise's): it cannot replace the material"
    )
    return _or_upload(zh, en, path, material)


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


def _mismatch(
    session: Session,
    case: Case,
    asked: tuple[dict[str, Any], dict[str, Any]],
    key: str,
    path: str | None,
    record: dict[str, Any] | None,
) -> Unavailable | None:
    """Why the record ``key`` typed in the form field ``path`` verifies nothing: no such
    record; a person or enterprise found by the number but not under the name typed
    beside it; a record found by another number (a property certificate) whose owner is
    not the applicant's. None: it verifies (or the number is the account's own)."""
    where, material = asked
    if path is None:
        return None
    title = key_title(session, case, where, path)
    if where["key"] in IDENTITY_TITLES and "name" in where["fields"]:  # a register of names
        spec = cases.spec_of(session, case)
        name = typed_name(spec, case.form_data or {}, path, key)
        if name is not None and (record is None or record.get("name") != name):
            return not_matched(title, where, path, material)
    if record is None:
        return not_held(title, where, path, material)
    if subject_fields(where):
        applicant = session.get_one(User, case.applicant_id)
        own = acting.own_codes(session, case.form_data or {}, applicant)
        if not acting.owned(access.subjects_of(where, key, record), own):
            return not_own(title, where, path, material)
    return None


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
    except acting.NotActing as refused:
        return Unavailable(*refused.sentence())
    if not keys:
        return Unavailable(
            f"表单中没有可用于查询{source['name']}的证件号码",
            f"The form holds no number to look up the {_name_en(source)}",
        )
    held: dict[str, list[str]] = defaultdict(list)  # source code -> keys found there
    owners: dict[str, list[str]] = {}  # key -> whose record it is, where not the key's own
    for key, path in keys:
        where = _source_of_key(sources, source, material, key)
        lookup = connector_for(where).lookup(session, key=key)
        if lookup.unavailable:
            why = UNAVAILABLE_ZH.get(lookup.unavailable, lookup.unavailable)
            return Unavailable(
                f"{where['name']}暂时无法访问（{why}）",
                f"the {_name_en(where)} is unavailable ({lookup.unavailable})",
            )
        mismatch = _mismatch(session, case, (where, material), key, path, lookup.record)
        if mismatch is not None:
            return mismatch
        if lookup.record is None:
            return Unavailable(
                f"{where['name']}中没有查到 {key[:6]}… 的记录",
                f"the {_name_en(where)} holds no record of {key[:6]}…",
            )
        if lookup.record.get("status") == "注销":
            return Unavailable(
                f"{where['name']}中该企业已注销登记（{key[:6]}…），不能作为有效证明",
                f"the {_name_en(where)} holds {key[:6]}… as deregistered: not valid proof",
            )
        held[where["code"]].append(key)
        subjects = access.subjects_of(where, key, lookup.record)
        if subjects != [key]:
            owners[key] = subjects
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
        detail={
            "source": source["code"],
            "keys": [key for key, _path in keys],
            "sources": dict(held),
            "owners": owners,
        },
    )


def refused_records(
    session: Session, *, case: Case, material: dict[str, Any]
) -> list[tuple[dict[str, Any], str, dict[str, Any]]]:
    """The records the material's numbers found that did not verify it (the name typed
    beside the number is not the record's; the owner is not the applicant's): (source, key,
    record) of each. Reading them to say so is reading someone's data, so their subjects'
    access logs show it (``draftlog``). Reads only."""
    sources = catalog.list_sources(session)
    source = sources.get(str(material.get("shared_source")))
    if source is None:
        return []
    try:
        keys = _keys(session, source, material, case, session.get_one(User, case.applicant_id))
    except acting.NotActing:
        return []
    refused = []
    for key, path in keys:
        where = _source_of_key(sources, source, material, key)
        record = connector_for(where).lookup(session, key=key).record
        if record is not None and _mismatch(session, case, (where, material), key, path, record):
            refused.append((where, key, record))
    return refused


def recorded(
    session: Session, *, case: Case, material: Material, entry: dict[str, Any], now: datetime
) -> None:
    """Log the pull for each person or enterprise whose record satisfied the material."""
    log_pulls(session, case=case, detail=material.detail or {}, entry=entry, now=now)


def log_pulls(
    session: Session, *, case: Case, detail: dict[str, Any], entry: dict[str, Any], now: datetime
) -> None:
    """Log, once per case, what a pull that satisfied the material ``entry`` read
    (``detail`` of its :class:`Provided`) for each person or enterprise it was about."""
    applicant = session.get_one(User, case.applicant_id)
    sources = catalog.list_sources(session)
    held = detail.get("sources") or {str(entry.get("shared_source")): detail.get("keys", [])}
    owners = detail.get("owners") or {}
    for code, keys in held.items():
        source = sources.get(code, {"key": ""})
        for key in keys:
            for subject in owners.get(key) or access.subjects_of(source, key):
                access.record_once(
                    session,
                    at=now,
                    source=code,
                    subject_key=subject,
                    record_key=key,
                    actor=applicant,
                    case_id=case.id,
                    fields=[str(entry["code"])],
                    purpose=f"办件 {case.number}：核验材料“{entry['name']}”，免于提交",
                    purpose_en=f"Case {case.number}: checking the material "
                    f"'{entry.get('name_en') or entry['name']}' instead of an upload",
                )


registry.register(MaterialWay.shared, provide, recorded=recorded)
