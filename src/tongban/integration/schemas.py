"""API bodies of machine clients' tokens and webhook subscriptions."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class ClientToken(BaseModel):
    """OAuth 2.0 access token response (RFC 6749 §5.1)."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds")
    scope: str


class WebhookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")  # an unknown field is a mistake: 422
    department_code: str = Field(min_length=1, max_length=10)
    url: str = Field(
        min_length=1,  # what is wrong with a short one is said by ``webhooks.subscribe``
        max_length=500,
        description="Full http:// or https:// address of the receiver",
    )
    events: list[str] = Field(min_length=1, max_length=10)


class WebhookRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    department_code: str
    url: str
    events: list[str] = Field(description="The events subscribed to, e.g. case.accepted")
    active: bool
    created_at: datetime

    @field_validator("events", mode="before")
    @classmethod
    def _listed(cls, value: object) -> object:
        """The row keeps them space-separated."""
        return value.split() if isinstance(value, str) else value


class WebhookCreated(WebhookRead):
    secret: str = Field(description="The signing secret, shown only in this answer")


class DeliveryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    event_id: str
    event_type: str
    created_at: datetime
    delivered_at: datetime | None
    status_code: int | None
    attempts: int = 0
    state: str = Field("pending", description="pending, running, delivered or failed")
    last_error: str | None = None
