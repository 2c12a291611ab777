"""The message centre (消息中心, ``/messages``) and the operators' list of messages that
could not be sent (``/ops/messages``). Forms post normally (POST → redirect → GET)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from tongban.accounts.deps import CurrentUser, require_roles
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.notifications import service
from tongban.web.deps import CheckedForm, NowDep, SessionDep, see_other
from tongban.web.i18n import LOCALES
from tongban.web.templating import render

router = APIRouter()
MessageId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Operator = Annotated[User, Depends(require_roles(Role.system_admin, Role.supervisor))]


@router.get("/messages")
def messages(
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    unread: Annotated[bool, Query()] = False,
) -> Response:
    """The user's messages, newest first, unread ones marked, each with a link to its case."""
    rows = service.inbox(session, user=user, unread_only=unread, limit=100)
    context = {
        "rows": rows,
        "unread_only": unread,
        "unread": service.unread_count(session, user_id=user.id),
        "message_locale": user.locale or "",
    }
    return render(request, "notifications/messages.html", context)


@router.post("/messages/{message_id}/read")
def read_one(
    message_id: MessageId, session: SessionDep, user: CurrentUser, now: NowDep, form: CheckedForm
) -> Response:
    """Mark one message read and open its link (``go``), or come back to the list."""
    service.mark_read(session, user_id=user.id, now=now, message_id=message_id)
    target = form.get("go")
    if isinstance(target, str) and target.startswith("/") and not target.startswith("//"):
        return see_other(target)
    return see_other("/messages")


@router.post("/messages/read-all")
def read_all(session: SessionDep, user: CurrentUser, now: NowDep, form: CheckedForm) -> Response:
    """Mark every message of the user read."""
    del form
    service.mark_read(session, user_id=user.id, now=now)
    return see_other("/messages?done=messages_read")


@router.post("/messages/language")
def language(session: SessionDep, user: CurrentUser, form: CheckedForm) -> Response:
    """The language of the user's messages, e-mails and SMS; the page comes back in the
    language it was read in (``page_lang``: a ``?lang=`` page keeps it)."""
    value, page = form.get("locale"), form.get("page_lang")
    service.set_language(session, user=user, locale=value if isinstance(value, str) else "")
    keep = f"&lang={page}" if page in LOCALES else ""
    return see_other(f"/messages?done=message_language{keep}")


@router.get("/ops/messages")
def failed(request: Request, session: SessionDep, user: Operator) -> Response:
    """E-mails and SMS that spent every attempt, with their last error; each can be sent again."""
    del user
    context = {"rows": service.failed_messages(session), "counts": service.pending_count(session)}
    return render(request, "notifications/failed.html", context)


@router.post("/ops/messages/{message_id}/retry")
def retry(
    message_id: MessageId, session: SessionDep, user: Operator, now: NowDep, form: CheckedForm
) -> Response:
    """Send a failed message again on the worker's next round."""
    del user, form
    service.retry(session, message_id=message_id, now=now)
    return see_other("/ops/messages?done=message_retry")
