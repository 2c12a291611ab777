"""The decision on a received case of an instant item (秒批): flagged by risk screening, a
required material marked 容缺 missing (a rented shop's tenancy contract: only a clerk
accepts with deficiencies, which sets what is owed and by when and withholds the
licence), or a material waiting for another department's verification, it goes to a
person; otherwise
the decision tables of its items decide (a bundle: any refusal refuses, any undecided goes
to a person, else approved). Approve and refuse are carried out by the case engine with
the rules as actor (``cases.decide_automatically``); to a person, the case stays at
acceptance, the reason on the staff task page. Every decision is stored and audited
``rules.decided`` with the deciding row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from tongban import timefmt
from tongban.audit.service import platform_actor, record
from tongban.cases import service as cases
from tongban.cases.materials import provision
from tongban.cases.models import Case
from tongban.catalog.enums import ApprovalMode
from tongban.files.store import FileStore
from tongban.instant import facts as case_facts
from tongban.instant.models import InstantDecision
from tongban.risk import service as risk
from tongban.rules import service as rules
from tongban.rules.service import Outcome
from tongban.textutil import counted

RULES_ACTOR = platform_actor("系统（秒批规则）")


@dataclass(frozen=True)
class Decided:
    """The combined verdict over the items of a case."""

    outcome: Outcome
    reason: str
    reason_en: str
    item_code: str | None = None
    row: int | None = None


def verdict_of(
    items: list[dict[str, Any]], facts: dict[str, dict[str, Any]], *, today: Any
) -> Decided:
    """The decision over ``items`` (each with its ``decision`` table) given each item's
    facts: the first refusal, else the first undecided, else approved."""
    verdicts = [
        (item["code"], rules.evaluate(item["decision"], facts[item["code"]], today=today))
        for item in items
    ]
    for wanted in (Outcome.refuse, Outcome.to_person):
        for code, verdict in verdicts:
            if verdict.outcome == wanted:
                return Decided(wanted, verdict.reason, verdict.reason_en, code, verdict.row)
    code, verdict = verdicts[0]
    reason = "；".join(v.reason for _, v in verdicts)
    reason_en = "; ".join(v.reason_en for _, v in verdicts)
    return Decided(Outcome.approve, reason, reason_en, code, verdict.row)


def _before_rules(session: Session, case: Case) -> tuple[Decided | None, list[str]]:
    """A person is needed before any rule when screening flagged the case."""
    flags = [flag.kind for flag in risk.flags_of(session, case_id=case.id)]
    if flags:
        return Decided(
            Outcome.to_person,
            f"风险筛查发现 {len(flags)} 项异常，转人工办理",
            f"Risk screening raised {counted(len(flags), 'flag')}; a person decides",
        ), flags
    return None, flags


def _decide(
    session: Session,
    *,
    case: Case,
    items: list[dict[str, Any]],
    now: datetime,
    owed: Decided | None = None,
) -> Decided:
    """The verdict over ``items`` (screening first, then ``owed``: materials missing),
    stored and audited ``rules.decided``."""
    decided, flags = _before_rules(session, case)
    decided = decided or owed
    facts: dict[str, dict[str, Any]] = {}
    if decided is None:
        for item in items:
            table = item["decision"]
            facts[item["code"]] = case_facts.gather(
                session, case=case, table=table, form=item["form"], now=now
            )
        today = timefmt.local(now).date()
        decided = verdict_of(items, facts, today=today) if items else None
    if decided is None:
        decided = Decided(Outcome.to_person, "事项没有规则表，转人工办理", "No decision table")
    session.add(
        InstantDecision(
            case_id=case.id,
            catalog_version_id=case.catalog_version_id,
            at=now,
            outcome=decided.outcome,
            reason=decided.reason,
            reason_en=decided.reason_en,
            item_code=decided.item_code,
            row=decided.row,
            facts={code: case_facts.stored(values) for code, values in facts.items()},
            flags=flags,
        )
    )
    record(
        session,
        at=now,
        action="rules.decided",
        actor=RULES_ACTOR,
        object_type="case",
        object_id=case.number,
        case_id=case.id,
        opinion=decided.reason,
        data={
            "outcome": decided.outcome,
            "item": decided.item_code,
            "row": decided.row,
            "opinion_en": decided.reason_en,
        },
    )
    return decided


def _owed(session: Session, case: Case, spec: dict[str, Any], now: datetime) -> Decided | None:
    """To a person when required 容缺 materials are missing: the rules never approve
    without them, and only a clerk's acceptance with deficiencies may let them follow."""
    if not any(m["required"] and m.get("deficiency_allowed") for m in spec["materials"]):
        return None
    missing = provision.deficient(session, case=case, now=now)
    if not missing:
        return None
    names = "、".join(f"“{entry['name']}”" for entry in missing)
    names_en = ", ".join(str(entry.get("name_en") or entry["code"]) for entry in missing)
    return Decided(
        Outcome.to_person,
        f"尚缺可容缺后补的材料{names}，转人工容缺受理后办理",
        f"Materials that may follow are missing ({names_en}): staff accept with deficiencies",
    )


def decide_case(session: Session, *, case: Case, now: datetime, store: FileStore) -> Decided | None:
    """Decide a just received case of an instant item; None for other cases."""
    spec = cases.spec_of(session, case)
    if spec["approval_mode"] != ApprovalMode.instant:
        return None
    items = [item for item in spec["items"] if "decision" in item]
    decided = _decide(
        session, case=case, items=items, now=now, owed=_owed(session, case, spec, now)
    )
    if decided.outcome != Outcome.to_person:
        cases.decide_automatically(
            session,
            case=case,
            approve=decided.outcome == Outcome.approve,
            reason=decided.reason,
            reason_en=decided.reason_en,
            actor=RULES_ACTOR,
            now=now,
            store=store,
        )
    session.flush()
    return decided


def decide_items(session: Session, *, case: Case, now: datetime, store: FileStore) -> set[str]:
    """At the acceptance of a case in another mode holding instant items (我要开餐馆, a
    告知承诺 bundle, with its 秒批 个体工商户 registration): those items decided by their
    tables; approved, their reviews are approved with the rules as actor. A screening
    flag, a refusal or an undecided row leaves them to a person, the stored decision
    saying why. The codes approved by rule (empty for any other case)."""
    spec = cases.spec_of(session, case)
    if spec["approval_mode"] == ApprovalMode.instant:
        return set()
    items = [
        item
        for item in spec["items"]
        if item.get("approval_mode") == ApprovalMode.instant and "decision" in item
    ]
    if not items:
        return set()
    decided = _decide(session, case=case, items=items, now=now)
    if decided.outcome != Outcome.approve:
        return set()
    for item in items:
        cases.review_by_rule(
            session,
            case=case,
            item_code=item["code"],
            actor=RULES_ACTOR,
            opinion=f"秒批：{decided.reason}",
            opinion_en=f"Instant approval: {decided.reason_en}",
            now=now,
            store=store,
        )
    return {item["code"] for item in items}
