"""Verification (核验): is this licence genuine, unchanged and in force?

A PDF proves itself: its envelope's record signature must verify under the named key,
the face signature must bind the face's hash to that record, and the face must hash to
the signed value (one byte changed anywhere: ``tampered``). Licences issued before the
face was signed apart carry the face's hash in the record itself; both verify. With the
library at hand the answer also gives the status kept there (revoked, suspended,
cancelled) and compares the file with the record issued; a validity that has ended
answers ``expired``. A look-up by identifier or number re-verifies the stored signature
over the stored record, so a row altered outside the platform answers ``tampered`` too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.documents import pades
from tongban.documents.signing import Algorithm, Key, Keyring, Signature
from tongban.identifiers import IdentifierError, validate_credit_code, validate_licence_identifier
from tongban.identifiers.licence import OID_ARC
from tongban.licences import envelope
from tongban.licences.enums import HolderCodeType, LicenceStatus, Verdict
from tongban.licences.models import RECORD_FACE_APART, Licence
from tongban.licences.record import face_statement, pdf_signed, record_of
from tongban.pii.masking import mask_id, mask_name


@dataclass
class Verification:
    """The answer: a verdict, why (both languages), and what the licence says."""

    verdict: Verdict
    reason_zh: str
    reason_en: str
    record: dict[str, Any] | None = None
    licence: Licence | None = None
    status_checked: bool = False  # False offline: only the file and the keys were seen
    notes: list[str] = field(default_factory=list)
    face: dict[str, Any] | None = None  # the signed face statement (hash, length), if any

    def for_public(self) -> Verification:
        """The answer as anyone may read it (the verification page and API need no
        sign-in): a person's name and ID number masked (张*, 3501**********0310) and the
        licence's own fields left out; an enterprise's name and credit code are public
        (企业信用信息公示) and shown whole."""
        if self.record is None or self.record.get("holder_code_type") != HolderCodeType.resident_id:
            return self
        record = {key: value for key, value in self.record.items() if key != "fields"}
        record["holder_name"] = mask_name(str(record.get("holder_name") or ""))
        record["holder_code"] = mask_id(str(record.get("holder_code") or ""))
        return replace(self, record=record)


CREDIT_SHAPE = re.compile(r"[0-9A-HJ-NP-RTUW-Y]{2}[0-9]{6}[0-9A-HJ-NP-RTUW-Y]{10}")


def effective_status(licence: Licence, today: date) -> LicenceStatus:
    """The stored status, or ``expired`` once a valid licence's validity has ended."""
    if (
        licence.status == LicenceStatus.valid
        and licence.valid_until
        and licence.valid_until < today
    ):
        return LicenceStatus.expired
    return licence.status


def _tampered(zh: str, en: str, record: dict[str, Any] | None = None) -> Verification:
    return Verification(Verdict.tampered, zh, en, record=record)


def _signature_ok(keyring: Keyring, record: dict[str, Any], value: str) -> bool:
    try:
        signature = Signature(Algorithm(record["algorithm"]), str(record["key_id"]), value)
    except (KeyError, ValueError):
        return False
    return keyring.verify(signature, envelope.canonical(record))


def _face_ok(
    keyring: Keyring, record: dict[str, Any], signature: str, face: Any, value: Any
) -> bool:
    """The face statement names this record (identifier, signature, key) and its
    signature verifies under the record's key."""
    if not isinstance(face, dict) or not isinstance(value, str):
        return False
    bound = (
        face.get("identifier") == record.get("identifier")
        and face.get("record_signature") == signature
        and face.get("key_id") == record.get("key_id")
        and face.get("algorithm") == record.get("algorithm")
    )
    return bound and _signature_ok(keyring, face, value)


def _face_hash(
    keyring: Keyring, found: dict[str, Any], record: dict[str, Any]
) -> tuple[Any, Any] | None:
    """(length, SHA-256) the face must have, as signed; None when the face signature fails."""
    if "face" not in found:  # issued with the face's hash inside the record
        return record.get("pdf_length"), record.get("pdf_sha256")
    signature = str(found.get("signature", ""))
    if not _face_ok(keyring, record, signature, found["face"], found.get("face_signature")):
        return None
    return found["face"].get("pdf_length"), found["face"].get("pdf_sha256")


def verify_file(
    session: Session | None, *, keyring: Keyring, pdf_keyring: Keyring, data: bytes, today: date
) -> Verification:
    """Verify a licence PDF; without ``session`` (offline) the status is not looked up.
    ``keyring`` holds the records' keys, ``pdf_keyring`` the keys of the PDF signatures
    (every key id of each: files signed before a rotation still verify)."""
    found = envelope.extract(data)
    if not found or not isinstance(found.get("record"), dict):
        return _tampered(
            "文件中没有电子证照签名数据：不是本平台签发的电子证照，或文件已被改动。",
            "The file carries no signed e-licence data: not issued here, or altered.",
        )
    record: dict[str, Any] = found["record"]
    if not _signature_ok(keyring, record, str(found.get("signature", ""))):
        return _tampered(
            "签名验证失败：证照数据被改动，或签名密钥不属于本平台。",
            "The signature does not verify: the data was altered or the key is not ours.",
            record,
        )
    signed = _face_hash(keyring, found, record)
    if signed is None:
        return _tampered(
            "证照版面的签名验证失败：文件已被改动。",
            "The signature over the licence's face does not verify: the file was altered.",
            record,
        )
    length, sha256 = signed
    # Ed25519 faces printed before the PDF key was apart were signed with the record's key
    pdf_keys = [*pdf_keyring.keys(), *keyring.keys()]
    signed_as = (length, sha256, found.get("face"))
    answer = _checked_file(session, data, record, signed_as, today, pdf_keys)
    if isinstance(found.get("face"), dict):
        answer.face = found["face"]
    return answer


# what each problem of a file's PDF signature makes of it (pades.check_last_signature)
SIGNATURE_PROBLEMS = {
    pades.SignatureProblem.missing: (
        "文件中没有本平台的 PDF 签名（签名被删除，或文件被截短）：文件已被改动。",
        "The file carries no PDF signature of ours (removed, or the file cut short): it is "
        "altered.",
    ),
    pades.SignatureProblem.not_whole_file: (
        "证照签发后文件又被追加修改（增量更新或附加内容），签名没有覆盖整个文件：文件已被改动。",
        "The file was changed after it was issued (an incremental update or appended bytes): "
        "the signature does not cover the whole file, so it is altered.",
    ),
    pades.SignatureProblem.invalid: (
        "PDF 签名验证失败：签名所覆盖的内容被改动过。",
        "The PDF signature does not verify: what it covers was altered.",
    ),
    pades.SignatureProblem.foreign: (
        "文件最后的 PDF 签名不是用本平台的证照签名密钥签署的（他人签名）：不是本平台签发的原件。",
        "The file's last PDF signature was not made with one of our licence keys (someone "
        "else signed it): not the file we issued.",
    ),
}


def _checked_file(
    session: Session | None,
    data: bytes,
    record: dict[str, Any],
    signed: tuple[Any, Any, Any],
    today: date,
    pdf_keys: list[Key],
) -> Verification:
    """The rest of a file's verification once its signatures hold; ``signed`` is the
    face's length and SHA-256 as signed, and the face statement (None before it existed).
    A file with a PDF signature must end with one of ``pdf_keys``' that covers it whole;
    one printed before PDF signatures, with the envelope's revision."""
    length, sha256, face = signed
    if not isinstance(length, int) or envelope.digest(data[:length]) != sha256:
        return _tampered(
            "证照版面与签名时不一致：文件已被改动。",
            "The licence's face differs from the one signed: the file was altered.",
            record,
        )
    if pdf_signed(record, face):
        problem = pades.check_last_signature(data, pdf_keys)
        if problem is not None:
            return _tampered(*SIGNATURE_PROBLEMS[problem], record)
    elif envelope.added_after_signing(data, face_length=length):
        return _tampered(*SIGNATURE_PROBLEMS[pades.SignatureProblem.not_whole_file], record)
    if session is None:
        return _by_validity(record, today)
    licence = find(session, text=str(record["identifier"]))
    if licence is None:
        return Verification(
            Verdict.unknown, "证照库中没有该证照。", "No such licence in the library.", record
        )
    if licence.pdf_sha256 != sha256:
        return _tampered(
            "文件与证照库中的记录不一致。", "The file differs from the library's record.", record
        )
    return _by_status(licence, record, today)


def verify_lookup(session: Session, *, keyring: Keyring, text: str, today: date) -> Verification:
    """Verify a licence by its identifier or number, from the library."""
    licence = find(session, text=text)
    if licence is None:
        wrong = malformed(text)
        if wrong is not None:
            return Verification(
                Verdict.malformed,
                f"证照编号或标识有误：{wrong.message_zh}。请核对后重新输入。",
                f"The number or identifier is malformed: {wrong.message_en}; "
                "check it and enter it again.",
            )
        return Verification(
            Verdict.unknown,
            "证照库中没有该证照：请核对证照标识或编号。",
            "No such licence: check the identifier or number.",
        )
    record = record_of(licence)
    if not _signature_ok(keyring, record, licence.signature) or not _printed_ok(
        keyring, licence, record
    ):
        return _tampered(
            "证照库中的记录与签名不符。",
            "The library's record does not match its signature.",
            record,
        )
    found = _by_status(licence, record, today)
    if not licence.pdf_ready:
        found.notes.append("证照已签发，PDF 版面生成中。")
    return found


def malformed(text: str) -> IdentifierError | None:
    """Why ``text`` cannot be any licence's identifier (GB/T 36904, MOD 37,36 check
    character) or a 营业执照's number (the holder's GB 32100 credit code, MOD 31 check
    character), or None when it may be one (other numbers carry no check character)."""
    value = text.strip().upper()
    try:
        if value.startswith(OID_ARC + "."):
            validate_licence_identifier(value)
        elif CREDIT_SHAPE.fullmatch(value):
            validate_credit_code(value)
    except IdentifierError as error:
        return error
    return None


def _printed_ok(keyring: Keyring, licence: Licence, record: dict[str, Any]) -> bool:
    """A printed licence's face signature verifies over its stored hash (nothing to check
    before it is printed, nor for a licence that signed its face in the record)."""
    if licence.face_signature is None:
        return licence.record_format != RECORD_FACE_APART or not licence.pdf_sha256
    statement = face_statement(
        licence=licence,
        pdf_sha256=licence.pdf_sha256,
        pdf_length=int(licence.fields.get("pdf_length", -1)),
    )
    return _face_ok(keyring, record, licence.signature, statement, licence.face_signature)


def find(session: Session, *, text: str) -> Licence | None:
    """The licence with this identifier, else the latest one with this number."""
    value = text.strip().upper()
    if not value:
        return None
    by_id = session.scalars(select(Licence).where(Licence.identifier == value)).first()
    if by_id is not None:
        return by_id
    query = select(Licence).where(Licence.number == value).order_by(Licence.id.desc())
    return session.scalars(query).first()


VERDICTS = {
    LicenceStatus.valid: (Verdict.valid, "证照真实有效。", "The licence is genuine and in force."),
    LicenceStatus.suspended: (
        Verdict.suspended,
        "证照真实，但已被暂扣。",
        "Genuine, but suspended.",
    ),
    LicenceStatus.revoked: (
        Verdict.revoked,
        "证照真实，但该许可已被撤销（行政许可法第六十九条），自始不再作为有效证照。",
        "Genuine, but the grant was revoked (Administrative Licensing Law art. 69); "
        "it no longer proves anything.",
    ),
    LicenceStatus.penalty_revoked: (
        Verdict.penalty_revoked,
        "证照真实，但已被吊销（行政处罚），自吊销之日起失效。",
        "Genuine, but revoked as an administrative penalty; void from that day.",
    ),
    LicenceStatus.cancelled: (Verdict.cancelled, "证照真实，但已注销。", "Genuine, but cancelled."),
    LicenceStatus.expired: (Verdict.expired, "证照真实，但已过有效期。", "Genuine, but expired."),
}


def _expired(until: object) -> tuple[str, str]:
    """The plain words of an expired licence, with the last day it was valid."""
    return (
        f"证照真实，但已过有效期：有效期至 {until}，现已失效，不能再作为有效证照使用。",
        f"Genuine, but expired: it was valid until {until} and no longer proves anything.",
    )


def _by_status(licence: Licence, record: dict[str, Any], today: date) -> Verification:
    status = effective_status(licence, today)
    verdict, zh, en = VERDICTS[status]
    if status == LicenceStatus.expired and licence.valid_until:
        zh, en = _expired(licence.valid_until.isoformat())
    return Verification(verdict, zh, en, record=record, licence=licence, status_checked=True)


def _by_validity(record: dict[str, Any], today: date) -> Verification:
    until = record.get("valid_until")
    if until and date.fromisoformat(str(until)) < today:
        return Verification(Verdict.expired, *_expired(until), record=record)
    return Verification(
        Verdict.valid,
        "签名有效、文件未被改动（离线核验：未查询吊销、注销状态）。",
        "Signature valid, file unaltered (offline: revocation not checked).",
        record=record,
    )
