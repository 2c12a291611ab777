"""我受理转出的办件: the cases a window clerk took in for walk-in applicants and submitted
(窗口代办, channel ``window``; of another region's hall, forwarded: 跨域通办), newest first,
a keyset page at a time (``keyset``: by submission time and id), read through the index
``ix_cases_created_by_id_submitted_at``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session, selectinload

from tongban.accounts.models import User
from tongban.cases.core import keyset
from tongban.cases.core.keyset import Cursor
from tongban.cases.enums import CaseState, Channel
from tongban.cases.models import Case

TAKEN_IN_PAGE = 50  # cases a page of the clerk's list shows


@dataclass(frozen=True)
class TakenInPage:
    cases: Sequence[Case]  # newest first, each with its ``tasks`` (where it is now)
    next: Cursor | None  # older cases follow from here; None on the last page
    previous: Cursor | None  # newer cases precede this; None on the first page


def _cursor(case: Case) -> Cursor:
    return Cursor(case.submitted_at, case.id)


def _beyond(cursor: Cursor, newer: bool) -> ColumnElement[bool]:
    """Cases submitted after ``cursor`` in list order (older), or before it (``newer``)."""
    if cursor.at is None:  # a submitted case always has its time: the link was edited
        raise keyset.invalid()
    if newer:
        same = and_(Case.submitted_at == cursor.at, Case.id > cursor.row_id)
        return or_(Case.submitted_at > cursor.at, same)
    same = and_(Case.submitted_at == cursor.at, Case.id < cursor.row_id)
    return or_(Case.submitted_at < cursor.at, same)


def list_taken_in(
    session: Session,
    *,
    user: User,
    after: Cursor | None = None,
    before: Cursor | None = None,
    size: int = TAKEN_IN_PAGE,
) -> TakenInPage:
    """One page of the cases ``user`` took in at a window and submitted, newest first:
    the first page, the one after ``after`` (older cases) or the one before ``before``
    (newer ones), at most ``size`` cases. Raises ``InvalidInput`` for a cursor that names
    no submission time."""
    newer = before is not None and after is None
    cursor = before if newer else after
    query = select(Case).where(
        Case.created_by_id == user.id,
        Case.channel == Channel.window,
        Case.submitted_at.is_not(None),
    )
    if cursor is not None:
        query = query.where(_beyond(cursor, newer))
    order = (
        (Case.submitted_at.asc(), Case.id.asc())
        if newer
        else (Case.submitted_at.desc(), Case.id.desc())
    )
    query = query.order_by(*order).limit(size + 1).options(selectinload(Case.tasks))
    found = list(session.scalars(query))
    more, cases = len(found) > size, found[:size]
    if newer:
        cases.reverse()
        return TakenInPage(
            cases, _cursor(cases[-1]) if cases else None, _cursor(cases[0]) if more else None
        )
    # A page reached by a cursor has newer cases before it.
    return TakenInPage(
        cases, _cursor(cases[-1]) if more else None, _cursor(cases[0]) if cases and after else None
    )


UNFINISHED_SHOWN = 20  # a clerk's unfinished window drafts listed on the intake page


def unfinished_drafts(
    session: Session, *, user: User, applicant: User | None = None, code: str | None = None
) -> list[Case]:
    """Drafts ``user`` started at a window for walk-in applicants and has not submitted,
    newest first (at most ``UNFINISHED_SHOWN``); of one applicant and item when given
    (an interrupted intake is taken up again, not begun a second time)."""
    query = select(Case).where(
        Case.created_by_id == user.id,
        Case.channel == Channel.window,
        Case.submitted_at.is_(None),
        Case.state == CaseState.draft,
    )
    if applicant is not None:
        query = query.where(Case.applicant_id == applicant.id)
    if code is not None:
        query = query.where(Case.catalog_code == code)
    return list(session.scalars(query.order_by(Case.id.desc()).limit(UNFINISHED_SHOWN)))
