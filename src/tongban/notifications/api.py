"""JSON API of the message centre: list, count and mark read the user's messages; the
language they are written in; failed messages for operators."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from tongban.accounts.deps import CurrentUser, require_roles
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.notifications import service
from tongban.pii.service import mask_contact
from tongban.web.deps import NowDep, SessionDep

router = APIRouter(tags=["messages"])
MessageId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Operator = Annotated[User, Depends(require_roles(Role.system_admin, Role.supervisor))]


class MessageRead(BaseModel):
    id: int
    topic: str
    created_at: datetime
    title: str = Field(description="In the reader's message language")
    body: str
    link: str = Field(description="Path of the page the message is about (its case)")
    case_number: str
    read: bool
    read_at: datetime | None
    payload: dict[str, Any]


class LanguageUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    locale: Literal["zh_Hans", "en"]


class FailedRead(BaseModel):
    id: int
    channel: str
    topic: str
    recipient: str
    address: str | None
    attempts: int
    last_error: str | None
    created_at: datetime


def _read(row: service.MessageRow) -> MessageRead:
    m = row.message
    return MessageRead(
        id=m.id,
        topic=m.topic,
        created_at=m.created_at,
        title=row.title,
        body=row.body,
        link=row.link,
        case_number=row.case_number,
        read=row.read,
        read_at=m.read_at,
        payload=m.payload,
    )


@router.get("/me/messages")
def messages(
    session: SessionDep,
    user: CurrentUser,
    unread: Annotated[bool, Query(description="Only unread messages")] = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[MessageRead]:
    """The newest in-app messages of the signed-in user."""
    return [_read(r) for r in service.inbox(session, user=user, unread_only=unread, limit=limit)]


@router.get("/me/messages/unread-count")
def unread_count(session: SessionDep, user: CurrentUser) -> dict[str, int]:
    """How many messages are not read yet."""
    return {"unread": service.unread_count(session, user_id=user.id)}


@router.post("/me/messages/{message_id}/read")
def read_one(
    message_id: MessageId, session: SessionDep, user: CurrentUser, now: NowDep
) -> dict[str, int]:
    """Mark one message read; returns how many changed (0 if it was already read)."""
    changed = service.mark_read(session, user_id=user.id, now=now, message_id=message_id)
    return {"changed": changed, "unread": service.unread_count(session, user_id=user.id)}


@router.post("/me/messages/read-all")
def read_all(session: SessionDep, user: CurrentUser, now: NowDep) -> dict[str, int]:
    """Mark every message read."""
    changed = service.mark_read(session, user_id=user.id, now=now)
    return {"changed": changed, "unread": 0}


@router.put("/me/message-language")
def language(body: LanguageUpdate, session: SessionDep, user: CurrentUser) -> dict[str, str]:
    """The language the user's messages, e-mails and SMS are written in."""
    service.set_language(session, user=user, locale=body.locale)
    return {"locale": body.locale}


@router.get("/messages/failed")
def failed(session: SessionDep, user: Operator) -> list[FailedRead]:
    """E-mails and SMS that spent every attempt (operators; the address masked)."""
    del user
    return [
        FailedRead(
            id=r.message.id,
            channel=r.message.channel,
            topic=r.message.topic,
            recipient=r.recipient,
            address=mask_contact(r.message.address),  # operators need not the whole
            attempts=r.message.attempts,
            last_error=r.message.last_error,
            created_at=r.message.created_at,
        )
        for r in service.failed_messages(session)
    ]
