"""Form fields pulled from shared sources (the shared list) and the applicant's own data.

A form property with ``x-source: <source>.<field>`` (or a list of them, first found first)
is on the shared list: when a source holds a record for the applicant (by resident ID,
credit code, or a key the form asks, such as a property certificate number) whose value
fits the property, the field is filled and locked ("来自公安人口库"); otherwise it is asked
like any field of the collection list, with the sentence why when a source could not answer.
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

from tongban.cases.core.prefill import PULLED_READERS, Filled, FillRequest, Prefill, filler
from tongban.cases.models import Case
from tongban.catalog import service as catalog
from tongban.catalog.sources import (
    held_note,
    key_fields,
    source_refs,
    subject_fields,
    value_en,
)
from tongban.licences import holders
from tongban.sharing import access, acting
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
    """One source asked for one form: which fields it should fill, the key, the answer;
    ``refused`` says (zh, en) why nothing was asked (an enterprise not the applicant's);
    ``foreign``: the record found by a number typed in the form (a property certificate)
    is someone else's, so nothing of it fills the form."""

    source: dict[str, Any]
    pairs: list[tuple[str, str]]  # (form field, source field)
    key: str | None
    lookup: Lookup | None
    refused: tuple[str, str] | None = None
    foreign: bool = False


def lookup_key(session: Session, source: dict[str, Any], request: FillRequest) -> str | None:
    """What a record of ``source`` is found by for this form: the answer to the source's
    ``key_field`` when its records are someone else's (a birth: the mother's ID number),
    else the applicant's own resident ID (once the account's identity was verified), or
    for a source keyed by credit code the enterprise the form names when the applicant
    may act for it (``acting.enterprise_key``: its account, its legal representative),
    else the account's own verified code; or the answer to the form field named like the
    key. A form that founds an operator (企业开办) is about the company it founds: the
    registers keyed by credit code are asked only for a code it carries, never for the
    applying enterprise's own record; a source of company foundings (``founding: company``,
    the name reservations) is asked by no other form. Raises ``acting.NotActing`` for a code the
    applicant may not act for."""
    applicant = request.applicant
    own = applicant.verified_codes  # none before real-name verification (实名认证)
    if source.get("founding") == "company" and not holders.founds_company(request.spec):
        return None  # a company name reservation fills no 个体工商户 nor permit
    named = key_fields(source)
    if named:  # someone else's record: the number the form gives (the mother's)
        value = request.answers.get(named[0])
        return value if isinstance(value, str) and value else None
    if source["key"] == "resident_id":
        return applicant.id_number if applicant.id_number in own else None
    if source["key"] == "credit_code":
        founding = any(holders.founds_operator(item) for item in request.spec["items"])
        if founding and acting.named_code(request.answers) is None:
            return None
        code = acting.enterprise_key(session, request.answers, applicant)
        mine = code is not None and code == applicant.credit_code
        return None if code is None or (mine and code not in own) else code
    value = request.answers.get(source["key"])
    return value if isinstance(value, str) and value else None


def shared_fields(spec: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """Form fields on the shared list, by source: (form field, source field)."""
    wanted: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for name, prop in spec["form"]["properties"].items():
        for source, field in source_refs(prop):
            wanted[source].append((name, field))
    return dict(wanted)


def pulls(session: Session, request: FillRequest) -> list[Pull]:
    """Ask every source the form names, once each, for this applicant."""
    sources = catalog.list_sources(session)
    found = []
    for code, pairs in shared_fields(request.spec).items():
        source = sources.get(code)
        if source is None:
            continue
        try:
            key = lookup_key(session, source, request)
        except acting.NotActing as refused:
            found.append(Pull(source, pairs, None, None, refused.sentence()))
            continue
        lookup = connector_for(source).lookup(session, key=key) if key else None
        found.append(
            Pull(source, pairs, key, lookup, foreign=_foreign(session, request, source, lookup))
        )
    return found


def _foreign(
    session: Session, request: FillRequest, source: dict[str, Any], lookup: Lookup | None
) -> bool:
    """Whether a record found by a number typed in the form belongs to none of the
    applicant's own (``acting.own_codes``): someone else's address is not filled in
    because their certificate number was typed."""
    if lookup is None or lookup.record is None or not subject_fields(source):
        return False
    own = acting.own_codes(session, request.answers, request.applicant)
    return not acting.owned(access.subjects_of(source, "", lookup.record), own)


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


def not_own_sentence(source: dict[str, Any]) -> tuple[str, str]:
    """Why a field is asked although the number typed found a record: it is someone
    else's (its 权利人 is not the applicant's), and nothing of it is shown."""
    return (
        f"{source['name']}中该号码的权利人不是您（或所办企业），不从中调取，请手动填写。",
        f"The record of this number in the {source.get('name_en') or source['code']} is not "
        "yours (or the enterprise's): nothing is pulled from it; please type it in.",
    )


# why a field was not pulled, the most telling first (``None``: pulled)
_FAILURES = ("unavailable", "not_acting", "not_own", "invalid", "no_record", "no_key")


def _state(pull: Pull, prop: dict[str, Any], field: str) -> str | None:
    """How ``pull`` fills one form property from its source field (None: it does)."""
    lookup = pull.lookup
    if pull.refused is not None:
        return "not_acting"
    if pull.key is None:
        return "no_key"
    if lookup is not None and lookup.unavailable:
        return "unavailable"
    if lookup is None or lookup.record is None:
        return "no_record"
    if pull.foreign:
        return "not_own"
    if not _fits(prop, lookup.record.get(field)):
        return "invalid"
    return None


def _apply(
    pulls_by_source: dict[str, Pull], spec: dict[str, Any], found: Prefill
) -> dict[str, tuple[str, str | None]]:
    """Fill ``found`` from the pulls, each field from the first of its sources that holds
    it; (source, fill state) of each shared field (state None: pulled)."""
    states: dict[str, tuple[str, str | None]] = {}
    for name, prop in spec["form"]["properties"].items():
        tried = [
            (pulls_by_source[code], field)
            for code, field in source_refs(prop)
            if code in pulls_by_source
        ]
        failures: list[tuple[str, Pull]] = []
        for pull, field in tried:
            reason = _state(pull, prop, field)
            if reason is not None:
                failures.append((reason, pull))
                continue
            states[name] = (pull.source["code"], None)
            if name not in found.values or not found.values[name].locked:
                label_en = f"from the {pull.source.get('name_en') or pull.source['code']}"
                assert pull.lookup is not None and pull.lookup.record is not None  # _state
                value = pull.lookup.record[field]
                declared = pull.source["fields"][field]
                found.values[name] = Filled(
                    value,
                    True,
                    f"来自{pull.source['name']}",
                    label_en,
                    value_en(declared, value),
                    held_note(pull.source, declared, value),
                )
            break
        else:
            if failures:
                reason, pull = min(failures, key=lambda f: _FAILURES.index(f[0]))
                states[name] = (pull.source["code"], reason)
                if reason == "unavailable":
                    assert pull.lookup is not None and pull.lookup.unavailable
                    found.asked_because[name] = unavailable_sentence(
                        pull.source, pull.lookup.unavailable
                    )
                elif pull.refused is not None:
                    found.asked_because[name] = pull.refused
                elif reason == "not_own":
                    found.asked_because[name] = not_own_sentence(pull.source)
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
            if not source_refs(prop) or name not in states:
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
    asked = pulls(session, request)
    states = _apply({pull.source["code"]: pull for pull in asked}, request.spec, found)
    for pull in asked:
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


def pulled_answers(session: Session, case: Case) -> dict[str, str]:
    """{field: source code} of the answers of ``case`` pulled from a source at its last
    save (``FieldFill``), not typed by hand."""
    rows = session.execute(
        select(FieldFill.field, FieldFill.source).where(
            FieldFill.case_id == case.id, FieldFill.state == "pulled"
        )
    )
    return {field: source for field, source in rows}


PULLED_READERS.append(pulled_answers)
