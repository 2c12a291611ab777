"""Facts that serve one application only (一次性使用): a reserved company name founds one
company, a birth certificate registers one child, a purchase contract pays out one
housing-fund withdrawal.

An item declares them in the catalog (``once``: the fact, its title, the form fields whose
values are the key, and optionally the shared source field whose records hold the values
already used, such as the enterprise register's names). When a case is received, each of
its facts is claimed for it (``OnceClaim``, unique by fact and key, so two cases at once
get it only once); a second case is refused with what is used and by which case, while
the first holds it. A case that ended without its result leaves the fact to the next; the
results issued mark it used (``mark_used``). A value the source holds for the case's own
subject is not used by it (换发: a company's own name, under its own credit code: see
``registering.own_record``); only another holder uses it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tongban.cases import service as cases
from tongban.cases.enums import CaseState
from tongban.cases.models import Case
from tongban.errors import Conflict
from tongban.files.store import FileStore
from tongban.pii.service import same_identifier
from tongban.sharing import registering
from tongban.sharing.casefacts import sources_of
from tongban.sharing.models import OnceClaim, SourceRecord

ORDER = 0  # before screening and the rules: a used fact ends the submission at once
ENDED_WITHOUT_RESULT = frozenset(
    {CaseState.rejected, CaseState.refused, CaseState.withdrawn, CaseState.terminated}
)
STATE_ZH = {
    CaseState.submitted: "已提交，待受理",
    CaseState.correction_requested: "补正中",
    CaseState.in_review: "审查中",
    CaseState.in_decision: "决定中",
    CaseState.issuing: "制证中",
    CaseState.delivering: "送达中",
    CaseState.completed: "已办结",
}


def facts_of(spec: dict[str, Any], form: dict[str, Any]) -> list[tuple[dict[str, Any], str]]:
    """(declaration, key) of each fact the case's items use, once each; a fact whose
    fields are not all filled is not used."""
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for item in spec["items"]:
        for once in item.get("once") or []:
            values = [form.get(name) for name in once["fields"]]
            if not all(isinstance(v, str | int | float) and str(v).strip() for v in values):
                continue
            key = "|".join(str(v).strip() for v in values)
            found.setdefault((once["fact"], key), once)
    return [(once, key) for (_fact, key), once in found.items()]


def _registered(session: Session, ref: str, value: str, own: str | None) -> tuple[str, bool] | None:
    """(who holds ``value`` in the own-database source field ``ref``, as "<source name>
    <key>"; whether that is the record keyed ``own``), None when no record holds it (one
    struck off, 注销, holds nothing). One indexed query on the name's keyed hash
    (``SourceRecord.name_key``): only the few records of that name are opened."""
    code, _, field = ref.partition(".")
    source = sources_of(session).get(code)
    if source is None or source["connector"]["kind"] != "database":
        return None
    query = select(SourceRecord.key, SourceRecord.data).where(
        SourceRecord.source == code, SourceRecord.name_key == value
    )
    holders = [(key, data) for key, data in session.execute(query) if data.get(field) == value]
    live = [(key, data) for key, data in holders if data.get("status") != "注销"]
    if not live:
        return None
    key, data = next(((k, d) for k, d in live if not same_identifier(own, k)), live[0])
    return f"{source['name']} {data.get('credit_code') or ''}".strip(), same_identifier(own, key)


def _refuse_used(once: dict[str, Any], key: str, by: Case) -> Conflict:
    state = STATE_ZH.get(by.state, str(by.state))
    return Conflict(
        f"{once['title']}“{key}”已被办件 {by.number} 使用（{state}），只能使用一次。"
        f"{once.get('hint', '')}",
        f"The {once['title_en']} '{key}' is already used by case {by.number} ({by.state}); "
        f"it can serve one application only. {once.get('hint_en', '')}".strip(),
        code="already_used",
    )


def _refuse_registered(once: dict[str, Any], key: str, holder: str) -> Conflict:
    return Conflict(
        f"{once['title']}“{key}”已经登记使用（{holder}），不能再次使用。{once.get('hint', '')}",
        f"The {once['title_en']} '{key}' is already registered ({holder}). "
        f"{once.get('hint_en', '')}".strip(),
        code="already_used",
    )


def claim(session: Session, *, case: Case, now: datetime) -> None:
    """Claim every fact the case uses for it; Conflict ``already_used`` naming the fact and
    the case or record that used it."""
    spec = cases.spec_of(session, case)
    own = registering.own_record(session, case)
    for once, key in facts_of(spec, case.form_data):
        if once.get("source"):
            found = _registered(session, once["source"], key, own)
            if found is not None and not found[1]:
                raise _refuse_registered(once, key, found[0])
            if found is not None:
                continue  # the subject's own value (换发 under its own code): not a use
        _claim_one(session, case, once, key, now)


def _claim_one(session: Session, case: Case, once: dict[str, Any], key: str, now: datetime) -> None:
    query = select(OnceClaim).where(OnceClaim.fact == once["fact"], OnceClaim.key == key)
    held = session.scalars(query.with_for_update()).first()
    if held is None:
        try:
            with session.begin_nested():
                session.add(OnceClaim(fact=once["fact"], key=key, case_id=case.id, claimed_at=now))
        except IntegrityError:  # another case claimed it at the same moment
            held = session.scalars(query).one()
            raise _refuse_used(once, key, session.get_one(Case, held.case_id)) from None
        return
    if held.case_id == case.id:
        return
    other = session.get_one(Case, held.case_id)
    if other.state not in ENDED_WITHOUT_RESULT:
        raise _refuse_used(once, key, other)
    held.case_id, held.claimed_at, held.used_at = case.id, now, None


def mark_used(session: Session, *, case: Case, now: datetime) -> None:
    """The case's results are out: what it claimed is used for good."""
    for row in session.scalars(select(OnceClaim).where(OnceClaim.case_id == case.id)):
        row.used_at = row.used_at or now


@cases.on_received(ORDER)
def _on_received(session: Session, case: Case, now: datetime, store: FileStore) -> None:
    claim(session, case=case, now=now)
