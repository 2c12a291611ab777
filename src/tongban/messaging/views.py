"""Pages of the messages on a case: the threads on both case pages, one thread's page
(with 常用语 for staff), writing a message, downloading an attachment, and the
workbench list of unanswered messages to the user's department.

A refused message (empty, too long, a bad attachment) shows the thread page again with
the reason and the text kept.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from tongban.accounts.deps import CurrentUser
from tongban.accounts.models import User
from tongban.cases import service as cases
from tongban.cases.core import access
from tongban.cases.http.panels import case_panel, queue_panel
from tongban.cases.http.titles import title_in
from tongban.cases.models import Case
from tongban.catalog.views import departments
from tongban.errors import DomainError, NotFound
from tongban.files.store import FileStore
from tongban.messaging import phrases
from tongban.messaging import service as messaging
from tongban.messaging.models import CaseMessage, MessageAttachment
from tongban.web import limits
from tongban.web.deps import CheckedForm, NowDep, RuntimeDep, SessionDep, StoreDep, see_other
from tongban.web.downloads import file_response
from tongban.web.i18n import locale_of
from tongban.web.refusals import Refusal, page_again, shown, status_of
from tongban.web.templating import render

router = APIRouter()


@case_panel
def case_messages(
    request: Request, session: Session, case: Case, user: User, now: datetime
) -> dict[str, Any]:
    """The threads the user may read on this case, each with its messages."""
    found = messaging.threads(session, case=case, user=user)
    rows = [
        {
            "department": department,
            "messages": messages,
            "may_write": messaging.may_write(user, case, department),
        }
        for department, messages in found.items()
    ]
    every = [message for messages in found.values() for message in messages]
    return {"message_threads": rows, "message_authors": messaging.authors(session, every)}


@queue_panel
def waiting(session: Session, user: User, now: datetime) -> dict[str, Any]:
    """The workbench list: threads of the user's department the applicant wrote last in."""
    if user.department_code is None or not user.has_role(*access.WORK_ROLES):
        return {"waiting_threads": []}
    return {"waiting_threads": messaging.waiting_for(session, department=user.department_code)}


def _thread_page(
    request: Request,
    session: Session,
    case: Case,
    user: User,
    department: str,
    *,
    text: str = "",
    refusal: Refusal | None = None,
) -> Response:
    found = messaging.threads(session, case=case, user=user, department=department)[department]
    context = {
        "case": case,
        "department": department,
        "departments": departments(session),
        "messages": found,
        "message_authors": messaging.authors(session, found),
        "may_write": messaging.may_write(user, case, department),
        "attachments_max": messaging.ATTACHMENTS_MAX,
        "phrases": phrases.PHRASES if user.is_staff else (),
        "text": refusal.posted.get("body", "") if refusal else text,
        **shown(refusal),
    }
    return render(request, "messaging/thread.html", context, status_code=status_of(refusal))


@router.get("/cases/{number}/messages/{department}")
def thread_page(
    number: str,
    department: str,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    phrase: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """One thread of a case with the form to write; ``?phrase=`` fills in a 常用语."""
    case = cases.get_case(session, number=number, user=user)
    names = departments(session)
    text = ""
    if phrase and user.is_staff:
        locale = locale_of(request, request.app.state.runtime.settings.default_locale)
        found = names.get(department)
        english = found.name_en if found and locale == "en" else None
        name = english or (found.name if found else department)
        title = title_in(case, locale)
        text = phrases.fill(phrase, locale=locale, number=case.number, title=title, department=name)
    return _thread_page(request, session, case, user, department, text=text)


WRITE = "/cases/{number}/messages/{department}"
limits.keeps_typed(WRITE)  # an attachment past the size limit: the message is kept


@router.post(WRITE)
def write(
    number: str,
    department: str,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    now: NowDep,
    store: StoreDep,
    runtime: RuntimeDep,
    form: CheckedForm,
) -> Response:
    """Send a message in the thread; back to the thread page (or the case page it came
    from) at the new message."""
    case = cases.get_case(session, number=number, user=user)
    posted = form.get("body")
    text = posted if isinstance(posted, str) else ""
    limit = runtime.settings.max_upload_mb * 1024 * 1024
    attachments = [
        messaging.Attachment(upload.filename, limits.read_bounded(upload, max_bytes=limit), limit)
        for upload in form.getlist("attachment")
        if isinstance(upload, UploadFile) and upload.filename
    ]
    try:
        limits.check_upload(request)
        message = messaging.post(
            session,
            case=case,
            user=user,
            department=department,
            body=text,
            now=now,
            store=store,
            attachments=attachments,
        )
    except DomainError as error:

        def page(refusal: Refusal) -> Response:
            again = cases.get_case(session, number=number, user=user)
            return _thread_page(request, session, again, user, department, refusal=refusal)

        return page_again(request, session, error, form, page)
    return see_other(f"/cases/{number}/messages/{department}#message-{message.id}")


@router.get("/cases/{number}/messages/{department}/{message_id}/attachments/{attachment_id}")
def attachment(
    number: str,
    department: str,
    message_id: int,
    attachment_id: int,
    session: SessionDep,
    user: CurrentUser,
    store: StoreDep,
) -> Response:
    """One file of a message in a thread the user may read."""
    case = cases.get_case(session, number=number, user=user)
    found = messaging.get_attachment(
        session, case=case, user=user, message_id=message_id, attachment_id=attachment_id
    )
    if session.get_one(CaseMessage, message_id).department_code != department:
        raise NotFound("没有找到该附件。", "No such attachment.")
    return attachment_file(found, store)


def attachment_file(attachment: MessageAttachment, store: FileStore) -> Response:
    """The bytes of a file sent with a message, named as it was sent."""
    return file_response(
        store.get(attachment.key), name=attachment.name, media_type=attachment.content_type
    )
