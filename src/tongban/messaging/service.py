"""Messages on a case (在线沟通): the applicant and each department handling the case
exchange messages, text with files attached (up to ``ATTACHMENTS_MAX``), on the case
pages.

A case has one thread per department working on it (its lead department and every
department with a task): the applicant (or the agent acting for them) reads and writes
every thread of their case; staff of a working department read and write their own
department's thread only; supervisors read every thread (电子监察) and write none. Nobody
else learns that a thread exists. A draft has no threads: a message needs a case the
departments have received.

Every message is part of the case record: an audit entry names who wrote to whom (not
the text, which is sealed at rest and may hold personal data), and tells the other side:
``message.to_applicant`` the applicant, ``message.to_department`` the department
(``tongban.outbox`` topics); the notification says a message arrived, never its text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.cases.core import access
from tongban.cases.enums import CaseState
from tongban.cases.models import Case
from tongban.cases.service import record_case
from tongban.errors import Conflict, InvalidInput, NotAllowed, NotFound, gather
from tongban.files.service import CheckedUpload, check_upload
from tongban.files.store import FileStore
from tongban.messaging.models import CaseMessage, MessageAttachment

BODY_MAX = 2000  # characters
ATTACHMENT_TYPES = ["pdf", "png", "jpg", "ofd"]
ATTACHMENTS_MAX = 5  # files with one message


@dataclass(frozen=True)
class Attachment:
    """An uploaded file: its name as the user gave it, its bytes, and the most bytes it
    may have (``Settings.max_upload_mb`` of the running app, in bytes)."""

    filename: str
    data: bytes
    max_bytes: int


def departments_of(case: Case) -> list[str]:
    """The departments handling ``case``: the lead department first, then every other
    department with a task, in the order their tasks were opened."""
    codes = [case.lead_department]
    for task in sorted(case.tasks, key=lambda task: task.id):
        if task.department_code not in codes:
            codes.append(task.department_code)
    return codes


def _is_party(user: User, case: Case) -> bool:
    return access.owns(user, case) or (not user.is_staff and access.acts_for(user, case))


def threads_readable(user: User, case: Case) -> list[str]:
    """The departments whose thread with the applicant ``user`` may read (empty: none)."""
    if case.state == CaseState.draft:
        return []
    handling = departments_of(case)
    if _is_party(user, case) or access.supervises(user, case):
        return handling
    if user.has_role(*access.WORK_ROLES) and user.department_code in handling:
        return [user.department_code]
    return []


def may_write(user: User, case: Case, department: str) -> bool:
    """The applicant (or their agent) to any department handling the case; staff of a
    handling department in its own thread. Supervisors read only."""
    if department not in threads_readable(user, case):
        return False
    return _is_party(user, case) or user.department_code == department


def _text(body: str) -> str:
    text = body.strip()
    if not text:
        raise InvalidInput("请填写留言内容。", "Write the message.", field="body")
    if len(text) > BODY_MAX:
        raise InvalidInput(
            f"留言不能超过 {BODY_MAX} 个字，请分几条发送。",
            f"A message may have at most {BODY_MAX} characters; send it in parts.",
            field="body",
        )
    return text


def post(
    session: Session,
    *,
    case: Case,
    user: User,
    department: str,
    body: str,
    now: datetime,
    store: FileStore,
    attachments: Sequence[Attachment] = (),
) -> CaseMessage:
    """Write ``body`` (1–2,000 characters) in the thread of ``case`` with ``department``.

    Raises NotFound when the user may not see the case (or the thread: its existence is
    not revealed), Conflict for a case still in draft, NotAllowed for a supervisor, InvalidInput
    for an empty or long text, more than ``ATTACHMENTS_MAX`` files, or bad attachments
    (type PDF, PNG, JPG or OFD, at most its ``max_bytes``, the limit named in megabytes;
    every bad file named at once), saying what to fix.
    """
    access.check_view(user, case)
    if case.state == CaseState.draft:
        raise Conflict(
            "办件提交后才能留言；草稿请直接修改后提交。",
            "Messages start once the case is submitted; edit the draft instead.",
            code="draft_has_no_messages",
        )
    if department not in threads_readable(user, case):
        raise NotFound("没有找到与该部门的沟通记录。", "No such thread on this case.")
    if not may_write(user, case, department):
        raise NotAllowed(
            "监察人员只能查看沟通记录，不能留言。",
            "Supervisors read the messages of a case; they do not write.",
            code="read_only",
        )
    message = CaseMessage(
        case_id=case.id,
        department_code=department,
        from_applicant=_is_party(user, case),
        author_id=user.id,
        body=_text(body),
        sent_at=now,
    )
    for attachment, checked in zip(attachments, _checked(attachments), strict=True):
        message.attachments.append(
            MessageAttachment(
                key=store.put(attachment.data),
                name=checked.filename,
                content_type=checked.content_type,
                size=checked.size,
            )
        )
    session.add(message)
    session.flush()
    record_case(
        session,
        case=case,
        action="message.to_department" if message.from_applicant else "message.to_applicant",
        actor=actor_of(user),
        now=now,
        data={"department": department, "message_id": message.id},
    )
    return message


def threads(
    session: Session, *, case: Case, user: User, department: str | None = None
) -> dict[str, list[CaseMessage]]:
    """Department → the messages of its thread, oldest first, in one query: every thread
    ``user`` may read on ``case`` (lead department first), or only ``department``'s.
    Raises NotFound as ``post`` does for a thread the user may not read."""
    access.check_view(user, case)
    readable = threads_readable(user, case)
    if department is not None:
        if department not in readable:
            raise NotFound("没有找到与该部门的沟通记录。", "No such thread on this case.")
        readable = [department]
    found: dict[str, list[CaseMessage]] = {code: [] for code in readable}
    if not readable:
        return found
    query = select(CaseMessage).where(
        CaseMessage.case_id == case.id, CaseMessage.department_code.in_(readable)
    )
    for message in session.scalars(query.order_by(CaseMessage.id)):
        found[message.department_code].append(message)
    return found


@dataclass(frozen=True)
class Waiting:
    """A thread whose last message is the applicant's: the department owes an answer."""

    case: Case  # its number, and its title in a page's language (``case_title``)
    department: str
    since: datetime  # when the applicant's last message was sent


def waiting_for(session: Session, *, department: str, limit: int = 50) -> list[Waiting]:
    """The threads of ``department`` whose last message is from the applicant, the longest
    waiting first (at most ``limit``)."""
    last = (
        select(func.max(CaseMessage.id).label("id"))
        .where(CaseMessage.department_code == department)
        .group_by(CaseMessage.case_id)
        .subquery()
    )
    query = (
        select(Case, CaseMessage.sent_at)
        .join(last, last.c.id == CaseMessage.id)
        .join(Case, Case.id == CaseMessage.case_id)
        .where(CaseMessage.from_applicant.is_(True))
        .order_by(CaseMessage.sent_at)
        .limit(limit)
    )
    return [Waiting(case, department, since) for case, since in session.execute(query)]


def _checked(attachments: Sequence[Attachment]) -> list[CheckedUpload]:
    """Each file checked (``files.service.check_upload``); InvalidInput naming every bad
    one at once, or more than ``ATTACHMENTS_MAX`` files."""
    if len(attachments) > ATTACHMENTS_MAX:
        raise InvalidInput(
            f"一条留言最多附 {ATTACHMENTS_MAX} 个文件，请分几条留言发送。",
            f"A message carries at most {ATTACHMENTS_MAX} files; send the rest in another.",
            field="attachment",
        )
    found = gather(
        {
            str(n): partial(
                check_upload,
                filename=a.filename,
                data=a.data,
                allowed=ATTACHMENT_TYPES,
                max_bytes=a.max_bytes,
            )
            for n, a in enumerate(attachments)
        }
    )
    return list(found.values())


def get_attachment(
    session: Session, *, case: Case, user: User, message_id: int, attachment_id: int
) -> MessageAttachment:
    """A file of a message of ``case`` in a thread ``user`` may read (NotFound otherwise,
    and for a file of another message)."""
    attachment = session.get(MessageAttachment, attachment_id)
    message = session.get(CaseMessage, message_id)
    if (
        attachment is None
        or message is None
        or attachment.message_id != message.id
        or message.case_id != case.id
        or message.department_code not in threads_readable(user, case)
    ):
        raise NotFound("没有找到该附件。", "No such attachment.")
    return attachment


def authors(session: Session, messages: Sequence[CaseMessage]) -> dict[int, str]:
    """Display names of the messages' authors, by user id."""
    ids = {message.author_id for message in messages}
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.display_name).where(User.id.in_(ids)))
    return {row.id: row.display_name for row in rows}
