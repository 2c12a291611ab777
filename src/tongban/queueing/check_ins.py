"""Check-in by code without sign-in (the API and the kiosk page), limited against guessing.

A check-in code is six digits, unique per hall and day: walked without limit, it would
check in (and so queue, or spoil) other people's bookings. Every code that matches no
ticket of the hall today is audited as ``queue.check_in_failed`` under the hall, with the
caller's network address (the refusal is returned, not raised, so the request's unit of
work keeps the entry); a caller with ``check_in_misses_per_source_per_minute`` of them within the last
minute is refused (429, Retry-After) until the oldest is a minute old, as the public
licence verification is (OWASP ASVS 4.0 §2.2.1, anti-automation). A hall's registered
terminal (``terminals``) serves everyone in the hall from one address, so its misses are
counted per terminal, and a phone on the hall's network does not use up the kiosk's.
An address unknown to the server (None) cannot be told apart and is not counted.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from tongban.audit import service as audit
from tongban.errors import DomainError, NotFound, TooManyAttempts
from tongban.queueing.calling import check_in
from tongban.queueing.halls import hall_of
from tongban.queueing.models import KioskTerminal, QueueTicket

CHECK_IN_FAILED = "queue.check_in_failed"
WINDOW = timedelta(minutes=1)


def guarded_check_in(
    session: Session,
    *,
    hall_code: str,
    code: str,
    now: datetime,
    source: str | None,
    terminal: KioskTerminal | None,
    per_minute: int,
) -> QueueTicket | DomainError:
    """``check_in`` for a caller without sign-in, or the refusal to answer with (returned,
    not raised, so that the caller commits the miss's audit entry): ``TooManyAttempts``
    (429, ``retry_after`` seconds) while the caller (``terminal``, else ``source``) is at
    ``per_minute`` codes finding nothing within the last minute; ``NotFound`` for such a
    code; ``InvalidInput`` outside the booking's check-in time. NotFound for no such hall
    is raised."""
    hall_of(session, hall_code)  # no such hall: no guess at a code
    counted = f"terminal-{terminal.id}" if terminal is not None else hall_code
    if terminal is not None or source is not None:
        recent = audit.times(
            session,
            action=CHECK_IN_FAILED,
            since=now - WINDOW,
            object_id=counted,
            source_address=None if terminal is not None else source,
        )
        if len(recent) >= per_minute:
            return TooManyAttempts(
                "签到码输错次数过多，请 1 分钟后再试，或到咨询台凭预约信息签到。",
                "Too many check-in codes that match no booking; try again in a minute, "
                "or check in at the information desk with your booking.",
                retry_after=math.ceil((recent[0] + WINDOW - now).total_seconds()),
            )
    try:
        return check_in(session, hall_code=hall_code, code=code, now=now)
    except NotFound as missed:
        audit.record(
            session,
            at=now,
            action=CHECK_IN_FAILED,
            actor=audit.Actor(id=None, name=terminal.name if terminal else "-"),
            object_type="kiosk_terminal" if terminal is not None else "hall",
            object_id=counted,
            source_address=source,
        )
        return missed
    except DomainError as refused:
        return refused
