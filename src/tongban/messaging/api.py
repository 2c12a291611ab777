"""JSON API of the messages on a case (在线沟通): read the threads, write in one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from tongban.accounts.deps import CurrentUser
from tongban.cases import service as cases
from tongban.messaging import service as messaging
from tongban.messaging.schemas import MessageCreate, MessageRead
from tongban.web.deps import NowDep, SessionDep, StoreDep

router = APIRouter(tags=["cases"])


@router.get("/cases/{number}/messages")
def list_messages(
    number: str,
    session: SessionDep,
    user: CurrentUser,
    department: Annotated[str | None, Query(max_length=10)] = None,
) -> list[MessageRead]:
    """The messages of the threads you may read on the case (or of one department's
    thread), oldest first."""
    case = cases.get_case(session, number=number, user=user)
    threads = [department] if department else messaging.threads_readable(user, case)
    return [
        MessageRead.model_validate(message)
        for code in threads
        for message in messaging.thread(session, case=case, user=user, department=code)
    ]


@router.post("/cases/{number}/messages", status_code=201)
def write_message(
    number: str,
    body: MessageCreate,
    session: SessionDep,
    user: CurrentUser,
    now: NowDep,
    store: StoreDep,
) -> MessageRead:
    """Write in the thread with a department handling the case (attachments: on the
    case page)."""
    case = cases.get_case(session, number=number, user=user)
    message = messaging.post(
        session,
        case=case,
        user=user,
        department=body.department,
        body=body.body,
        now=now,
        store=store,
    )
    return MessageRead.model_validate(message)
