"""The e-licence library: one row per issued licence with the GB/T 36903 metadata and
the signature over it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Enum, ForeignKey, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from tongban.db import Base, UTCDateTime
from tongban.documents.signing import Algorithm
from tongban.licences.enums import HolderCodeType, LicenceStatus
from tongban.pii.service import LookupKey, Sealed, SealedJSON, lookup_key


def _enum(kind: type) -> Enum:
    return Enum(kind, native_enum=False, length=20)


RECORD_WITH_FACE = 1  # the face's hash inside the signed record (licences issued before 0018)
RECORD_FACE_APART = 2  # the record signed at issue; the face signed apart once printed


class Licence(Base):
    """An e-licence (电子证照). The signed fields never change; only the status does,
    each change audited (``licence.suspended`` …).

    The record (metadata and the rows the face prints) is signed when the licence is
    issued, and that makes it valid and verifiable. Its PDF face is printed by the
    worker's job ``licence.print`` right after: until then ``storage_key`` and
    ``pdf_sha256`` are empty (生成中, ``pdf_ready`` False); the job fills them with
    ``face_signature``, the signature over the face's hash bound to the record's."""

    __tablename__ = "licences"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    result_document_id: Mapped[int | None] = mapped_column(ForeignKey("result_documents.id"))
    item_code: Mapped[str | None] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(100))  # 证照名称
    type_code: Mapped[str] = mapped_column(String(21))  # 证照类型代码
    number: Mapped[str] = mapped_column(String(40), index=True)  # 证照编号
    identifier: Mapped[str] = mapped_column(String(120), unique=True)  # 证照标识, GB/T 36904
    holder_name: Mapped[str] = mapped_column(Sealed("licences.holder_name"))  # 持证主体
    holder_code: Mapped[str] = mapped_column(Sealed("licences.holder_code"))  # 持证主体代码
    holder_key: Mapped[str | None] = mapped_column(LookupKey(), index=True)  # its keyed hash
    holder_code_type: Mapped[HolderCodeType] = mapped_column(_enum(HolderCodeType))
    issuer_name: Mapped[str] = mapped_column(String(120))  # 证照颁发机构
    issuer_code: Mapped[str] = mapped_column(String(18))  # 证照颁发机构代码
    issuer_department: Mapped[str] = mapped_column(ForeignKey("departments.code"))
    issued_on: Mapped[date] = mapped_column(Date)  # 证照颁发日期
    valid_from: Mapped[date] = mapped_column(Date)  # 有效期起始
    valid_until: Mapped[date | None] = mapped_column(Date)  # 有效期截止; None: 长期
    division_code: Mapped[str] = mapped_column(String(6))  # 证照所属区划, GB/T 2260
    # what the face prints (a resident ID among it): sealed
    fields: Mapped[dict[str, Any]] = mapped_column(SealedJSON("licences.fields"), default=dict)
    status: Mapped[LicenceStatus] = mapped_column(_enum(LicenceStatus), default="valid")
    status_reason: Mapped[str | None] = mapped_column(Text)
    # its English where the platform wrote the reason (None: typed by staff, shown as typed)
    status_reason_en: Mapped[str | None] = mapped_column(Text)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    storage_key: Mapped[str] = mapped_column(String(200))  # the signed PDF; "" until printed
    pdf_sha256: Mapped[str] = mapped_column(String(64))  # of the printed face, before the seal data
    record_format: Mapped[int] = mapped_column(
        Integer, default=RECORD_FACE_APART, server_default=str(RECORD_WITH_FACE)
    )
    face_signature: Mapped[str | None] = mapped_column(Text)  # hex, over the face statement
    printed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # 附条件证照 (容缺): {"zh", "en", "until"} signed with the record; met when the
    # missing materials arrived (else the licence is revoked at ``until``)
    condition: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    condition_met_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    algorithm: Mapped[Algorithm] = mapped_column(_enum(Algorithm))
    key_id: Mapped[str] = mapped_column(String(40))
    signature: Mapped[str] = mapped_column(Text)  # hex
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    @property
    def pdf_ready(self) -> bool:
        """Whether the signed PDF exists (False: 生成中, the worker prints it shortly)."""
        return bool(self.storage_key)


@event.listens_for(Licence.holder_code, "set")
def _index_holder(target: Licence, value: str | None, old: object, initiator: object) -> None:
    target.holder_key = None if value is None else lookup_key(value)
