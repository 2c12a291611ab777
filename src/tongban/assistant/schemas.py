"""The guide assistant's replies as the JSON API gives them: each part copied from a field
of the entry's current catalog version (tailored to the situation answers, if any)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from tongban import money
from tongban.assistant.enums import Aspect, ReplyKind
from tongban.cases.enums import CaseState


class AnswerFee(BaseModel):
    name: str
    name_en: str | None = Field(None, description="The fee's name in English, if any")
    amount: str = Field(pattern=r"^[0-9]+\.[0-9]{2}$", description="Yuan (元), 2 decimals")


class AnswerTimeLimit(BaseModel):
    unit: str = Field(description="working_days, days (calendar) or hours")
    legal: float | None = Field(None, description="法定办结时限 (a bundle may state none)")
    promised: float = Field(description="承诺办结时限")


class AnswerItem(BaseModel):
    """One item of the entry (a bundle has several): what the guide says of it."""

    code: str
    name: str
    name_en: str | None = Field(None, description="The English name, where the catalog has one")
    department_code: str
    conditions: list[str]
    conditions_en: list[str] | None = Field(
        None, description="The conditions in English, one for each, where the catalog has them"
    )
    fees: list[AnswerFee]
    window: str | None = Field(None, description="办理地点, when the item names one")
    window_en: str | None = Field(None, description="办理地点 in English, if any")
    phone: str | None = Field(None, description="咨询电话")


class AnswerFaq(BaseModel):
    q: str
    a: str
    q_en: str | None = None
    a_en: str | None = None


class AnswerEntry(BaseModel):
    """An item or bundle that answers the question, with links to its guide and to apply."""

    code: str
    kind: str = Field(description="item or bundle")
    name: str
    name_en: str | None = Field(None, description="The English name, where the catalog has one")
    summary: str | None = Field(None, description="简介: what the entry is")
    summary_en: str | None = None
    guide_url: str = Field(description="The guide page (办事指南), with the situation answers")
    apply_url: str | None = Field(description="Where to apply; None for a proactive benefit")
    materials: list[str] = Field(description="The materials' names, tailored to the situation")
    materials_en: list[str | None] = Field(
        description="The materials' English names, beside ``materials`` (None: none given)"
    )
    time_limit: AnswerTimeLimit | None
    items: list[AnswerItem]
    faq: list[AnswerFaq] = Field(description="The entry's FAQ entries the question repeats")


class AnswerCase(BaseModel):
    number: str
    title: str
    title_en: str | None = Field(
        None, description="The title in English (the catalog's name_en), None where it has none"
    )
    state: CaseState


class AnswerElsewhere(BaseModel):
    """A matter this portal does not handle, and who does (the catalog's list of them)."""

    name: str
    name_en: str | None = Field(None, description="The matter in English, if any")
    handled_by: str = Field(description="The department or window that handles it")
    handled_by_en: str | None = Field(None, description="Who handles it, in English, if any")
    channel: str | None = Field(None, description="Where it can be done online, if anywhere")
    channel_en: str | None = Field(None, description="That place in English, if any")


class AnswerPeriod(BaseModel):
    opens: str = Field(description="Local time HH:MM")
    closes: str = Field(description="Local time HH:MM")


class AnswerHall(BaseModel):
    """A service hall asked about: where it is and when it is open (halls.yaml)."""

    code: str
    name: str
    name_en: str | None = Field(None, description="The hall's name in English, if any")
    address: str
    address_en: str | None = Field(None, description="Its address in English, if any")
    hours: list[AnswerPeriod] = Field(
        description="Opening hours on working days of the official calendar (closed at "
        "weekends and on public holidays, open on make-up working days)"
    )


class AssistantReply(BaseModel):
    """The reply to one question; ``kind`` says which parts are filled."""

    question: str = Field(description="The question as read (spaces folded)")
    kind: ReplyKind = Field(
        description="entries: ``entries`` answer it; own_cases: ``cases`` are the asker's "
        "own; sign_in: a question about one's own case, asked without signing in; "
        "unanswered: nothing in the catalog answers it (call the hotline or go to a "
        "window); elsewhere: a matter this portal does not handle, ``elsewhere`` says who "
        "does; hours: ``halls`` says when the service halls asked about are open (a "
        "follow-up: those that handle the entry of ``entries``, the one asked about); warming: "
        "the index is being built, ask again in a few seconds"
    )
    aspect: Aspect | None = Field(description="The part of a guide the question asks for")
    follow_up: bool = Field(description="Answered about ``about``, the entry asked before")
    about: str | None = Field(description="Pass as ``about`` with a follow-up question")
    entries: list[AnswerEntry]
    cases: list[AnswerCase]
    unknown_number: bool = Field(
        False,
        description="own_cases: the question names a case number that none of the asker's "
        "cases has (whoever else's it may be: nothing is said of it)",
    )
    elsewhere: AnswerElsewhere | None = Field(None, description="elsewhere: who handles it")
    halls: list[AnswerHall] = Field(
        default_factory=list,
        description="hours: the halls asked about, those that handle the entry followed up, "
        "or every hall",
    )
    hotline: str = Field(description="政务服务便民热线")


def fees(item: dict[str, Any]) -> list[AnswerFee]:
    """The fees of one item of a definition, amounts as decimal strings."""
    return [
        AnswerFee(
            name=fee["name"], name_en=fee.get("name_en"), amount=money.amount_text(fee["amount"])
        )
        for fee in item.get("fees") or []
    ]
