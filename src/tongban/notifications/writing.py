"""What a message says to its reader: its texts in the reader's language, its link."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban import timefmt
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.catalog.models import CatalogVersion
from tongban.notifications import texts
from tongban.outbox.models import OutboxMessage
from tongban.ratings import links as rating_links
from tongban.ratings.enums import RatingChannel
from tongban.ratings.rules import RATEABLE_STATES

SCORE_NAMES = {
    "zh_Hans": {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"},
    "en": {
        5: "very satisfied",
        4: "satisfied",
        3: "fairly satisfied",
        2: "dissatisfied",
        1: "very dissatisfied",
    },
}
# pages staff open for a department's messages; applicants open the case
STAFF_LINKS = {
    "verification_requested": "/staff/verifications/{object_id}",
    "verification_answered": "/staff/verifications/{object_id}",
    "bad_rating_received": "/staff/ratings",
    "rating_appeal_decided": "/staff/ratings",
    "rating_appeal_filed": "/staff/ratings?appeals=open#rating-{object_id}",  # the decision form
    "task_assigned": "/staff/tasks/{object_id}",
    "task_unstaffed": "/staff/load",  # the department's people: who to bring back or reassign
    "task_reassigned": "/staff/tasks/{object_id}",
    "task_taken": "/staff/tasks/{object_id}",
    "task_delegated": "/staff/tasks/{object_id}",
    "complaint_routed": "/staff/complaints",
    "inspection_assigned": "/inspections",  # the inspector's list; the case page is not theirs
    "inspection_visit_answered": "/inspections",
    "inspection_record_to_sign": "/inspections",
    "inspection_record_returned": "/inspections",
    "expert_drawn": "/experts/seats",  # the expert's seats; the case opens after declaring
    "expert_opinion_due": "/experts/seats",
    "expert_not_replaced": "/staff/tasks/{object_id}",  # the convener's task, its panels
}
LICENCE_TOPICS = ("licence_issued", "licence_status_changed")
# the messages that may tell that a case is finished (a case ends at the review, the
# decision, the issue or the delivery, as its item has those stages): when it is finished
# as the SMS or e-mail leaves, they carry a signed link to rate it without signing in
# (``ratings.links``); the in-app copy links to the case page
RATE_LINK_TOPICS = (
    "review_complete",
    "case_approved",
    "result_issued",
    "result_delivered",
    "case_refused",
    "case_rejected",
    "rating_invited",
)
ALERT_TOPICS = ("limit_warning", "limit_overdue", "limit_escalated")
# where the staff of the department act on an alert about something other than a case's
# clock (a stage's or the case's limits open the case)
ALERT_PAGES = {
    "verification": "/staff/verifications/{object_id}",
    "rating": "/staff/ratings",
    "complaint": "/staff/complaints",
    "inspection": "/inspections",
}


class CaseNames(NamedTuple):
    """A message's case: its number, its title in Chinese and in English (the item's or
    bundle's ``name_en``, or None), and whether it is finished (may be rated at completion)."""

    number: str
    title: str
    title_en: str | None
    finished: bool = False

    def for_reader(self, locale: str) -> tuple[str, str]:
        """(number, title) as a reader of ``locale`` reads them."""
        return self.number, (self.title_en if locale == "en" and self.title_en else self.title)


def case_numbers(session: Session, messages: list[OutboxMessage]) -> dict[int, CaseNames]:
    """case id → its number and titles for the cases of ``messages``, in one query."""
    ids = {m.payload.get("case_id") for m in messages} - {None}
    if not ids:
        return {}
    name_en = CatalogVersion.definition["name_en"].as_string()
    rows = session.execute(
        select(Case.id, Case.number, Case.title, name_en, Case.state)
        .join(CatalogVersion, CatalogVersion.id == Case.catalog_version_id)
        .where(Case.id.in_(ids))
    )
    return {
        case_id: CaseNames(number, title, en, state in RATEABLE_STATES)
        for case_id, number, title, en, state in rows
    }


def link(message: OutboxMessage, number: str, user: User | None = None) -> str:
    """The page where ``user`` acts on the message (a path on this site, opening in the
    language they chose for messages: ``in_language``)."""
    return in_language(_page(message, number, user), user)


def in_language(path: str, user: User | None) -> str:
    """``path`` with ``lang=`` the language ``user`` chose for their messages, so the page
    a message leads to reads like the message; as it is when they chose none."""
    chosen = user.locale if user is not None else None
    if chosen not in texts.LOCALES:
        return path
    path, mark, fragment = path.partition("#")
    return f"{path}{'&' if '?' in path else '?'}lang={chosen}{mark}{fragment}"


def _page(message: OutboxMessage, number: str, user: User | None) -> str:
    """An alert opens the supervision dashboard for a supervisor outside the alert's
    department (督办 is followed there), else the thing it watches (the case, the 协查
    request, the ratings); any other message, its own page."""
    if message.topic in ALERT_TOPICS:
        return _alert_link(message, number, user)
    if message.topic in STAFF_LINKS:
        return STAFF_LINKS[message.topic].format(object_id=message.payload.get("object_id"))
    if message.topic in LICENCE_TOPICS:
        return "/my/licences"
    if message.topic == "complaint_answered":  # 12345: the answer is on the person's list
        return "/my/complaints"
    if message.topic in ("benefit_offered", "benefit_offered_sms"):  # 免申即享: one click there
        return "/my/benefits"
    return f"/cases/{number}" if number else "/messages"


def rate_link(
    message: OutboxMessage, *, finished: bool, base: str, secret_key: str, user: User | None
) -> str:
    """The signed rating link of an SMS or e-mail telling that a case is ``finished`` (its
    path on ``base``, in ``user``'s message language), or "" for any other message or
    channel, or a case still running."""
    case_id = message.payload.get("case_id")
    if (
        not finished
        or not secret_key
        or message.topic not in RATE_LINK_TOPICS
        or message.channel not in set(rating_links.SENT_THROUGH)
        or not isinstance(case_id, int)
    ):
        return ""
    token = rating_links.sign(
        case_id=case_id,
        channel=RatingChannel(message.channel),
        sent_at=message.created_at,
        secret_key=secret_key,
    )
    return base.rstrip("/") + in_language(f"/rate/{token}", user)


def _alert_link(message: OutboxMessage, number: str, user: User | None) -> str:
    alert = message.payload.get("alert") or {}
    if (
        user is not None
        and user.has_role(Role.supervisor)
        and user.department_code != alert.get("department")
    ):
        return "/supervision"
    page = ALERT_PAGES.get(alert.get("what", ""))
    if page is not None:
        return page.format(object_id=message.payload.get("object_id"))
    return f"/cases/{number}" if number else "/staff"


def locale_of(user: User | None, default: str) -> str:
    """The reader's language: the one they chose for messages, else the platform's."""
    chosen = user.locale if user is not None else None
    return chosen if chosen in texts.LOCALES else default


def context(
    message: OutboxMessage,
    *,
    user: User | None,
    case: tuple[str, str] | None,
    locale: str,
    base: str,
    rate_link: str = "",
) -> dict[str, Any]:
    """The variables of the message's templates."""
    payload = message.payload
    number, title = case or ("", "")
    score = payload.get("score")
    due = payload.get("rectify_due_at")
    limit = payload.get("due_at")  # an expert panel's: its last day
    return {
        "name": user.display_name if user is not None else "",
        "number": number,
        "case_title": title,
        "opinion": (locale == "en" and payload.get("opinion_en")) or payload.get("opinion") or "",
        "actor": payload.get("actor") or "",
        "deadlines": payload.get("deadlines") or [],
        "score_name": SCORE_NAMES[locale].get(score, "") if isinstance(score, int) else "",
        "due_label": timefmt.moment(datetime.fromisoformat(due))
        if due
        else timefmt.deadline(datetime.fromisoformat(limit))
        if limit
        else "",
        "outcome": payload.get("outcome"),
        "problems": (payload.get("problem_lines") or {}).get(locale, []),
        "materials": (payload.get("material_names") or {}).get(locale)
        or payload.get("materials")
        or [],
        "alert": payload.get("alert") or {"what": "", "due_label": ""},
        "licence_name": payload.get("licence_name") or "",
        "link": base.rstrip("/") + link(message, number, user),
        "rate_link": rate_link,
    }


def write(
    message: OutboxMessage,
    *,
    user: User | None,
    case: tuple[str, str] | None,
    locale: str,
    base: str = "",
    rate_link: str = "",
) -> texts.Text:
    """The message's title, body and SMS in ``locale``; links prefixed with ``base``;
    ``rate_link`` (``rate_link()``: the sending sweep's SMS and e-mail) where the texts
    offer rating without signing in."""
    language = locale if locale in texts.LOCALES else "zh_Hans"
    found = context(message, user=user, case=case, locale=language, base=base, rate_link=rate_link)
    return texts.render(message.topic, language, found)
