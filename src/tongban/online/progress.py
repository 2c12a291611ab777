"""Progress without sign-in (办件查询): a case number and a second factor the applicant
holds show where the case stands, and nothing personal.

The second factor is the last six characters of the applicant's certificate number:
the resident ID number (GB 11643) of a person, the unified social credit code
(GB 32100) of an enterprise; both are printed on the receipt's instructions, not on
the receipt. The answer holds the item, the state, the stages with their departments and
times, and the time left: no name, no form answers, no opinions, no materials.

A wrong answer (unknown number or wrong factor alike, so numbers cannot be probed) is
audited as ``case.progress_lookup_failed`` with the network address. Limits are per caller
(address), never per case for everyone, so nobody who knows a case number can lock its
applicant out: after ``sign_in_lock_after`` failures on one number from one address within
``sign_in_lock_minutes`` that address is locked out of that number; once a number has drawn
``NUMBER_SPREAD`` times as many failures from all addresses (guessing spread over many
addresses) it slows down: each address gets one failed guess on it per lock period, while
an address that has not failed on it is still answered, so the applicant's right factor
works; and one address gets ``progress_lookups_per_source_per_minute`` failed lookups a
minute (OWASP ASVS 4.0 §2.2.1, anti-automation; §2.2.1 also asks that lockout not let an
attacker deny the rightful user).

Why the slow-down per number: the factor space is small. The last six characters of an
ID number are the day of birth, a three-digit sequence and the check character, about
31,000 values; with ``sign_in_lock_after`` guesses per address a thousand addresses would
walk them in about an hour and a half; on a number under attack each address gets one
guess per lock period, so walking it takes one fresh address per guess.
An address unknown to the server (None) cannot be told apart: its failures are the
number's, as before.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.audit import service as audit
from tongban.cases.core import clocks, deadlines, queries
from tongban.cases.enums import CaseState, ClockKind
from tongban.cases.models import Case
from tongban.config import Settings
from tongban.errors import DomainError, InvalidInput, NotFound, TooManyAttempts
from tongban.textutil import counted

LOOKUP_FAILED = "case.progress_lookup_failed"
FACTOR_LENGTH = 6
NUMBER_LENGTH = 40  # case numbers are String(40)
SOURCE_WINDOW = timedelta(minutes=1)
NUMBER_SPREAD = 10  # failures from all addresses that slow a number down, per one address's lock
HIDDEN_STATES = (CaseState.draft,)  # a draft is nobody's business but its author's


@dataclass(frozen=True)
class Progress:
    """What a lookup shows: ``timeline`` without actors or opinions (the template shows
    only stage names, departments and times), ``limits`` as on the case page."""

    case: Case
    timeline: queries.Timeline
    limits: list[deadlines.Limit]

    @property
    def counted_limit(self) -> ClockKind | None:
        """The limit ``timeline.time_left`` counts down to, as on the case page: the
        promised one while it runs, else the running stage's own (before acceptance: the
        acceptance stage's); None once none runs."""
        if self.timeline.time_left is None:
            return None
        promised = clocks.running(self.case, ClockKind.promised)
        return ClockKind.promised if promised else ClockKind.stage


def holder_tails(applicant: User) -> set[str]:
    """The tails that pass as the second factor: of the applicant's ID number and, for an
    enterprise account, of its unified social credit code."""
    return {code[-FACTOR_LENGTH:] for code in (applicant.id_number, applicant.credit_code) if code}


def refuse_when_locked(
    session: Session, *, number: str, source: str | None, now: datetime, settings: Settings
) -> None:
    """Raise ``TooManyAttempts`` (429) while ``source`` is locked out of ``number`` (after
    its own failures on it; one failure while the number is under attack) or has failed
    too often this minute; a known address that has not failed is never refused."""
    window = timedelta(minutes=settings.sign_in_lock_minutes)
    on_number = audit.times(
        session, action=LOOKUP_FAILED, since=now - window, object_id=number[:NUMBER_LENGTH]
    )
    # an unknown address (None) is not narrowed: its failures are the number's
    mine = audit.times(
        session,
        action=LOOKUP_FAILED,
        since=now - window,
        object_id=number[:NUMBER_LENGTH],
        source_address=source,
    )
    under_attack = len(on_number) >= settings.sign_in_lock_after * NUMBER_SPREAD
    if len(mine) >= (1 if under_attack else settings.sign_in_lock_after):
        wait = mine[-1] + window - now
        minutes = max(1, math.ceil(wait.total_seconds() / 60))
        raise TooManyAttempts(
            f"您对该办件编号的查询错误次数过多，请 {minutes} 分钟后再试，或登录后查看。",
            "Too many wrong lookups of this case number from your network; try again in "
            f"{counted(minutes, 'minute')}, or sign in to see it.",
            retry_after=math.ceil(wait.total_seconds()),
        )
    if source is None:
        return
    from_source = audit.times(
        session, action=LOOKUP_FAILED, since=now - SOURCE_WINDOW, source_address=source
    )
    if len(from_source) >= settings.progress_lookups_per_source_per_minute:
        wait = from_source[0] + SOURCE_WINDOW - now
        raise TooManyAttempts(
            "查询过于频繁，请 1 分钟后再试。",
            "Too many lookups from this network; try again in a minute.",
            retry_after=math.ceil(wait.total_seconds()),
        )


def check_input(number: str, factor: str) -> tuple[str, str]:
    """The number and factor as compared (trimmed, the factor upper-cased: an ID number's
    check character X may be typed x); raises ``InvalidInput`` naming what to fix."""
    number, factor = number.strip(), factor.strip().upper()
    if not number or len(number) > NUMBER_LENGTH:
        raise InvalidInput(
            "请填写办件编号（见申请回执）。",
            "Enter the case number (on the receipt).",
            field="number",
        )
    if len(factor) != FACTOR_LENGTH or not factor.isalnum() or not factor.isascii():
        raise InvalidInput(
            "请填写申请人证件号码（身份证号或统一社会信用代码）的后 6 位。",
            "Enter the last 6 characters of the applicant's ID number or unified social "
            "credit code.",
            field="factor",
        )
    return number, factor


def look_up(
    session: Session, *, number: str, factor: str, source: str | None, now: datetime
) -> Progress | DomainError:
    """The progress of case ``number`` when ``factor`` is its applicant's certificate
    tail; otherwise the failure is audited (the caller commits it) and returned as the
    ``NotFound`` to raise after the commit: the same answer for an unknown number.
    """
    case = session.scalar(select(Case).where(Case.number == number))
    applicant = session.get(User, case.applicant_id) if case is not None else None
    tails = holder_tails(applicant) if applicant is not None else set()
    if case is None or case.state in HIDDEN_STATES or factor not in tails:
        audit.record(
            session,
            at=now,
            action=LOOKUP_FAILED,
            actor=audit.Actor(id=None, name="-"),
            object_type="case",
            object_id=number,
            source_address=source,
        )
        return NotFound(
            "办件编号或证件号码后 6 位不正确，请核对申请回执后重试。",
            "The case number or the last 6 characters of the certificate number are wrong; "
            "check the receipt and try again.",
            code="progress_not_found",
        )
    return Progress(
        case=case,
        timeline=queries.timeline(session, case=case, now=now),
        limits=deadlines.case_limits(session, case=case, now=now),
    )
