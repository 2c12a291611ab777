"""Shared data about a received case, for the checks the platform makes on it itself
(risk screening, the rules of instant approval): each source asked at most once per unit of
work for the same key, and each pull logged (``access``) with the case and why.

A record is looked up by the case's own subject: the credit code or the resident ID the
form gives (the applicant's own when the form has none; a founding's enterprise only by
the code it carries, if the account's own), or the form field named like the source's key.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.cases import service as cases
from tongban.cases.models import Case
from tongban.catalog import service as catalog
from tongban.catalog.sources import key_fields
from tongban.licences import holders
from tongban.sharing import access
from tongban.sharing.connectors import Lookup, connector_for

CACHE = "tongban.sharing.case_lookups"
SOURCES = "tongban.sharing.sources"
PURPOSE = "平台核验办件 {number}（风险筛查、秒批规则）"
PURPOSE_EN = "The platform checking case {number} (risk screening, instant-approval rules)"


def case_key(
    source: dict[str, Any], spec: dict[str, Any], form: dict[str, Any], applicant: User
) -> str | None:
    """The key a record of ``source`` about this case's subject is found by: the applying
    account's own verified resident ID or credit code, never a number typed on the form
    (a founding's enterprise: ``holders.subject_credit_code``), or the number the form
    gives for a source's ``key_field`` (a birth: the mother's); None before 实名认证."""
    named = key_fields(source)
    if named:  # someone else's record (a birth: the mother's), by the number the form gives
        value = form.get(named[0])
    elif source["key"] == "resident_id":  # the account's own, once verified (实名认证)
        value = applicant.id_number if applicant.id_number in applicant.verified_codes else None
    elif source["key"] == "credit_code":
        value = holders.subject_credit_code(spec, form, applicant)[1]
    else:
        value = form.get(source["key"])
    return value if isinstance(value, str) and value else None


def sources_of(session: Session) -> dict[str, dict[str, Any]]:
    """The declared sources, read once per unit of work (the catalog's rows do not change
    within one)."""
    found = session.info.get(SOURCES)
    if found is None:
        found = session.info[SOURCES] = catalog.list_sources(session)
    return dict(found)


def lookup_for_case(
    session: Session, *, case: Case, code: str, now: datetime
) -> tuple[dict[str, Any] | None, Lookup | None]:
    """(the source's declaration, its answer about the case's subject); (None, None) for an
    unknown source, (source, None) when the case gives no key."""
    source = sources_of(session).get(code)
    if source is None:
        return None, None
    applicant = session.get_one(User, case.applicant_id)
    key = case_key(source, cases.spec_of(session, case), case.form_data, applicant)
    if key is None:
        return source, None
    cache: dict[tuple[int, str, str], Lookup] = session.info.setdefault(CACHE, {})
    found = cache.get((case.id, code, key))
    if found is None:
        found = connector_for(source).lookup(session, key=key)
        cache[(case.id, code, key)] = found
        outcome = "unavailable" if found.unavailable else ("found" if found.found else "no_record")
        for subject in access.subjects_of(source, key, found.record):
            access.record(
                session,
                at=now,
                source=code,
                subject_key=subject,
                record_key=key,
                actor=None,
                case_id=case.id,
                fields=sorted(source["fields"]),
                purpose=PURPOSE.format(number=case.number),
                purpose_en=PURPOSE_EN.format(number=case.number),
                outcome=outcome,
            )
    return source, found
