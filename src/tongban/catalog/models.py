"""Departments and versioned catalog entries (items and bundles)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tongban.catalog.enums import EntryKind, EntryStatus
from tongban.db import Base, UTCDateTime


class Department(Base):
    __tablename__ = "departments"

    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str | None] = mapped_column(String(200))
    division_code: Mapped[str] = mapped_column(String(6))
    window: Mapped[str | None] = mapped_column(String(200))  # 办理地点
    window_en: Mapped[str | None] = mapped_column(String(300))
    # how its tasks go to a person (人员随机分配): ``random`` among the qualified present
    # staff, or ``least_loaded`` (fewest open tasks; ties drawn at random)
    assignment: Mapped[str] = mapped_column(String(20), default="random")


class CatalogEntry(Base):
    """The stable identity of an item or bundle; its content lives in versions."""

    __tablename__ = "catalog_entries"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[EntryKind] = mapped_column(Enum(EntryKind, native_enum=False, length=10))
    name: Mapped[str] = mapped_column(String(200))
    department_code: Mapped[str] = mapped_column(ForeignKey("departments.code"), index=True)
    status: Mapped[EntryStatus] = mapped_column(
        Enum(EntryStatus, native_enum=False, length=12), default=EntryStatus.published
    )
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("catalog_versions.id", use_alter=True)
    )
    current_version: Mapped[CatalogVersion | None] = relationship(
        foreign_keys=[current_version_id], lazy="joined"
    )


class CatalogVersion(Base):
    """One immutable version. A bundle version embeds the item versions it was built from."""

    __tablename__ = "catalog_versions"
    __table_args__ = (UniqueConstraint("code", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(ForeignKey("catalog_entries.code"), index=True)
    version: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DataSource(Base):
    """A shared data source of ``sources.yaml`` as last loaded: its owner, key and fields."""

    __tablename__ = "data_sources"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    department_code: Mapped[str] = mapped_column(ForeignKey("departments.code"), index=True)
    position: Mapped[int] = mapped_column(default=0)  # order in sources.yaml
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)


class ServiceHall(Base):
    """A service hall of ``halls.yaml`` as last loaded: its slots and windows."""

    __tablename__ = "service_halls"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    division: Mapped[str] = mapped_column(String(6))
    position: Mapped[int] = mapped_column(default=0)  # order in halls.yaml
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)


class ElsewhereVersion(Base):
    """One immutable version of ``elsewhere.yaml``, the matters this portal does not handle
    and who does (非本平台办理事项); the current one is the newest."""

    __tablename__ = "elsewhere_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
