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
licence record). English pages show the English of the licence's name and issuer where
the catalog gives one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from tongban.catalog.enums import EntryKind, EntryStatus
from tongban.catalog.models import CatalogEntry, CatalogVersion, Department
from tongban.licences import names
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
    licence_name_en: str | None = None  # the catalog's English of the result, if any
    issuer_en: str | None = None  # the issuing department's English name, if any


_PERIODS: dict[str, int | None] = {}  # content hash of an item version → its period


def periods(session: Session) -> dict[str, int]:
    """Item code → publication period in calendar days, for the published items that
    declare ``publicity``. A version's definition is read once per process: its content
    hash names it (versions never change)."""
    current = (
        select(CatalogEntry.code, CatalogVersion.content_hash)
        .join(CatalogVersion, CatalogVersion.id == CatalogEntry.current_version_id)
        .where(CatalogEntry.kind == EntryKind.item, CatalogEntry.status == EntryStatus.published)
    )
    hashes: dict[str, str] = {code: digest for code, digest in session.execute(current)}
    unknown = set(hashes.values()) - _PERIODS.keys()
    if unknown:
        query = select(CatalogVersion.content_hash, CatalogVersion.definition).where(
            CatalogVersion.content_hash.in_(unknown)
        )
        for content_hash, definition in session.execute(query):
            publicity = (definition.get("items") or [{}])[0].get("publicity")
            _PERIODS[content_hash] = int(publicity["days"]) if publicity else None
    return {
        code: days
        for code, content_hash in hashes.items()
        if (days := _PERIODS.get(content_hash)) is not None
    }


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
        line = line_of(session, licence, today=today, period=days[licence.item_code or ""])
        if needle and not matches(line, needle):
            continue
        rows.append(line)
        if len(rows) >= limit:
            break
    return rows


def line_of(session: Session, licence: Licence, *, today: date, period: int) -> Published:
    """What the page shows of ``licence``: a person masked, its status on ``today``,
    published until ``period`` calendar days after its day of issue."""
    person = licence.holder_code_type == HolderCodeType.resident_id
    department = session.get(Department, licence.issuer_department)
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
        licence_name_en=names.name_en(licence),
        issuer_en=department.name_en if department is not None else None,
    )


def matches(line: Published, needle: str) -> bool:
    """Whether ``needle`` is in what the page shows whole (not a person's name)."""
    searchable = [line.number, line.item_code, line.licence_name, line.issuer]
    searchable += [name for name in (line.licence_name_en, line.issuer_en) if name]
    if line.holder_code:  # an enterprise: its name and code are public
        searchable += [line.holder, line.holder_code]
    return any(needle.lower() in value.lower() for value in searchable)
