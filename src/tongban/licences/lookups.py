"""Public verification by identifier or number (核验), rate-limited as 办件查询 is.

Anyone may verify a licence without signing in (its QR code opens the page), so the
lookup must not be a way to walk the library's numbers: every lookup that finds nothing
(``unknown``, or ``malformed``: not a licence number at all) is audited as
``licence.lookup_failed`` with the caller's network address, and an address that made
``licence_lookups_per_source_per_minute`` of them within the last minute is refused
(429) until the oldest is a minute old (OWASP ASVS 4.0 §2.2.1, §11.1.4, anti-automation).
Lookups that find a licence are not counted: a counter that scans the QR codes of many
real licences is what the page is for. The lookup is a GET (the QR code's link), whose
unit of work only reads: a failure is written in a unit of work of its own.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from tongban.audit import service as audit
from tongban.db import unit_of_work
from tongban.documents.signing import Keyring
from tongban.errors import TooManyAttempts
from tongban.licences.enums import Verdict
from tongban.licences.verify import Verification, verify_lookup
from tongban.pii.service import lookup_key

LOOKUP_FAILED = "licence.lookup_failed"
WINDOW = timedelta(minutes=1)
NOT_FOUND = (Verdict.unknown, Verdict.malformed)


def public_lookup(
    session: Session,
    *,
    sessions: sessionmaker[Session],
    keyring: Keyring,
    text: str,
    today: date,
    now: datetime,
    source: str | None,
    per_minute: int,
) -> Verification:
    """``verify_lookup`` for the public; raises ``TooManyAttempts`` (429, ``retry_after``
    seconds) while ``source`` is over ``per_minute`` failed lookups a minute. A failed
    lookup is returned, and audited at once through ``sessions`` (committed even when the
    request's own unit of work only reads)."""
    if source is not None:
        recent = audit.times(
            session, action=LOOKUP_FAILED, since=now - WINDOW, source_address=source
        )
        if len(recent) >= per_minute:
            raise TooManyAttempts(
                "核验查询过于频繁（查无此证的次数过多），请 1 分钟后再试。",
                "Too many lookups of licences that do not exist from this network; "
                "try again in a minute.",
                retry_after=math.ceil((recent[0] + WINDOW - now).total_seconds()),
            )
    found = verify_lookup(session, keyring=keyring, text=text, today=today)
    if found.verdict in NOT_FOUND:
        with unit_of_work(sessions) as writing:
            audit.record(
                writing,
                at=now,
                action=LOOKUP_FAILED,
                actor=audit.Actor(id=None, name="-"),
                object_type="licence",
                object_id=lookup_key(text.strip()),  # someone may type an ID number: a hash
                source_address=source,
            )
    return found
