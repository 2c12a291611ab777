"""The data-access log: every pull of someone's data, who asked, for which case and why.

The data subject (the person by resident ID, the enterprise by credit code) reads the
rows about them on their profile page; no other applicant can.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.audit.service import SYSTEM
from tongban.cases.core.prefill import FillRequest
from tongban.catalog.sources import IDENTITY_KEYS, subject_fields
from tongban.pii.service import lookup_keys, mask_id
from tongban.sharing.connectors import Lookup
from tongban.sharing.models import DataAccess


def actor_label(user: User) -> str:
    """How the log names who asked: staff with their department, applicants by name."""
    if user.is_staff:
        return f"{user.department_code or ''} {user.display_name}".strip()
    return user.display_name


def _outcome(lookup: Lookup) -> str:
    if lookup.unavailable:
        return "unavailable"
    return "found" if lookup.found else "no_record"


def log_pull(
    session: Session,
    *,
    request: FillRequest,
    pull_source: dict[str, Any],
    key: str,
    fields: list[str],
    lookup: Lookup,
) -> list[DataAccess]:
    """Log a pull made while saving a case's form: one row per case, source, fields and
    person whose data it read (later saves of the same draft pulling the same fields add
    none); the rows added."""
    case = request.case
    case_id = case.id if case is not None else None
    outcome = _outcome(lookup)
    title, title_en = request.spec["name"], request.spec.get("name_en") or request.spec["name"]
    number = case.number if case is not None else ""
    added = []
    for subject in subjects_of(pull_source, key, lookup.record):
        query = select(DataAccess).where(
            DataAccess.case_id == case_id,
            DataAccess.source == pull_source["code"],
            DataAccess.subject_key == subject,
            DataAccess.outcome == outcome,
        )
        if any(row.fields == fields for row in session.scalars(query)):
            continue
        row = record(
            session,
            at=request.now,
            source=pull_source["code"],
            subject_key=subject,
            actor=request.actor,
            case_id=case_id,
            fields=fields,
            purpose=f"办理“{title}”（办件 {number}）填写申请表",
            purpose_en=f"Filling in the form of '{title_en}' (case {number})",
            outcome=outcome,
            record_key=key,
        )
        added.append(row)
    return added


def subjects_of(
    source: dict[str, Any], key: str, record: dict[str, Any] | None = None
) -> list[str]:
    """Whose data a pull by ``key`` is: the person or enterprise the key names; for a
    record found by another number (a property certificate, a project code, a contract
    filing), each person or enterprise whose resident ID or credit code the record holds in
    the source's ``subject_field`` (its owner, the project's 建设单位, the buyer and the
    seller: every such source declares them, ``catalog.sources``); the number itself when
    no record was found or it names none: the row is then nobody's to read, never the
    applicant's."""
    if source["key"] in IDENTITY_KEYS:
        return [key]
    found = [(record or {}).get(field) for field in subject_fields(source)]
    owners = [owner for owner in found if isinstance(owner, str) and owner]
    return list(dict.fromkeys(owners)) or [key]


def record(
    session: Session,
    *,
    at: datetime,
    source: str,
    subject_key: str,
    actor: User | None,
    case_id: int | None,
    fields: list[str],
    purpose: str,
    purpose_en: str,
    outcome: str = "found",
    record_key: str | None = None,
) -> DataAccess:
    """Append one row to the data-access log (never changed afterwards): about
    ``subject_key``, the record looked up by ``record_key`` (default: the subject's own
    number), kept masked (``pii.mask_id``); why, in Chinese and English (``purpose``,
    ``purpose_en``), as the data subject reads it in either language."""
    row = DataAccess(
        at=at,
        source=source,
        subject_key=subject_key,
        record_key=mask_id(record_key or subject_key),
        actor_id=actor.id if actor else None,
        actor_name=actor_label(actor) if actor else SYSTEM.name,  # 免申即享 checks
        case_id=case_id,
        fields=fields,
        purpose=purpose,
        purpose_en=purpose_en,
        outcome=outcome,
    )
    session.add(row)
    session.flush()
    return row


def record_once(session: Session, **row: Any) -> DataAccess | None:
    """:func:`record`, unless the log already holds the same reading (same case, source,
    subject, fields and outcome: a draft saved again, then submitted); the row added, else
    None."""
    query = select(DataAccess).where(
        DataAccess.case_id == row["case_id"],
        DataAccess.source == row["source"],
        DataAccess.subject_key == row["subject_key"],
        DataAccess.outcome == row.get("outcome", "found"),
    )
    if any(held.fields == row["fields"] for held in session.scalars(query)):
        return None
    return record(session, **row)


def for_subject(session: Session, *, subject_keys: Sequence[str]) -> list[DataAccess]:
    """Every log row about the subject with one of ``subject_keys``, newest first."""
    keys = [key for key in subject_keys if key]
    if not keys:
        return []
    query = select(DataAccess).where(DataAccess.subject_key.in_(lookup_keys(*keys)))
    return list(session.scalars(query.order_by(DataAccess.at.desc(), DataAccess.id.desc())))
