"""The facts a decision table is evaluated on, for one case: form answers and shared data
about the case's subject, typed (dates as dates, empty as None), a source that could not
answer as ``Unavailable`` with the sentence why.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from tongban.cases.models import Case
from tongban.rules import service as rules
from tongban.sharing import service as sharing
from tongban.sharing.pulling import unavailable_sentence


def typed(value: Any, kind: str | None) -> Any:
    """A form or source value as the rules compare it."""
    if value in (None, "", []):
        return None
    if kind == "date" and isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value


def kinds_of(
    table: dict[str, Any], form: dict[str, Any], sources: dict[str, dict[str, Any]]
) -> dict[str, str | None]:
    return {c["field"]: rules.field_kind(c["field"], form, sources) for c in table["inputs"]}


def gather(
    session: Session, *, case: Case, table: dict[str, Any], form: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """The facts of every input of ``table`` about ``case`` (sources asked once each)."""
    sources = sharing.sources_of(session)
    facts: dict[str, Any] = {}
    for field, kind in kinds_of(table, form, sources).items():
        if "." not in field:
            facts[field] = typed(case.form_data.get(field), kind)
            continue
        code, _, name = field.partition(".")
        source, lookup = sharing.lookup_for_case(session, case=case, code=code, now=now)
        if source is not None and lookup is not None and lookup.unavailable:
            _zh, en = unavailable_sentence(source, lookup.unavailable)
            facts[field] = rules.Unavailable(f"{source['name']}暂时无法访问，转人工办理", en)
            continue
        record = lookup.record if lookup is not None else None
        facts[field] = typed((record or {}).get(name), kind)
    return facts


def stored(facts: dict[str, Any]) -> dict[str, Any]:
    """Facts as JSON (dates as ISO text, unavailable as null with the reason)."""
    out: dict[str, Any] = {}
    for field, value in facts.items():
        if isinstance(value, date):
            out[field] = value.isoformat()
        elif isinstance(value, rules.Unavailable):
            out[field] = {"unavailable": value.reason_zh}
        else:
            out[field] = value
    return out
