"""JSON API for departments, service items and bundles, their situation questions (情形引导)
and the guided finder (办事引导)."""

from __future__ import annotations

import copy
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from tongban import money
from tongban.catalog import guides, service
from tongban.catalog.enums import EntryKind
from tongban.catalog.models import CatalogEntry
from tongban.errors import NotFound
from tongban.web.deps import SessionDep
from tongban.web.validation import shaped

router = APIRouter(tags=["catalog"])


class EntrySummary(BaseModel):
    code: str
    kind: EntryKind
    name: str
    name_en: str | None = Field(None, description="Its name in English, None where it has none")
    department_code: str
    version: int


AMOUNT = (
    'Yuan (元) as a decimal string with exactly 2 decimals, e.g. "1234567.50": a string, '
    "not a JSON number, so that no client reads money through a float"
)


class FeeRead(BaseModel):
    item_code: str = Field(description="The item that charges the fee")
    name: str
    name_en: str | None = Field(None, description="The fee's name in English, if any")
    amount: str = Field(
        pattern=shaped(
            r"^[0-9]+\.[0-9]{2}$",
            "带两位小数的金额（元），如 80.00",
            "yuan with 2 decimals, e.g. 80.00",
        ),
        description=AMOUNT,
        examples=["80.00"],
    )
    basis: str | None = None
    basis_en: str | None = Field(None, description="Its basis in English, if any")


class OptionRead(BaseModel):
    value: str = Field(description="What to send: ``s_<question code>=<value>``")
    label: str
    label_en: str | None = None


class SituationRead(BaseModel):
    """A situation question (情形引导) the entry asks before its form; the answers, sent as
    ``s_<code>=<value>`` on this route or with a new case (``situation_answers``), decide
    its materials, form fields and, for a bundle, its items."""

    code: str
    question: str
    question_en: str | None = None
    hint: str | None = None
    hint_en: str | None = None
    options: list[OptionRead]


def _situations(definition: dict[str, Any]) -> list[SituationRead]:
    return [
        SituationRead(
            code=question["code"],
            question=question["question"],
            question_en=question.get("question_en"),
            hint=question.get("hint"),
            hint_en=question.get("hint_en"),
            options=[
                OptionRead(
                    value=str(option["value"]),
                    label=option["label"],
                    label_en=option.get("label_en"),
                )
                for option in question["options"]
            ],
        )
        for question in service.questions(definition)
    ]


class EntryRead(EntrySummary):
    definition: dict[str, Any] = Field(
        description="The version's definition; fee amounts in it are strings as in ``fees``"
    )
    fees: list[FeeRead] = Field(description="Every fee of the entry's items")
    situation_answers: dict[str, str] = Field(
        default_factory=dict,
        description="The situation answers (情形引导) the definition is tailored to, from the "
        "query's ``s_<question>=<option>``; empty: the full definition",
    )
    materials_listed: int = Field(description="Materials of the full list, before the answers")
    situations: list[SituationRead] = Field(
        default_factory=list,
        description="The situation questions the entry asks (情形引导), with their options; "
        "empty: it asks none",
    )


def _fees(definition: dict[str, Any]) -> list[FeeRead]:
    return [
        FeeRead(
            item_code=item["code"],
            name=fee["name"],
            amount=money.amount_text(fee["amount"]),
            basis=fee.get("basis"),
            name_en=fee.get("name_en"),
            basis_en=fee.get("basis_en"),
        )
        for item in definition["items"]
        for fee in item.get("fees", [])
    ]


def _with_amount_text(definition: dict[str, Any]) -> dict[str, Any]:
    """A copy whose fee amounts are strings: stored versions keep the catalog's numbers."""
    shown = copy.deepcopy(definition)
    for item in shown["items"]:
        for fee in item.get("fees", []):
            fee["amount"] = money.amount_text(fee["amount"])
    return shown


class DepartmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    name_en: str | None
    division_code: str
    window: str | None = Field(None, description="Where to go in person (办理地点), if given")
    window_en: str | None = Field(None, description="办理地点 in English, if any")


def _summary(entry: CatalogEntry) -> EntrySummary:
    assert entry.current_version is not None
    return EntrySummary(
        code=entry.code,
        kind=entry.kind,
        name=entry.name,
        name_en=entry.current_version.definition.get("name_en"),
        department_code=entry.department_code,
        version=entry.current_version.version,
    )


def _read(session: SessionDep, code: str, kind: EntryKind, request: Request) -> EntryRead:
    """The entry, tailored to the situation answers of the query (422 naming a question
    not answered with one of its options)."""
    entry = service.get_entry(session, code=code)
    if entry.kind != kind:
        raise NotFound(f"没有找到“{code}”。", f"No {kind} '{code}'.")
    assert entry.current_version is not None
    full = entry.current_version.definition
    answers = service.from_query(request.query_params)
    answers = service.check_answers(full, answers) if answers else {}
    definition = service.tailor(full, answers)
    return EntryRead(
        **_summary(entry).model_dump(),
        definition=_with_amount_text(definition),
        fees=_fees(definition),
        situation_answers=answers,
        materials_listed=len(full["materials"]),
        situations=_situations(full),
    )


@router.get("/departments")
def departments(session: SessionDep) -> list[DepartmentRead]:
    """Every department."""
    return [DepartmentRead.model_validate(d) for d in service.list_departments(session)]


@router.get("/items")
def items(
    session: SessionDep, q: str | None = None, department: str | None = None
) -> list[EntrySummary]:
    """Service items; ``q`` searches plain words (名称, 关键词, 编码)."""
    if q:
        found = [e for e in service.search(session, query=q, limit=50) if e.kind == EntryKind.item]
    else:
        found = list(service.list_entries(session, kind=EntryKind.item, department=department))
    return [_summary(entry) for entry in found]


@router.get("/items/{code}")
def item(code: str, session: SessionDep, request: Request) -> EntryRead:
    """An item with its guide, form and process (current version); with ``s_<question>=``
    answers, only what applies to that situation (情形引导)."""
    return _read(session, code, EntryKind.item, request)


@router.get("/bundles")
def bundles(session: SessionDep) -> list[EntrySummary]:
    """Bundles (一件事)."""
    return [_summary(entry) for entry in service.list_entries(session, kind=EntryKind.bundle)]


@router.get("/bundles/{code}")
def bundle(code: str, session: SessionDep, request: Request) -> EntryRead:
    """A bundle with its items, merged form and materials; with ``s_<question>=`` answers,
    only the items, materials and form fields that apply (情形引导)."""
    return _read(session, code, EntryKind.bundle, request)


@router.get("/search")
def search(q: str, session: SessionDep) -> list[EntrySummary]:
    """Items and bundles matching plain words, best first."""
    return [_summary(entry) for entry in service.search(session, query=q)]


class FinderEvent(BaseModel):
    event: str = Field(description="The life or business event, as sent back in ``event``")
    event_en: str | None = None


class FinderRead(BaseModel):
    """The guided finder (办事引导): who applies, then the event, then what to apply for."""

    who: str | None = Field(
        description="person (个人办事) or enterprise (企业办事); None: not chosen"
    )
    events: list[FinderEvent] = Field(description="The events offered to ``who``")
    event: str | None = Field(description="The event chosen, None when not (or not offered)")
    entries: list[EntrySummary] = Field(description="Bundles, then items, for the event")


@router.get("/finder")
def finder(session: SessionDep, who: str | None = None, event: str | None = None) -> FinderRead:
    """The finder's steps as the portal's ``/finder`` page takes them: ``who`` (person or
    enterprise) lists the events; ``event`` (one of them) lists the bundles and items to
    apply for. An unknown ``who`` or ``event`` lists nothing further, as on the page."""
    entries = [e for e in service.list_entries(session) if e.current_version]
    definitions = [e.current_version.definition for e in entries if e.current_version]
    chosen = who if who in guides.WHO else None
    events = guides.finder_events(definitions, who=chosen) if chosen else []
    offered = event if event in [e["event"] for e in events] else None
    found = (
        guides.finder_entries(definitions, who=chosen, event=offered) if chosen and offered else []
    )
    by_code = {e.code: e for e in entries}
    return FinderRead(
        who=chosen,
        events=[FinderEvent(**named) for named in events],
        event=offered,
        entries=[_summary(by_code[d["code"]]) for d in found],
    )
