"""Finding who a policy covers: every subject of the policy's register (persons of the
population register, enterprises of the enterprise register) with the records of each
source its conditions read, judged by ``rules.unmet``.

Own-database sources are read once for all subjects; a source that is a department's
service is asked per subject, and a subject whose source could not answer is left
``undetermined`` (not offered now, found by a later run).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from tongban.benefits.rules import Period, unmet
from tongban.catalog.policies import SUBJECT_SOURCES
from tongban.sharing import service as sharing

MOBILE = "mobile"  # the field of a subject's register that holds their mobile number


@dataclass(frozen=True)
class Policy:
    """A proactive item's policy, as the catalog's current version states it."""

    code: str
    name: str
    name_en: str | None
    department: str
    subject: str  # person | enterprise
    grant: str  # accept | automatic
    how: str
    conditions: list[dict[str, Any]]
    result_name: str
    once: bool = False  # a one-off grant (policy ``period: once``): one offer per subject

    @property
    def base_source(self) -> str:
        return SUBJECT_SOURCES[self.subject]

    def fields_used(self) -> dict[str, list[str]]:
        """The source fields the conditions read, by source code."""
        used: dict[str, list[str]] = {}
        for condition in self.conditions:
            source, _, name = condition["field"].partition(".")
            used.setdefault(source, []).append(name)
        return used

    @property
    def basis(self) -> str:
        """The grounds of a grant, as its case's opinion states them."""
        titles = "、".join(str(condition["title"]) for condition in self.conditions)
        return f"免申即享：经共享数据比对，符合“{self.name}”条件（{titles}），依政策核定享受。"

    @property
    def basis_en(self) -> str:
        """The grounds of a grant in English (a condition without ``title_en`` by its
        Chinese title)."""
        titles = "; ".join(str(c.get("title_en") or c["title"]) for c in self.conditions)
        return (
            f"Proactive benefit: shared data show the conditions of "
            f"'{self.name_en or self.name}' are met ({titles}); granted under the policy."
        )


@dataclass
class Found:
    """A search's result: subjects searched, the eligible (key → name), undetermined, and
    the subjects whose register record holds a mobile number (``reachable``: those without
    an account may be sent a text; the number itself is not kept)."""

    searched: int = 0
    eligible: dict[str, str] = field(default_factory=dict)
    undetermined: int = 0
    reachable: set[str] = field(default_factory=set)


def _by_source(session: Session, policy: Policy) -> dict[str, dict[str, dict[str, Any]] | None]:
    """Every record of each own-database source the policy reads; None for a source that
    is a department's service (asked per subject)."""
    listed: dict[str, dict[str, dict[str, Any]] | None] = {}
    for code in {policy.base_source, *policy.fields_used()}:
        source = sharing.get_source(session, code=code)
        database = source["connector"]["kind"] == "database"
        if database or code == policy.base_source:
            listed[code] = sharing.all_records(session, code=code)
        else:
            listed[code] = None
    return listed


def find_eligible(
    session: Session,
    *,
    policy: Policy,
    period: Period,
    progress: Callable[[int, int], None] | None = None,
) -> Found:
    """Everyone the policy covers in ``period``; ``progress(done, total)`` after each."""
    listed = _by_source(session, policy)
    subjects = listed[policy.base_source] or {}
    found = Found(searched=len(subjects))
    found.reachable = {key for key, record in subjects.items() if record.get(MOBILE)}
    for done, key in enumerate(sorted(subjects), start=1):
        records: dict[str, dict[str, Any] | None] = {}
        for code, rows in listed.items():
            if rows is not None:
                records[code] = rows.get(key)
                continue
            lookup = sharing.lookup(session, code=code, key=key)
            if lookup.unavailable:
                break
            records[code] = lookup.record
        else:
            if not unmet(policy.conditions, records, period):
                found.eligible[key] = str(subjects[key].get("name") or key)
            if progress:
                progress(done, found.searched)
            continue
        found.undetermined += 1
        if progress:
            progress(done, found.searched)
    return found
