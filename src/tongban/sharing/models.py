"""Records of the own-database sources, the data-access log and the fill state of fields."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, validates

from tongban.db import Base, UTCDateTime
from tongban.pii.service import LookupKey, Sealed, SealedJSON, lookup_key


class SourceRecord(Base):
    """One record of a shared source held in this platform's database (connector kind
    ``database``): the source's fields as JSON, found by the source's key.

    ``name_key`` is the keyed hash of the record's ``name`` (an enterprise's registered
    name): the used-once check finds who holds a name with one indexed query, without
    opening the sealed records (``name_key_of`` for rows inserted in bulk)."""

    __tablename__ = "source_records"
    __table_args__ = (
        UniqueConstraint("source", "key"),
        Index("ix_source_records_name_key", "source", "name_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(LookupKey())  # keyed hash of the resident ID / credit code
    data: Mapped[dict[str, Any]] = mapped_column(SealedJSON("source_records.data"))
    name_key: Mapped[str | None] = mapped_column(LookupKey())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    @validates("data")
    def _keep_name_key(self, _field: str, data: dict[str, Any]) -> dict[str, Any]:
        self.name_key = name_key_of(data)
        return data


def name_key_of(data: dict[str, Any] | None) -> str | None:
    """The keyed hash a record's ``name`` is found by (None: the record has no name)."""
    name = (data or {}).get("name")
    return lookup_key(str(name)) if isinstance(name, str) and name.strip() else None


class DataAccess(Base):
    """One pull of someone's data: who, for which case, which fields, when and why.

    ``subject_key`` is the person's resident ID or the enterprise's credit code; the
    data subject reads their own rows on their profile page, nobody else's. A record
    looked up by another key (a property certificate number, a project code) is logged for
    the applicant it was pulled for, with that key (masked) in ``record_key``.
    """

    __tablename__ = "data_accesses"
    __table_args__ = (Index("ix_data_accesses_subject", "subject_key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    source: Mapped[str] = mapped_column(String(40))
    subject_key: Mapped[str] = mapped_column(LookupKey())
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(Sealed("data_accesses.actor_name"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    fields: Mapped[list[str]] = mapped_column(JSON)
    purpose: Mapped[str] = mapped_column(String(300))
    # the reason in English (None for rows logged before it was kept: shown in Chinese)
    purpose_en: Mapped[str | None] = mapped_column(String(300))
    # found, no_record, unavailable; mismatch: found, but under another name or owner
    outcome: Mapped[str] = mapped_column(String(20))
    # the key the record was looked up by (a property certificate number, a credit code),
    # masked as pages mask identifiers; None for rows logged before it was kept
    record_key: Mapped[str | None] = mapped_column(String(100))


class FieldFill(Base):
    """How a shared field of a case's item was filled at its last save: ``pulled`` from its
    source or ``typed`` by hand (``reason``: no_record, unavailable, invalid). Backfill
    rates (回填率) count these rows of submitted cases."""

    __tablename__ = "field_fills"
    __table_args__ = (UniqueConstraint("case_id", "item_code", "field"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    item_code: Mapped[str] = mapped_column(String(40))
    department: Mapped[str] = mapped_column(String(10))
    field: Mapped[str] = mapped_column(String(80))
    source: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(String(20))


class OnceClaim(Base):
    """A fact that may serve one application only (一次性使用), held by the case that
    used it: a reserved company name founds one company, a birth certificate registers one
    child. ``fact`` and ``key`` come from the item's ``once`` declaration and the form's
    values; ``used_at`` is set when the case's results were issued. A case that ended
    without its result (rejected, refused, withdrawn, terminated) leaves the fact to the
    next case. The unique key makes two cases at once claim it only once."""

    __tablename__ = "once_claims"
    __table_args__ = (UniqueConstraint("fact", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    fact: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(300))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
