"""The halls' registered self-service terminals (自助终端): each one known to the server by
a token (``TONGBAN_KIOSK_TERMINALS`` holds its hall, name and the token's SHA-256, never
the token), set up once at ``/kiosk/{hall}?terminal=<token>``, which keeps the token in
the terminal's cookie. Tickets taken on a registered terminal are counted per terminal
and day (``kiosk_tickets_per_terminal_per_day``), audited ``queue.kiosk_ticket_taken``
with the terminal's name: a terminal serves everyone in the hall from one address, which
the per-address limit of anonymous tickets would stop by mid-morning.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from tongban.audit import service as audit
from tongban.audit.models import AuditEntry
from tongban.errors import InvalidInput
from tongban.queueing.booking import refuse_past_daily_limit, take_at_hall
from tongban.queueing.models import QueueTicket

KIOSK_TAKEN = "queue.kiosk_ticket_taken"


@dataclass(frozen=True)
class Terminal:
    hall_code: str
    name: str

    @property
    def label(self) -> str:
        return f"{self.hall_code}:{self.name}"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def parse_registry(registry: str) -> list[tuple[Terminal, str]]:
    """The terminals of the setting (``HALL:NAME:SHA256`` entries, comma-separated) with
    their token digests. Raises ``ValueError`` naming a malformed entry."""
    found = []
    for entry in (part.strip() for part in registry.split(",")):
        if not entry:
            continue
        hall, _, rest = entry.partition(":")
        name, _, digest = rest.rpartition(":")
        if not hall or not name or len(digest) != 64:
            raise ValueError(f"kiosk terminal entry {entry!r}: expected HALL:NAME:SHA256")
        found.append((Terminal(hall, name), digest.lower()))
    return found


def terminal_of(token: str | None, *, hall_code: str, registry: str) -> Terminal | None:
    """The registered terminal of ``hall_code`` whose token is ``token``; None otherwise."""
    if not token:
        return None
    digest = _digest(token)
    for terminal, known in parse_registry(registry):
        if terminal.hall_code == hall_code and hmac.compare_digest(known, digest):
            return terminal
    return None


def checked_terminal(token: str, *, hall_code: str, registry: str) -> Terminal:
    """The terminal a set-up address names; ``InvalidInput`` if the token is not one."""
    terminal = terminal_of(token, hall_code=hall_code, registry=registry)
    if terminal is None:
        raise InvalidInput(
            "这个终端口令没有在本大厅登记，请向管理员索取本终端的设置地址。",
            "This terminal token is not registered for this hall: ask the administrator "
            "for this terminal's set-up address.",
            field="terminal",
        )
    return terminal


def new_terminal(hall_code: str, name: str) -> tuple[str, str]:
    """A new terminal's token (for its set-up address) and its entry for the setting."""
    if ":" in name or "," in name or not name.strip() or len(f"{hall_code}:{name}") > 60:
        raise ValueError("a terminal name: 1 to 40 characters, without ':' or ','")
    token = secrets.token_urlsafe(24)
    return token, f"{hall_code}:{name.strip()}:{_digest(token)}"


def take_at_terminal(
    session: Session, *, terminal: Terminal, item_code: str, now: datetime, per_day: int
) -> QueueTicket:
    """A ticket taken on a registered terminal, counted against it: raises
    ``TooManyAttempts`` (429, until local midnight) once it gave ``per_day`` tickets today;
    otherwise as ``take_at_hall``, audited ``queue.kiosk_ticket_taken``."""
    refuse_past_daily_limit(
        session,
        now=now,
        taken_by=(AuditEntry.action == KIOSK_TAKEN) & (AuditEntry.object_id == terminal.label),
        per_day=per_day,
        refusal=(
            f"本终端今天已出号 {per_day} 张，已达上限，请到窗口取号。",
            f"This terminal has given {per_day} tickets today, the most allowed: take one "
            "at a window.",
        ),
    )
    ticket = take_at_hall(
        session, hall_code=terminal.hall_code, item_code=item_code, now=now, applicant=None
    )
    audit.record(
        session,
        at=now,
        action=KIOSK_TAKEN,
        actor=audit.Actor(id=None, name=terminal.name),
        object_type="kiosk_terminal",
        object_id=terminal.label,
        data={"ticket": ticket.id, "number": ticket.number},
    )
    return ticket
