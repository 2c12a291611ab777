"""The halls' registered self-service terminals (自助终端): each one known to the server by
a token whose SHA-256 is kept in ``kiosk_terminals`` (the token itself is shown once, when
the terminal is registered), set up once at ``/kiosk/{hall}?terminal=<token>``, which keeps
the token in the terminal's cookie. Tickets taken on a registered terminal are counted per
terminal and day (``kiosk_tickets_per_terminal_per_day``), audited
``queue.kiosk_ticket_taken`` under the terminal's id (a replacement registered under a
revoked terminal's name starts its own count) with its name: a terminal serves everyone in the
hall from one address, which the per-address limit of anonymous tickets would stop by
mid-morning. The operators register and revoke terminals on ``/ops/kiosk-terminals`` (or
``tongban halls kiosk-terminal``); a revoked terminal is no registered terminal from its
next request on, without a restart.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.audit import service as audit
from tongban.audit.models import AuditEntry
from tongban.errors import Conflict, InvalidInput, NotFound
from tongban.queueing.booking import refuse_past_daily_limit, take_at_hall
from tongban.queueing.halls import hall_of
from tongban.queueing.models import KioskTerminal, QueueTicket

KIOSK_TAKEN = "queue.kiosk_ticket_taken"
REGISTERED = "queue.kiosk_terminal_registered"
REVOKED = "queue.kiosk_terminal_revoked"
NAME_LENGTH = 40


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def terminal_of(session: Session, token: str | None, *, hall_code: str) -> KioskTerminal | None:
    """The registered, unrevoked terminal of ``hall_code`` whose token is ``token``; None
    otherwise. Looked up by the token's SHA-256 (a 192-bit random token: its digest
    reveals nothing to time)."""
    if not token:
        return None
    return session.scalar(
        select(KioskTerminal).where(
            KioskTerminal.token_digest == _digest(token),
            KioskTerminal.hall_code == hall_code,
            KioskTerminal.revoked_at.is_(None),
        )
    )


def checked_terminal(session: Session, token: str, *, hall_code: str) -> KioskTerminal:
    """The terminal a set-up address names; ``InvalidInput`` if the token is not one of the
    hall's registered terminals (or was revoked)."""
    terminal = terminal_of(session, token, hall_code=hall_code)
    if terminal is None:
        raise InvalidInput(
            "这个终端口令没有在本大厅登记（或已停用），请向管理员索取本终端的设置地址。",
            "This terminal token is not registered for this hall (or was revoked): ask the "
            "administrator for this terminal's set-up address.",
            field="terminal",
        )
    return terminal


def list_terminals(session: Session) -> list[KioskTerminal]:
    """Every terminal ever registered, by hall, the ones in use first, then by name."""
    return list(
        session.scalars(
            select(KioskTerminal).order_by(
                KioskTerminal.hall_code,
                KioskTerminal.revoked_at.is_not(None),
                KioskTerminal.name,
                KioskTerminal.id,
            )
        )
    )


def _checked_name(session: Session, hall_code: str, name: str) -> str:
    name = name.strip()
    if not name or len(name) > NAME_LENGTH or ":" in name or "," in name:
        raise InvalidInput(
            f"终端名称请填写 1 至 {NAME_LENGTH} 个字，不含“:”和“,”，例如“一楼东侧”。",
            f"A terminal's name: 1 to {NAME_LENGTH} characters, without ':' or ',' "
            "(e.g. 'ground floor, east').",
            field="name",
        )
    in_use = select(KioskTerminal.id).where(
        KioskTerminal.hall_code == hall_code,
        KioskTerminal.name == name,
        KioskTerminal.revoked_at.is_(None),
    )
    if session.scalar(in_use) is not None:
        raise InvalidInput(
            f"本大厅已有在用的终端“{name}”，请换一个名称，或先停用原终端。",
            f"This hall already has a terminal '{name}' in use: choose another name, or "
            "revoke that one first.",
            field="name",
        )
    return name


def register_terminal(
    session: Session, *, hall_code: str, name: str, now: datetime, actor: audit.Actor
) -> tuple[KioskTerminal, str]:
    """Register a terminal of hall ``hall_code`` named ``name``; returns it with its token,
    which is kept nowhere (only its SHA-256): show it once, in the set-up address. Raises
    ``NotFound`` (no such hall) or ``InvalidInput`` (a bad name, or one in use in the
    hall). Audited ``queue.kiosk_terminal_registered``."""
    hall_of(session, hall_code)
    token = secrets.token_urlsafe(24)
    terminal = KioskTerminal(
        hall_code=hall_code,
        name=_checked_name(session, hall_code, name),
        token_digest=_digest(token),
        registered_at=now,
    )
    session.add(terminal)
    session.flush()
    _audit(session, terminal, REGISTERED, now, actor)
    return terminal, token


def revoke_terminal(
    session: Session, *, terminal_id: int, now: datetime, actor: audit.Actor
) -> KioskTerminal:
    """Revoke a terminal: from its next request on it takes tickets as any browser without
    sign-in would (counted per address). Raises ``NotFound``, or ``Conflict`` if it was
    revoked already. Audited ``queue.kiosk_terminal_revoked``."""
    terminal = session.get(KioskTerminal, terminal_id, with_for_update=True)
    if terminal is None:
        raise NotFound("没有这个自助终端。", "No such kiosk terminal.")
    if terminal.revoked_at is not None:
        raise Conflict(
            f"终端“{terminal.name}”已于此前停用。",
            f"Terminal '{terminal.name}' was revoked already.",
        )
    terminal.revoked_at = now
    _audit(session, terminal, REVOKED, now, actor)
    return terminal


def _audit(
    session: Session, terminal: KioskTerminal, action: str, now: datetime, actor: audit.Actor
) -> None:
    audit.record(
        session,
        at=now,
        action=action,
        actor=actor,
        object_type="kiosk_terminal",
        object_id=terminal.id,
        data={"terminal": terminal.label},
    )


def take_at_terminal(
    session: Session, *, terminal: KioskTerminal, item_code: str, now: datetime, per_day: int
) -> QueueTicket:
    """A ticket taken on a registered terminal, counted against it: raises
    ``TooManyAttempts`` (429, until local midnight) once it gave ``per_day`` tickets today;
    otherwise as ``take_at_hall``, audited ``queue.kiosk_ticket_taken``."""
    refuse_past_daily_limit(
        session,
        now=now,
        taken_by=(AuditEntry.action == KIOSK_TAKEN) & (AuditEntry.object_id == str(terminal.id)),
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
        object_id=terminal.id,
        data={"terminal": terminal.label, "ticket": ticket.id, "number": ticket.number},
    )
    return ticket
