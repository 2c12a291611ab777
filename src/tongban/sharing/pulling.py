"""Form fields pulled from shared sources (the shared list) and the applicant's own data.

A form property with ``x-source: <source>.<field>`` is on the shared list: when the source
holds a record for the applicant (by resident ID or credit code) whose value fits the
property, the field is filled and locked ("来自公安人口库"); otherwise it is asked like any
field of the collection list, with the sentence why when the source could not answer.
Saving a case logs every pull (``DataAccess``) and how each shared field was filled
(``FieldFill``, the ground of the backfill rate).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.cases.core.prefill import Filled, FillRequest, Prefill, filler
from tongban.catalog import service as catalog
from tongban.catalog.sources import source_ref
from tongban.sharing import access
from tongban.sharing.connectors import Lookup, connector_for
from tongban.sharing.models import FieldFill

UNAVAILABLE_ZH = {
    "timeout": "响应超时",
    "unreachable": "无法连接",
    "server_error": "服务出错",
    "bad_answer": "返回数据有误",
}


@dataclass(frozen=True)
class Pull:
    """One source asked for one form: which fields it should fill, the key, the answer."""

    source: dict[str, Any]
    pairs: list[tuple[str, str]]  # (form field, source field)
    key: str | None
    lookup: Lookup | None


def lookup_key(source: dict[str, Any], request: FillRequest) -> str | None:
    """What a record of ``source`` is found by for this form: the applicant's own resident
    ID or credit code, or the answer to the form field named like the key."""
    applicant = request.applicant
    if source["key"] == "resident_id":
        return applicant.id_number or None
    if source["key"] == "credit_code":
        return applicant.credit_code or None
    value = request.answers.get(source["key"])
    return value if isinstance(value, str) and value else None


def shared_fields(spec: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """Form fields on the shared list, by source: (form field, source field)."""
    wanted: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for name, prop in spec["form"]["properties"].items():
        ref = source_ref(prop)
        if ref is not None:
            wanted[ref[0]].append((name, ref[1]))
    return dict(wanted)


def pulls(session: Session, request: FillRequest) -> list[Pull]:
    """Ask every source the form names, once each, for this applicant."""
    sources = catalog.list_sources(session)
    found = []
    for code, pairs in shared_fields(request.spec).items():
        source = sources.get(code)
        if source is None:
            continue
        key = lookup_key(source, request)
        lookup = connector_for(source).lookup(session, key=key) if key else None
        found.append(Pull(source, pairs, key, lookup))
    return found


def _fits(prop: dict[str, Any], value: Any) -> bool:
    return value is not None and Draft202012Validator(prop).is_valid(value)


def unavailable_sentence(source: dict[str, Any], reason: str) -> tuple[str, str]:
    """Why a shared field is asked after all, in Chinese and English."""
    why = UNAVAILABLE_ZH.get(reason, reason)
    return (
        f"{source['name']}暂时无法访问（{why}），请手动填写；办件照常保存，不会丢失。",
        f"{source.get('name_en') or source['code']} is unavailable ({reason}); "
        "please type it in. Your application is kept.",
    )


def _apply(pull: Pull, spec: dict[str, Any], found: Prefill) -> dict[str, str | None]:
    """Fill ``found`` from one pull; the fill state of each field (None: pulled)."""
    props = spec["form"]["properties"]
    states: dict[str, str | None] = {}
    lookup = pull.lookup
    for name, field in pull.pairs:
        if pull.key is None:
            states[name] = "no_key"
        elif lookup is not None and lookup.unavailable:
            states[name] = "unavailable"
            found.asked_because[name] = unavailable_sentence(pull.source, lookup.unavailable)
        elif lookup is None or lookup.record is None:
            states[name] = "no_record"
        elif not _fits(props[name], lookup.record.get(field)):
            states[name] = "invalid"
        elif name not in found.values or not found.values[name].locked:
            label_en = f"from the {pull.source.get('name_en') or pull.source['code']}"
            value = lookup.record[field]
            found.values[name] = Filled(value, True, f"来自{pull.source['name']}", label_en)
            states[name] = None
    return states


def _record_fills(
    session: Session, request: FillRequest, states: dict[str, tuple[str, str | None]]
) -> None:
    """Store how each shared field of each item of the case was filled at this save."""
    assert request.case is not None
    query = select(FieldFill).where(FieldFill.case_id == request.case.id)
    rows = {(row.item_code, row.field): row for row in session.scalars(query)}
    for item in request.spec["items"]:
        for name, prop in item["form"]["properties"].items():
            if source_ref(prop) is None or name not in states:
                continue
            source, reason = states[name]
            row = rows.get((item["code"], name))
            typed = request.answers.get(name) not in (None, "", [])
            if reason is not None and not typed:
                if row is not None:
                    session.delete(row)
                continue
            if row is None:
                row = FieldFill(case_id=request.case.id, item_code=item["code"], field=name)
                session.add(row)
            row.department, row.source = item["department"], source
            row.state = "pulled" if reason is None else ("new" if reason == "no_key" else "typed")
            row.reason = reason


@filler
def fill_from_sources(session: Session, request: FillRequest, found: Prefill) -> None:
    """The shared list: pulled, locked values; a log entry per pull when saving a case."""
    states: dict[str, tuple[str, str | None]] = {}
    for pull in pulls(session, request):
        for name, reason in _apply(pull, request.spec, found).items():
            states[name] = (pull.source["code"], reason)
        if request.saving and pull.key is not None and pull.lookup is not None:
            access.log_pull(
                session,
                request=request,
                pull_source=pull.source,
                key=pull.key,
                fields=[field for _name, field in pull.pairs],
                lookup=pull.lookup,
            )
    if request.saving and request.case is not None:
        _record_fills(session, request, states)
