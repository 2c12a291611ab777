"""Response body of the publication (结果公示) API."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from tongban.licences.enums import LicenceStatus


class PublishedRead(BaseModel):
    licence_name: str
    licence_name_en: str | None = Field(
        description="Its name in English (the catalog's result name_en), if any"
    )
    number: str
    holder: str = Field(description="An enterprise's name; a person's masked (张*)")
    holder_code: str = Field(description="An enterprise's credit code; empty for a person")
    issuer: str
    issuer_en: str | None = Field(description="The issuing department's English name, if any")
    issued_on: date
    valid_until: date | None = Field(description="None: 长期 (no end)")
    status: LicenceStatus = Field(description="The status today")
    item_code: str
    public_until: date = Field(description="Last day of publication (calendar days)")
