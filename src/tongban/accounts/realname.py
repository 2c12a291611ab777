"""Real-name verification (实名认证) of self-registered accounts.

An account may see a person's or an enterprise's shared data, licences and profile only
once its identity was verified: the resident ID number found in the population register
with the name given, and for an enterprise account the credit code found in the
enterprise register with the enterprise name given and the registering person as its legal
representative (法定代表人). A register that holds the number under other names refuses
the registration (``InvalidInput``, the field to fix); a register that holds no record or
does not answer leaves the account unverified (``User.identity_verified_at`` None), to be
verified when the register holds it (``verify_pending``).

The registers belong to the sharing domain, above this one: it registers its check here at
start-up (``CHECKS``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.accounts.enums import UserKind
from tongban.accounts.models import User
from tongban.errors import InvalidInput

Verdict = Literal["match", "unknown"]


@dataclass(frozen=True)
class Claim:
    """Who a registration says it is."""

    kind: UserKind
    display_name: str
    id_number: str
    credit_code: str | None = None
    enterprise_name: str | None = None


# check(session, claim): "match", "unknown", or raises InvalidInput for a mismatch
Check = Callable[[Session, Claim], Verdict]
CHECKS: list[Check] = []


def verify(session: Session, *, claim: Claim) -> bool:
    """Whether every register check found the claim (``InvalidInput`` where a register
    holds the number under another name); False with no check registered."""
    verdicts = [check(session, claim) for check in CHECKS]
    return bool(verdicts) and all(verdict == "match" for verdict in verdicts)


def claim_of(user: User) -> Claim:
    return Claim(
        kind=user.kind,
        display_name=user.display_name,
        id_number=user.id_number or "",
        credit_code=user.credit_code,
        enterprise_name=user.enterprise_name,
    )


def verify_pending(session: Session, *, now: datetime) -> int:
    """Verify the applicant accounts not verified yet whose registers now hold them (the
    demo's accounts are made before its population); a mismatch stays unverified. Returns
    how many were verified."""
    query = select(User).where(
        User.kind.in_([UserKind.person, UserKind.enterprise]),
        User.identity_verified_at.is_(None),
        User.id_number_key.is_not(None),
    )
    count = 0
    for user in session.scalars(query):
        try:
            found = verify(session, claim=claim_of(user))
        except InvalidInput:
            continue
        if found:
            user.identity_verified_at, count = now, count + 1
    return count
