"""Result publication (结果公示): the licences granted under the items the catalog marks
public, listed on a public page for the item's publication period.

行政许可法 第四十条: a decision granting a licence is made public and anyone may consult
it; the 双公示 rules publish licensing decisions with the holder. An item opts in with
``publicity: {days, basis}`` (days: calendar days from the day of issue). Shown: the
licence's name and number, the holder (an enterprise by its name and credit code, a
person by the first character of the name only, no ID number), the issuing authority,
the day of issue, the validity and the status *now* (the newest version of a licence
issued again under its number): a licence suspended, revoked or
cancelled after publication shows so at once (nothing is copied; the page reads the
licence record).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from tongban.catalog.enums import EntryKind, EntryStatus
from tongban.catalog.models import CatalogEntry, CatalogVersion
from tongban.licences.enums import HolderCodeType, LicenceStatus
from tongban.licences.models import Licence
from tongban.licences.verify import effective_status
from tongban.pii.service import mask_name

PAGE_SIZE = 50
QUERY_MAX = 60  # characters


@dataclass(frozen=True)
class Published:
    """One line of the publication page."""

    licence_name: str
    number: str
    holder: str  # masked for a person
    holder_code: str  # the credit code of an enterprise; "" for a person
    issuer: str
    issued_on: date
    valid_until: date | None  # None: 长期
    status: LicenceStatus
    item_code: str
    public_until: date  # the last day it is published


def periods(session: Session) -> dict[str, int]:
    """Item code → publication period in calendar days, for the published items that
    declare ``publicity``."""
    query = (
        select(CatalogEntry.code, CatalogVersion.definition)
        .join(CatalogVersion, CatalogVersion.id == CatalogEntry.current_version_id)
        .where(CatalogEntry.kind == EntryKind.item, CatalogEntry.status == EntryStatus.published)
    )
    found = {}
    for code, definition in session.execute(query):
        publicity = (definition.get("items") or [{}])[0].get("publicity")
        if publicity:
            found[code] = int(publicity["days"])
    return found


def published(
    session: Session, *, today: date, q: str = "", limit: int = PAGE_SIZE
) -> list[Published]:
    """The licences in their publication period on ``today`` (local date), newest first;
    ``q`` narrows to a licence number, an item code or an enterprise's name or credit
    code (a person's name is not searchable: it is not shown whole)."""
    days = periods(session)
    if not days:
        return []
    within = or_(
        *(
            and_(Licence.item_code == code, Licence.issued_on >= today - timedelta(days=period))
            for code, period in days.items()
        )
    )
    query = select(Licence).where(within).order_by(Licence.id.desc())
    needle = q.strip()[:QUERY_MAX]
    rows, seen = [], set()
    for licence in session.scalars(query):
        if licence.number in seen:  # an earlier version of a licence issued again (换发)
            continue
        seen.add(licence.number)
        line = line_of(licence, today=today, period=days[licence.item_code or ""])
        if needle and not matches(line, needle):
            continue
        rows.append(line)
        if len(rows) >= limit:
            break
    return rows


def line_of(licence: Licence, *, today: date, period: int) -> Published:
    """What the page shows of ``licence``: a person masked, its status on ``today``,
    published until ``period`` calendar days after its day of issue."""
    person = licence.holder_code_type == HolderCodeType.resident_id
    return Published(
        licence_name=licence.name,
        number=licence.number,
        holder=mask_name(licence.holder_name) if person else licence.holder_name,
        holder_code="" if person else licence.holder_code,
        issuer=licence.issuer_name,
        issued_on=licence.issued_on,
        valid_until=licence.valid_until,
        status=effective_status(licence, today),
        item_code=licence.item_code or "",
        public_until=licence.issued_on + timedelta(days=period),
    )


def matches(line: Published, needle: str) -> bool:
    """Whether ``needle`` is in what the page shows whole (not a person's name)."""
    searchable = [line.number, line.item_code, line.licence_name, line.issuer]
    if line.holder_code:  # an enterprise: its name and code are public
        searchable += [line.holder, line.holder_code]
    return any(needle.lower() in value.lower() for value in searchable)
