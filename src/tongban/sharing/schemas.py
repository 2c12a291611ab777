"""API bodies of profiles and the data-access log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from tongban.audit.names import english_of
from tongban.sharing.profiles import PURPOSE_MAX, Profile


class SourceRead(BaseModel):
    code: str
    name: str
    department: str
    unavailable: str | None
    fields: dict[str, Any]
    fields_en: dict[str, Any] = Field(
        description="The fields in English: a field with a closed set of values (性别, 文化程度, "
        "婚姻状况 …) has the source's English label for its value, any other its value"
    )


class LicenceLink(BaseModel):
    id: int
    name: str
    number: str
    valid_until: date | None
    status: str


class CaseLink(BaseModel):
    number: str
    title: str
    state: str


class MaterialLink(BaseModel):
    """An uploaded file of an earlier case that a later case may take instead of a new
    upload (``valid``), or may not any more (``why`` / ``why_en``)."""

    id: int
    code: str
    name: str
    name_en: str
    filename: str | None
    case: str = Field(description="The number of the case it was uploaded for")
    uploaded_at: datetime
    valid: bool
    why: str | None
    why_en: str | None
    rule: str = Field(
        description="The rule it is judged by: the document's validity (证件有效期至 …) or the "
        "months the item it was uploaded for lets it be reused"
    )
    rule_en: str


class AccessRead(BaseModel):
    at: datetime
    actor: str
    actor_en: ClassVar[Any] = english_of("actor")
    source: str
    case_id: int | None
    fields: list[str]
    purpose: str
    purpose_en: str | None = Field(
        description="The reason in English; None on rows logged before it was kept"
    )
    outcome: str


class ProfileRead(BaseModel):
    """One person's (by resident ID) or enterprise's (by credit code) profile."""

    kind: str
    key: str
    name: str
    verified: bool = True  # False: identity not verified (实名认证), nothing shared shown
    through_cases: bool = Field(
        False,
        description="A subject known through the account's own cases only (a company it "
        "founded): its licences and those cases, no sources, no access log",
    )
    represented: bool = Field(
        False,
        description="Through its cases, and the account is its legal representative or "
        "founder: its sources and access log are shown",
    )
    sources: list[SourceRead]
    licences: list[LicenceLink]
    cases: list[CaseLink]
    materials: list[MaterialLink] = Field(
        description="Reusable materials: files uploaded for its cases, valid for reuse or not"
    )
    accesses: list[AccessRead]

    @classmethod
    def of(cls, profile: Profile) -> ProfileRead:
        return cls(
            kind=profile.kind,
            key=profile.key,
            name=profile.name,
            verified=profile.verified,
            through_cases=profile.through_cases,
            represented=profile.represented,
            sources=[
                SourceRead(
                    code=s.code,
                    name=s.name,
                    department=s.department,
                    unavailable=s.unavailable,
                    fields={name: value for name, _title, value in s.fields},
                    fields_en=s.english,
                )
                for s in profile.sections
            ],
            licences=[
                LicenceLink(
                    id=h.id,
                    name=h.name,
                    number=h.number,
                    valid_until=h.valid_until,
                    status=h.status,
                )
                for h in profile.licences
            ],
            cases=[CaseLink(number=c.number, title=c.title, state=c.state) for c in profile.cases],
            materials=[
                MaterialLink(
                    id=m.material.id,
                    code=m.code,
                    name=m.name_zh,
                    name_en=m.name_en,
                    filename=m.material.filename,
                    case=m.case.number,
                    uploaded_at=m.uploaded_at,
                    valid=m.valid,
                    why=m.why_zh,
                    why_en=m.why_en,
                    rule=m.rule_zh,
                    rule_en=m.rule_en,
                )
                for m in profile.materials
            ],
            accesses=[
                AccessRead(
                    at=a.at,
                    actor=a.actor_name,
                    source=a.source,
                    case_id=a.case_id,
                    fields=a.fields,
                    purpose=a.purpose,
                    purpose_en=a.purpose_en,
                    outcome=a.outcome,
                )
                for a in profile.accesses
            ],
        )


class ProfileRequest(BaseModel):
    """Why staff read a case applicant's profile (logged, shown to the applicant)."""

    model_config = ConfigDict(extra="forbid")
    purpose: str = Field(min_length=1, max_length=PURPOSE_MAX)
