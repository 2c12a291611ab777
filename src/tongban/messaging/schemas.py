"""Request and response bodies of the case messages API (在线沟通)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from tongban.messaging.service import BODY_MAX


class MessageCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")  # an unknown field is a mistake: 422
    department: str = Field(
        min_length=1, max_length=10, description="Code of the department of the thread"
    )
    body: str = Field(min_length=1, max_length=BODY_MAX, description="The message text")


class AttachmentRead(BaseModel):
    """A file sent with a message (download: ``GET /cases/{number}/messages/{message_id}/
    attachments/{id}``)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str = Field(description="The file's name as sent")
    content_type: str = Field(description="Its media type (application/pdf, image/png …)")
    size: int = Field(description="Bytes")


class MessageRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    department_code: str = Field(description="The thread: the department the applicant talks to")
    from_applicant: bool = Field(
        description="Written by the applicant's side (else the department)"
    )
    body: str
    attachments: list[AttachmentRead] = Field(description="The files sent with it, in order")
    sent_at: datetime
