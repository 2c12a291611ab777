"""Verification of a decision's or notice's file (文书核验) by its embedded PDF signature,
the same check as an e-licence's (``pades.check_last_signature``): the file's last
signature covers it whole, verifies, and was made with one of the platform's PDF keys;
the document it is, is named by its own QR link (number and verification code), which
lies inside what the signature covers.

This is all an offline check can see (``tongban document verify --offline``); the public
page and API also look the number and code up among the documents issued
(``cases.verify_document``), which says whether that document exists and, for a file
printed before documents were signed, compares it with the stored original.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from tongban.documents import pades
from tongban.documents.official import address_in
from tongban.documents.signing import Key


class FileVerdict(StrEnum):
    """What a check says of an uploaded file."""

    valid = "valid"  # the very file issued, unchanged
    tampered = "tampered"  # changed after signing, or not the document it claims to be
    unchecked = "unchecked"  # unsigned, and no stored original to compare it with


class FileProblem(StrEnum):
    """Why a file is not the document issued (the four of ``pades``, and two more)."""

    missing = "missing"
    not_whole_file = "not_whole_file"
    invalid = "invalid"
    foreign = "foreign"
    other_document = "other_document"  # our signature, but another document's number
    differs = "differs"  # unsigned, and not the original stored (printed before signing)


# (Chinese, English) of each problem, for the page, the API and the CLI
REASONS = {
    FileProblem.missing: (
        "文件中没有本平台的 PDF 签名：签名被删除、文件被截短，或是文书加签之前出具的文件，"
        "无法凭签名核验。",
        "The file carries no PDF signature of ours: removed, the file cut short, or printed "
        "before documents were signed; it cannot be verified by its signature.",
    ),
    FileProblem.not_whole_file: (
        "文书出具后文件又被追加修改（增量更新或附加内容），签名没有覆盖整个文件：文件已被改动。",
        "The file was changed after it was issued (an incremental update or appended bytes): "
        "the signature does not cover the whole file, so it is altered.",
    ),
    FileProblem.invalid: (
        "PDF 签名验证失败：签名所覆盖的内容被改动过。",
        "The PDF signature does not verify: what it covers was altered.",
    ),
    FileProblem.foreign: (
        "文件最后的 PDF 签名不是用本平台的签名密钥签署的（他人签名）：不是本平台出具的原件。",
        "The file's last PDF signature was not made with one of our keys (someone else "
        "signed it): not the file we issued.",
    ),
    FileProblem.other_document: (
        "文件是本平台出具的另一份文书，文号或核验码与本文书不符。",
        "The file is another document issued here: its number or verification code differs.",
    ),
    FileProblem.differs: (
        "上传的文件与出具的原件不一致：文件被改动过，或不是这份文书。",
        "The file differs from the one issued: it was altered, or it is another document.",
    ),
}
VALID = (
    "PDF 签名有效：上传的文件与出具的原件一致，未被改动。",
    "The PDF signature is valid: the file is the one issued, unchanged.",
)


@dataclass(frozen=True)
class FileCheck:
    """A file's signature check: the (number, code) its QR link names (None: no link of
    ours) and the problem of its signature (None: signed by us over the whole file)."""

    address: tuple[str, str] | None
    problem: pades.SignatureProblem | None


def check_file(data: bytes, keys: Iterable[Key]) -> FileCheck:
    """Check the embedded signature of ``data`` against ``keys`` (every key of the PDF
    keyring: files signed before a rotation still verify) and read its QR link. Reads
    only; never raises for a damaged file (its signature is ``missing``)."""
    return FileCheck(address_in(data), pades.check_last_signature(data, keys))


def problem_of(check: FileCheck, *, number: str, code: str) -> FileProblem | None:
    """Why the checked file is not the document ``number``/``code`` (None: it is, signed
    by us over the whole file). A file without our signature answers ``missing``: only
    the stored original can then tell (a document printed before signing)."""
    if check.problem is not None:
        return FileProblem(check.problem.value)
    if check.address != (number, code):
        return FileProblem.other_document
    return None


def verdict_of(problem: FileProblem | None) -> FileVerdict:
    """The verdict a problem gives (an unsigned file: ``unchecked``)."""
    if problem is None:
        return FileVerdict.valid
    return FileVerdict.unchecked if problem == FileProblem.missing else FileVerdict.tampered
