"""Rating by a signed link (短信、邮件评价链接): the text message and the e-mail that tell
the applicant their case is finished carry a link that opens the rating page of that
case without signing in (the national 好差评 rules of 国办发〔2019〕51号 count SMS among
the rating channels).

The link is ``/rate/<token>``; the token names the case, the channel it was sent through
(``sms`` or ``email``) and when it expires, signed with HMAC-SHA256 under the platform's
``secret_key``: a changed letter, another case's number or a later expiry is refused. It
is valid for ``VALID_DAYS`` calendar days from the message, rates the completion stage
only (once, and again after a rectified bad rating, as on the case page) and shows
nothing personal: the item's name and the case number, never the applicant.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from tongban import timefmt
from tongban.cases.models import Case
from tongban.errors import Conflict, NotAllowed
from tongban.ratings import service
from tongban.ratings.enums import RatingChannel
from tongban.ratings.models import Rating
from tongban.ratings.quick import Answer, rate_as_applicant

PURPOSE = "rating-link"
VALID_DAYS = 30  # calendar days from the message: the platform's choice, not the rules'
STAGE = "completion"  # the link comes with the message that the case is finished
SENT_THROUGH = (RatingChannel.sms, RatingChannel.email)


@dataclass(frozen=True)
class LinkClaim:
    """What a valid token says: the case, the channel it was sent through, its expiry."""

    case_id: int
    channel: RatingChannel
    expires_at: datetime


def _mac(secret_key: str, body: str) -> str:
    digest = hmac.new(secret_key.encode(), f"{PURPOSE}:{body}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()[:18]).decode()


def sign(*, case_id: int, channel: RatingChannel, sent_at: datetime, secret_key: str) -> str:
    """The token of the rating link of case ``case_id`` sent through ``channel`` (sms or
    email) at ``sent_at``; it expires ``VALID_DAYS`` calendar days later."""
    expires = int((sent_at + timedelta(days=VALID_DAYS)).timestamp())
    body = f"{case_id}.{channel.value}.{expires}"
    return f"{body}.{_mac(secret_key, body)}"


def _refused() -> NotAllowed:
    return NotAllowed(
        "评价链接无效：链接不完整或被改动过。请打开短信或邮件中的完整链接，"
        "或登录后在办件页面评价。",
        "This rating link is not valid: it is incomplete or was altered. Open the whole "
        "link from the text message or e-mail, or sign in and rate on the case's page.",
    )


def open_link(token: str, *, now: datetime, secret_key: str) -> LinkClaim:
    """The claim of a genuine, unexpired token. Raises NotAllowed for a token whose
    signature does not hold (altered, cut short, made up) and Conflict
    (``link_expired``) for one past its expiry, each saying what to do instead."""
    parts = token.split(".")
    if len(parts) != 4 or not parts[0].isdigit() or not parts[2].isdigit():
        raise _refused()
    body = ".".join(parts[:3])
    if not hmac.compare_digest(parts[3].encode(), _mac(secret_key, body).encode()):
        raise _refused()
    if parts[1] not in {c.value for c in SENT_THROUGH}:
        raise _refused()
    expires = datetime.fromtimestamp(int(parts[2]), tz=UTC)
    if now >= expires:
        when = timefmt.moment(expires)
        raise Conflict(
            f"评价链接已于 {when} 过期（有效期 {VALID_DAYS} 天）。请登录后在办件页面评价。",
            f"This rating link expired at {when} (links last {VALID_DAYS} days). "
            "Sign in and rate on the case's page.",
            code="link_expired",
        )
    return LinkClaim(int(parts[0]), RatingChannel(parts[1]), expires)


def case_of_link(session: Session, *, token: str, now: datetime, secret_key: str) -> Case:
    """The case a valid link rates (``open_link``'s errors otherwise)."""
    claim = open_link(token, now=now, secret_key=secret_key)
    return session.get_one(Case, claim.case_id)


def may_rate(session: Session, *, case: Case) -> bool:
    """Whether the link's stage (completion) is open to a rating now."""
    return STAGE in service.open_stages(session, case=case)


def rate_by_link(
    session: Session,
    *,
    token: str,
    answer: Answer,
    now: datetime,
    secret_key: str,
) -> Rating:
    """The applicant rates the completion of the link's case through the channel the link
    was sent by (a bad one is rectified like any other). Raises what ``open_link`` and
    ``service.record_rating`` raise."""
    claim = open_link(token, now=now, secret_key=secret_key)
    return rate_as_applicant(
        session,
        case_id=claim.case_id,
        answer=answer,
        channel=claim.channel,
        stage=STAGE,
        now=now,
    )
