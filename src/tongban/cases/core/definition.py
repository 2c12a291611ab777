"""Reading the frozen catalog definition a case runs on (item or bundle alike)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from tongban.cases.enums import CaseState, JoinRule, Stage, TaskOutcome, TaskState
from tongban.cases.models import Case
from tongban.catalog import service as catalog
from tongban.forms.inputs import title_of

ACCEPTANCE_LEGAL_DAYS = 5  # 行政许可法 art. 32
ISSUE_LEGAL_DAYS = 10  # art. 44
EXTENSION_DAYS = 10  # art. 42, single department
EXTENSION_DAYS_JOINT = 15  # art. 42, joint handling
HOURS_PER_DAY = 8
Definition = dict[str, Any]


def spec_of(session: Session, case: Case) -> Definition:
    """The frozen definition the case started with, tailored to its situation answers
    (情形引导, ``catalog.situations.tailor``): only the items, materials and form fields
    that apply to the applicant's case; an item handled where the applicant lives (属地,
    ``catalog.locality``) handed to the offices of the place its form names. Kept for the
    unit of work, as the version is."""
    version = catalog.get_version(session, version_id=case.catalog_version_id)
    answers = case.situation_answers or {}
    places = _places(version.definition, case.form_data or {})
    if not answers and not places and not catalog.chooses(version.definition):
        return version.definition
    held: dict[tuple[int, str, str], Definition] = session.info.setdefault("tailored_specs", {})
    key = (version.id, repr(sorted(answers.items())), repr(places))
    if key not in held:
        tailored = catalog.tailor(version.definition, answers)
        held[key] = catalog.localize(tailored, case.form_data or {})
    return held[key]


def _places(version: Definition, form: Mapping[str, Any]) -> list[Any]:
    """The answers of the form fields naming where the applicant lives (``local_offices``)."""
    return [form.get(i["local_offices"]["field"]) for i in items(version) if i.get("local_offices")]


def accepting_department(spec: Definition) -> str:
    """Who accepts (受理) the case: the township or street office of a case handled where
    the applicant lives (``catalog.locality``), else the entry's department."""
    return str(spec.get("accepted_by") or spec["department"])


def separates_review_and_decision(session: Session, case: Case, item_code: str | None) -> bool:
    """Whether the item keeps review and decision apart (``process.
    separate_review_and_decision``, default yes; 审核与审批分离)."""
    listed = items(spec_of(session, case))
    item = next((i for i in listed if i["code"] == item_code), listed[0])
    return bool(item.get("process", {}).get("separate_review_and_decision", True))


def items(definition: Definition) -> list[dict[str, Any]]:
    return list(definition["items"])


def in_order(definition: Definition) -> list[dict[str, Any]]:
    """The items with each after its prerequisites in the bundle's order (``requires``),
    else as listed: the order their results are issued in, so that a licence that needs a
    营业执照 (食品经营许可) is issued after the one registered in the same case and under
    its credit code."""
    requires: dict[str, list[str]] = definition.get("requires") or {}
    pending, done = items(definition), []
    while pending:
        codes = {item["code"] for item in pending}
        ready = next(
            (i for i in pending if not codes & set(requires.get(i["code"], ()))), pending[0]
        )  # pending[0] only for a circle, which the loader refuses
        done.append(ready)
        pending.remove(ready)
    return done


def departments(definition: Definition) -> set[str]:
    """Every department that handles something in this case."""
    return {item["department"] for item in items(definition)} | {
        dept for _item, dept in review_assignments(definition)
    }


def review_assignments(definition: Definition) -> list[tuple[dict[str, Any], str]]:
    """(item, department) pairs: one parallel review task each."""
    pairs = []
    for item in items(definition):
        stage = _stage(item, Stage.review)
        if stage is None:
            continue  # decided without a review round (e.g. instant or simple filings)
        pairs += [(item, dept) for dept in stage.get("departments") or [item["department"]]]
    return pairs


@dataclass
class ReviewOrder:
    """Where the items of a review round stand in the bundle's order (``requires``)."""

    ready: list[str] = field(default_factory=list)  # to open now: their prerequisites approved
    refused: dict[str, str] = field(default_factory=dict)  # item → its refused prerequisite
    waiting: dict[str, list[str]] = field(default_factory=dict)  # item → prerequisites pending


def review_outcomes(case: Case) -> dict[str, list[TaskOutcome | None]]:
    """Item code → the outcomes of its review tasks in the round (None while open)."""
    opened: dict[str, list[TaskOutcome | None]] = {}
    for task in case.tasks:
        if task.stage == Stage.review and task.state != TaskState.cancelled:
            opened.setdefault(task.item_code or "", []).append(task.outcome)
    return opened


def waiting_items(definition: Definition, case: Case) -> list[tuple[str, list[str]]]:
    """The names of the items whose review waits, each with the names of the items it
    waits for (the timeline's 等待 X 完成); empty unless the case is in review."""
    if case.state != CaseState.in_review:
        return []
    names = {item["code"]: item["name"] for item in items(definition)}
    waiting = review_order(definition, review_outcomes(case)).waiting
    return [(names[code], [names[other] for other in before]) for code, before in waiting.items()]


def review_order(
    definition: Definition, opened: Mapping[str, Sequence[TaskOutcome | None]]
) -> ReviewOrder:
    """Which reviewed items not ``opened`` yet (item code → outcomes of its review tasks,
    None while open) can open, must end refused, or still wait. A prerequisite without a
    review (left out by the applicant's situation, or decided without 审查) waits for
    nothing."""
    reviewed = list(dict.fromkeys(item["code"] for item, _ in review_assignments(definition)))
    requires: dict[str, list[str]] = definition.get("requires") or {}
    found = ReviewOrder()
    for code in reviewed:
        if code in opened:
            continue
        before = [other for other in requires.get(code, ()) if other in reviewed]
        refusing = [other for other in before if TaskOutcome.refused in opened.get(other, ())]
        pending = [
            other
            for other in before
            if not opened.get(other) or any(o != TaskOutcome.approved for o in opened[other])
        ]
        if refusing:
            found.refused[code] = refusing[0]
        elif pending:
            found.waiting[code] = pending
        else:
            found.ready.append(code)
    return found


def stages(definition: Definition, *, delivery: str) -> list[Stage]:
    """The stages a case of ``definition`` runs, in their order (受理 → 审查 → 核准 → 制证 → 送达).

    Exactly the stages its items list (a bundle: those any of its items lists); 受理 always.
    One addition: a result that leaves on paper (``mail`` or ``window``) is handed over in a
    送达 stage even when the item lists none, because someone must post it (waybill number)
    or hand it over; a listed 送达 entry gives that stage its limit.
    """
    listed = {
        Stage(entry["stage"]) for item in items(definition) for entry in item["process"]["stages"]
    }
    listed.add(Stage.accept)
    if delivery != "online":
        listed.add(Stage.deliver)
    return [stage for stage in Stage if stage in listed]


def _stage(item: dict[str, Any], stage: Stage) -> dict[str, Any] | None:
    for entry in item["process"]["stages"]:
        if entry["stage"] == stage:
            return dict(entry)
    return None


def stage_limit(definition: Definition, stage: Stage) -> tuple[str, int]:
    """(unit, limit) of a stage; for a bundle the longest of its items, in the bundle's unit."""
    unit = definition["time_limit"]["unit"]
    limits = []
    for item in items(definition):
        entry = _stage(item, stage)
        if entry is None:
            continue
        limit = int(entry["limit"])
        item_unit = item["time_limit"]["unit"]
        if item_unit != unit:
            limit = catalog.in_unit(catalog.working_days_of(limit, item_unit), unit)
        limits.append(limit)
    limit = max(limits, default=1)
    if stage == Stage.accept and unit == "working_days":
        limit = min(limit, ACCEPTANCE_LEGAL_DAYS)
    if stage == Stage.issue and unit == "working_days":
        limit = min(limit, ISSUE_LEGAL_DAYS)
    return unit, limit


def item_stage_limit(item: dict[str, Any], stage: Stage) -> tuple[str, int]:
    entry = _stage(item, stage)
    return item["time_limit"]["unit"], int(entry["limit"]) if entry else 1


def join_rule(definition: Definition) -> JoinRule:
    rules = {item["process"].get("on_refusal", "end_round") for item in items(definition)}
    return JoinRule.wait_all if rules == {"wait_all"} else JoinRule.end_round


def titles(definition: Definition, locale: str) -> dict[str, str]:
    """Human names of every field and material of ``definition``, keyed as correction
    problems name them (a field's name, ``materials.<code>``)."""
    properties = definition["form"].get("properties", {})
    names = {name: title_of(prop, name, locale) for name, prop in properties.items()}
    for entry in definition["materials"]:
        label = entry.get("name_en") if locale == "en" else None
        names[f"materials.{entry['code']}"] = str(label or entry["name"])
    return names


def material(definition: Definition, code: str) -> dict[str, Any] | None:
    for entry in definition["materials"]:
        if entry["code"] == code:
            return dict(entry)
    return None


DELIVERY_NAMES = {  # the names the form's select shows (templates/_macros.html)
    "online": ("网上送达（在线下载）", "online (download)"),
    "mail": ("邮寄送达", "by post"),
    "window": ("窗口领取", "collected at the window"),
}


def delivery_options(definition: Definition) -> list[str]:
    """How the result may reach the applicant: ``online``, ``mail``, ``window``."""
    options: list[str] = []
    for item in items(definition):
        for option in item["result"].get("delivery", ["online"]):
            if option not in options:
                options.append(option)
    return options or ["online"]


def default_delivery(definition: Definition) -> str:
    """The delivery a new case starts with, whatever its channel (the web and window forms
    preselect it, the API keeps it when the body names none): one that asks nothing more
    of the applicant (online, else collection at the window); post only when it is the one
    way offered."""
    options = delivery_options(definition)
    return next((way for way in ("online", "window") if way in options), options[0])
