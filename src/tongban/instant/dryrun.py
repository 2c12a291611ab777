"""The dry run (规则试运行): a candidate decision table run against a file of test cases or
against the cases of an item received since a day, before it is published, showing for
each case what the published table decided (or would decide), what the candidate would
decide, what really happened and, for test cases, what was expected. Nothing is changed:
no case moves and no decision is stored (pulls of shared data are logged as always).

Test cases (YAML)::

    cases:
    - name: 正常备案
      form: {transport_start_date: "2026-12-01", waste_volume_m3: 800}
      shared: {enterprise_register.status: 存续, credit.dishonest: false}
      expect: approve          # optional: approve / refuse / to_person
      today: "2026-11-30"     # optional: the day the rules take as today

Past cases are evaluated on the facts the rules saw when they decided them (stored with
each decision); what a rule set asks beyond those, or about a case never decided by rules,
is looked up now.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban import timefmt
from tongban.cases.core import hooks
from tongban.cases.enums import CaseState
from tongban.cases.models import Case
from tongban.catalog import service as catalog
from tongban.errors import InvalidInput
from tongban.instant import facts as case_facts
from tongban.instant.models import InstantDecision
from tongban.rules import service as rules
from tongban.rules.service import Verdict

OUTCOMES = ("approve", "refuse", "to_person")


@dataclass(frozen=True)
class Trial:
    """One case of a dry run: the published table's verdict, the candidate's, and what
    really happened (a past case's state) or was expected (a test case)."""

    label: str
    before: Verdict | None
    after: Verdict
    actual: str | None = None
    expect: str | None = None

    @property
    def changed(self) -> bool:
        return self.before is None or self.before.outcome != self.after.outcome

    @property
    def unexpected(self) -> bool:
        return self.expect is not None and self.expect != self.after.outcome


def published_item(session: Session, *, code: str) -> dict[str, Any]:
    """The current version of item ``code`` (NotFound for an unknown one)."""
    entry = catalog.get_any_entry(session, code=code)
    if entry.current_version is None or entry.kind != "item":
        raise InvalidInput(f"{code} 不是事项。", f"{code} is not an item.", field="code")
    return dict(entry.current_version.definition["items"][0])


def _load_yaml(text: str, *, what_zh: str, what_en: str, field: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise InvalidInput(
            f"{what_zh}不是有效的 YAML：{error}",
            f"The {what_en} is not valid YAML: {error}",
            field=field,
        ) from None


def candidate_table(session: Session, *, item: dict[str, Any], text: str) -> dict[str, Any]:
    """The table in ``text`` (a table, or a mapping with ``decision:``, e.g. the item's
    YAML), checked as the loader checks one; InvalidInput listing every problem."""
    data = _load_yaml(text, what_zh="规则表", what_en="table", field="text")
    if isinstance(data, dict) and "decision" in data:
        data = data["decision"]
    found = rules.table_problems(data, form=item["form"], sources=catalog.list_sources(session))
    if found:
        details = [
            {
                "field": ".".join(str(p) for p in path),
                "message_zh": zh,
                "message_en": en,
            }
            for path, (zh, en) in found
        ]
        raise InvalidInput(
            "规则表有错误，请逐项修改。", "The table has problems; fix each.", details=details
        )
    return dict(data)


def _inputs(*tables: dict[str, Any] | None) -> dict[str, Any]:
    fields = [c["field"] for t in tables if t for c in t["inputs"]]
    return {"inputs": [{"field": f} for f in dict.fromkeys(fields)]}


def _typed(
    session: Session, item: dict[str, Any], table: dict[str, Any], values: dict[str, Any]
) -> dict[str, Any]:
    kinds = case_facts.kinds_of(table, item["form"], catalog.list_sources(session))
    return {field: case_facts.typed(values.get(field), kinds[field]) for field in kinds}


def _verdicts(
    item: dict[str, Any], table: dict[str, Any], facts: dict[str, Any], today: date
) -> tuple[Verdict | None, Verdict]:
    before = item.get("decision")
    old = rules.evaluate(before, facts, today=today) if before else None
    return old, rules.evaluate(table, facts, today=today)


def run_file(
    session: Session, *, item: dict[str, Any], table: dict[str, Any], text: str, now: datetime
) -> list[Trial]:
    """The candidate ``table`` (and the published one) over the test cases in ``text``."""
    data = _load_yaml(text, what_zh="试运行用例", what_en="test cases", field="cases")
    cases = data.get("cases") if isinstance(data, dict) else None
    if not isinstance(cases, list) or not all(isinstance(c, dict) for c in cases):
        raise InvalidInput(
            "试运行用例须写成 cases: 列表，每项含 form、shared（可选 expect、today）。",
            "Test cases are a list under 'cases:' with form, shared, expect, today.",
            field="cases",
        )
    both = _inputs(table, item.get("decision"))
    trials = []
    for index, entry in enumerate(cases, start=1):
        expect = entry.get("expect")
        if expect is not None and expect not in OUTCOMES:
            raise InvalidInput(
                f"第 {index} 个用例的 expect 须是 approve、refuse 或 to_person。",
                f"Case {index}: expect must be approve, refuse or to_person.",
                field="cases",
            )
        values = {**(entry.get("form") or {}), **(entry.get("shared") or {})}
        today = _today(entry.get("today"), now, index)
        facts = _typed(session, item, both, values)
        before, after = _verdicts(item, table, facts, today)
        trials.append(Trial(str(entry.get("name") or index), before, after, None, expect))
    return trials


def _today(value: Any, now: datetime, index: int) -> date:
    if value is None:
        return timefmt.local(now).date()
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(
            f"第 {index} 个用例的 today 须写成 YYYY-MM-DD。",
            f"Case {index}: today must be YYYY-MM-DD.",
            field="cases",
        ) from None


def _stored_facts(session: Session, case: Case, code: str) -> dict[str, Any]:
    query = select(InstantDecision).where(InstantDecision.case_id == case.id)
    decision = session.scalars(query.order_by(InstantDecision.id.desc()).limit(1)).first()
    if decision is None:
        return {}
    return {k: v for k, v in decision.facts.get(code, {}).items() if not isinstance(v, dict)}


def run_since(
    session: Session,
    *,
    item: dict[str, Any],
    table: dict[str, Any],
    since: datetime,
    now: datetime,
    progress: Callable[[int, int], None] | None = None,
) -> list[Trial]:
    """The candidate ``table`` (and the published one) over the item's cases received
    since ``since``, on the facts of the day each was received, judged on that day or the
    case's reference day (a benefit grant: its period's last day, as its run judged it)."""
    query = select(Case).where(
        Case.catalog_code == item["code"],
        Case.submitted_at >= since,
        Case.state != CaseState.draft,
    )
    found = list(session.scalars(query.order_by(Case.submitted_at, Case.id)))
    both = _inputs(table, item.get("decision"))
    trials = []
    for done, case in enumerate(found, start=1):
        values = _stored_facts(session, case, item["code"])
        facts = _typed(session, item, both, values)
        missing = {"inputs": [c for c in both["inputs"] if c["field"] not in values]}
        if missing["inputs"]:
            facts.update(
                case_facts.gather(session, case=case, table=missing, form=item["form"], now=now)
            )
        assert case.submitted_at is not None
        today = hooks.reference_day(session, case) or timefmt.local(case.submitted_at).date()
        before, after = _verdicts(item, table, facts, today)
        trials.append(Trial(case.number, before, after, str(case.state), None))
        if progress:
            progress(done, len(found))
    return trials
