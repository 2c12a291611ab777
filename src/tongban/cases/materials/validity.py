"""The validity of an identity document an applicant uploads (证件有效期). A material the
catalog marks ``document_validity`` (居民身份证, 机动车驾驶证) states at its upload the date
the document expires (有效期至), or 长期: a resident identity card issued at 46 or older
has no end (《中华人民共和国居民身份证法》第五条). An expired document serves no case, and a
file of a valid one is reused by later cases while the document is valid, however long ago
it was uploaded: its own validity decides, not the months a material may be reused for.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tongban.errors import InvalidInput

VALID_UNTIL = "valid_until"  # its key in Material.detail: an ISO date or LONG_TERM
LONG_TERM = "长期"
_LONG_TERM_WORDS = frozenset({LONG_TERM, "long-term", "long term"})


def stated(wanted: dict[str, Any], text: str | None, *, today: date) -> str | None:
    """What to record of an upload of material ``wanted`` whose expiry the applicant gave
    as ``text`` ("2031-05-01", "长期"): an ISO date or LONG_TERM; None when none was given.
    InvalidInput (field ``materials.<code>``) when it is no date, a date already past (the
    document has expired), or given for a material that is no dated document."""
    text = (text or "").strip()
    if not text:
        return None
    field = f"materials.{wanted['code']}"
    if not wanted.get("document_validity"):
        raise InvalidInput(
            f"“{wanted['name']}”不是有有效期的证件，无需填写证件有效期。",
            f"'{wanted.get('name_en') or wanted['name']}' is not a document with an expiry "
            "date; leave the date out.",
            field=field,
        )
    if text.lower() in _LONG_TERM_WORDS:
        return LONG_TERM
    try:
        until = date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            "证件有效期至请填写为 年-月-日（如 2031-05-01），长期有效的填写“长期”。",
            "Give the document's expiry date as year-month-day (e.g. 2031-05-01), or "
            "'long-term' for a document valid without end.",
            field=field,
        ) from None
    if until < today:
        raise InvalidInput(
            f"证件已于 {until} 过期，请上传有效期内的证件（过期的证件请先换领）。",
            f"The document expired on {until}; upload one that is still valid (renew an "
            "expired one first).",
            field=field,
        )
    return until.isoformat()


def expiry_why(detail: dict[str, Any] | None, *, today: date) -> tuple[str, str] | None:
    """Why an uploaded document cannot be reused on ``today`` (zh, en): its expiry was not
    given, or has passed; None while it is valid."""
    until = (detail or {}).get(VALID_UNTIL)
    if until is None:
        return (
            "上传时未填写证件有效期，无法确认证件仍在有效期内，请重新上传",
            "its expiry date was not given when it was uploaded, so it cannot be known to be "
            "still valid; upload it again",
        )
    if until != LONG_TERM and date.fromisoformat(until) < today:
        return (
            f"证件已于 {until} 过期，请上传有效期内的证件",
            f"the document expired on {until}; upload one that is still valid",
        )
    return None


def expiry_said(detail: dict[str, Any] | None) -> tuple[str, str]:
    """How long an uploaded document is valid (zh, en), as its upload stated it."""
    until = (detail or {}).get(VALID_UNTIL)
    if until == LONG_TERM:
        return ("证件长期有效", "the document is valid without end")
    return (f"证件有效期至 {until}", f"the document is valid until {until}")
