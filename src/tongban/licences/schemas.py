"""API bodies of the e-licence library."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from tongban.documents.signing import Algorithm
from tongban.licences.enums import HolderCodeType, LicenceStatus, Verdict


class LicenceRead(BaseModel):
    """An e-licence with its GB/T 36903 metadata; ``status`` is the one in force today."""

    id: int
    name: str
    name_en: str | None = Field(
        None, description="Its name in English (the catalog's result name_en), if any"
    )
    type_code: str
    number: str
    identifier: str
    holder_name: str
    holder_code: str
    holder_code_type: HolderCodeType
    issuer_name: str
    issuer_code: str
    issued_on: date
    valid_from: date
    valid_until: date | None  # None: 长期
    division_code: str
    status: LicenceStatus
    status_reason: str | None
    status_reason_en: str | None = Field(
        None, description="The reason in English where the platform gave it, else None"
    )
    case_id: int | None
    algorithm: Algorithm
    key_id: str
    fields: list[tuple[str, str]]
    verify_url: str
    issued_at: datetime
    condition: dict[str, Any] | None = Field(
        None,
        description="附条件证照: {zh, en, until} of the condition signed with the record "
        "(容缺: the missing materials and their deadline); None for an unconditional licence",
    )
    condition_met_at: datetime | None = Field(
        None, description="When the condition was met (the materials arrived)"
    )
    pdf_ready: bool = Field(
        description="Whether the signed PDF can be downloaded; False while the worker "
        "prints it (生成中, a few seconds after issue): the licence is already valid"
    )


class StatusChange(BaseModel):
    """Suspend, resume, revoke (撤销: the grant annulled), revoke as a penalty (吊销) or
    cancel, with the reason (and its legal basis)."""

    action: Literal["suspend", "resume", "revoke", "revoke_as_penalty", "cancel"]
    reason: str = Field(min_length=1, max_length=1000)


class VerificationRead(BaseModel):
    """What a verification found."""

    verdict: Verdict
    message: str
    status_checked: bool
    record: dict[str, Any] | None
    face: dict[str, Any] | None = Field(
        None, description="The signed face statement of an uploaded PDF: its SHA-256 and length"
    )
    pdf_ready: bool | None = Field(
        None, description="From the library: whether the licence's PDF is printed yet"
    )
