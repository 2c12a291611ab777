"""Form answers that other domains supply: fields pulled from shared data sources (filled
and locked), the applicant's own identity and earlier answers (filled, still editable).

``cases`` sits below the domains that know the sources (``sharing``), so it only owns
this registry: a filler registered at start-up answers, for one form and applicant,
which fields it fills and how. The form page shows what the fillers answer; saving a
draft (``stages/drafting``) asks them again, puts locked values in and refuses a changed
locked value, so the server, not the page, keeps the lock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.errors import InvalidInput


@dataclass(frozen=True)
class Filled:
    """A value for one field: ``locked`` when pulled from a source (``label_zh`` says which,
    e.g. "来自公安人口库"), otherwise a suggestion the applicant may change; ``shown_en``:
    the value as English pages show it, where its source gives it English (GB/T 4754
    餐饮业 → Catering Services; None: shown as held); ``held_en``: where it stays Chinese
    there (free text: a name, an address), the note saying whose text it is ("as held in
    the Population register", ``catalog.sources.held_note``)."""

    value: Any
    locked: bool
    label_zh: str
    label_en: str
    shown_en: Any = None
    held_en: str | None = None


@dataclass
class Prefill:
    """What the fillers answered for one form: values by field, and for fields a source
    should have filled but could not, the sentence saying why they are asked."""

    values: dict[str, Filled] = field(default_factory=dict)
    asked_because: dict[str, tuple[str, str]] = field(default_factory=dict)
    # whom the applicant's earlier cases were about, to choose what 填入以前的信息 takes:
    # (key, name), key "" for the applicant themself
    earlier_subjects: list[tuple[str, str]] = field(default_factory=list)
    reuse_said: tuple[str, str] | None = None  # what 填入以前的信息 did or why not (zh, en)

    def locked(self) -> dict[str, Filled]:
        return {name: filled for name, filled in self.values.items() if filled.locked}


@dataclass(frozen=True)
class FillRequest:
    """One question to the fillers: whose form, which definition, which answers so far.

    ``case`` is None on a new form; ``saving`` is True when the answers are being stored
    (then fillers log what they pulled, with the case), False when a page only shows them;
    ``reuse`` is the applicant's consent to reuse answers of their earlier cases, of the
    subject ``reuse_from`` (an enterprise's key, "" the applicant themself; None: the
    subject the answers so far name).
    """

    applicant: User
    actor: User
    spec: dict[str, Any]
    answers: dict[str, Any]
    case: Case | None
    now: datetime
    saving: bool = False
    reuse: bool = False
    reuse_from: str | None = None


Filler = Callable[[Session, "FillRequest", "Prefill"], None]
FILLERS: list[Filler] = []
# (session, case) -> {field: source code} of the case's answers pulled from a shared source
# at its last save, not typed: English pages say whose text a pulled name or address is
PulledReader = Callable[[Session, Case], dict[str, str]]
PULLED_READERS: list[PulledReader] = []


def filler(function: Filler) -> Filler:
    """Register a filler; later fillers do not override a locked value of an earlier one."""
    FILLERS.append(function)
    return function


def prefill(session: Session, request: FillRequest) -> Prefill:
    """Every registered filler's answer for the form of ``request``."""
    found = Prefill()
    for function in FILLERS:
        function(session, request, found)
    return found


def pulled_fields(session: Session, case: Case) -> dict[str, str]:
    """{field: source code} of the answers of ``case`` that were pulled from a shared
    source when it was last saved (every registered reader's answer)."""
    found: dict[str, str] = {}
    for reader in PULLED_READERS:
        found.update(reader(session, case))
    return found


def _locked_before(session: Session, request: FillRequest) -> dict[str, Filled]:
    """The locked values of the answers stored before this save (what the page showed
    locked; for a new form, what a blank form shows locked)."""
    stored = request.case.form_data if request.case is not None else None
    return prefill(session, replace(request, answers=dict(stored or {}), saving=False)).locked()


def enforce(session: Session, request: FillRequest) -> dict[str, Any]:
    """The answers with every locked value in place; InvalidInput naming each locked field
    whose posted value differs from its source (nothing is saved then).

    A field only just locked by this save (the applicant typed the key it is pulled by,
    say a property certificate number, after typing the field itself) or whose source
    value moved with a changed key takes the source's value: only a value the applicant
    saw locked and changed is refused."""
    found = prefill(session, request)
    answers = dict(request.answers)
    changed = {
        name: filled
        for name, filled in found.locked().items()
        if answers.get(name) not in (None, "", filled.value)
    }
    before = _locked_before(session, request) if changed else {}
    details = []
    for name, filled in changed.items():
        shown = before.get(name)
        if shown is not None and answers.get(name) != shown.value:
            title = request.spec["form"]["properties"].get(name, {}).get("title", name)
            details.append(
                {
                    "field": name,
                    "message_zh": f"“{title}”{filled.label_zh}，不能修改。",
                    "message_en": f"'{name}' is {filled.label_en} and cannot be changed.",
                }
            )
    for name, filled in found.locked().items():
        answers[name] = filled.value
    if details:
        raise InvalidInput(
            "锁定字段的值与共享数据不一致，不能修改。",
            "A locked field differs from its shared source and cannot be changed.",
            details=details,
        )
    return answers
