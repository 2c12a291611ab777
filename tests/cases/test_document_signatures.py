"""Decisions and notices are signed like e-licences (issue 10): an embedded PAdES
signature under the platform's PDF key, which an independent verifier accepts, and by
which the page, the API and the offline command tell the issued file from an altered one,
another document, a stranger's signature, or an update appended after issue — even once
the original was purged. They carried no signature: their check compared SHA-256 with
the stored original only, so a purged document's file could not be checked at all."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlparse

import pytest
from asn1crypto import x509 as asn1_x509
from fastapi.testclient import TestClient
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from tests.cases.test_official_documents import _qr_link, _refused
from tests.conftest import Clock
from tests.factories import API, act, open_task, run_worker
from tests.instant.conftest import population  # noqa: F401
from tests.payments.helpers import submit_id_card
from tongban import cli
from tongban.cases.models import ResultDocument
from tongban.cli import base
from tongban.documents import official, pades
from tongban.documents.signing import Algorithm, Keyring
from tongban.privacy import service as privacy
from tongban.web.runtime import Runtime

T = TypeVar("T")
runner = CliRunner()


def _off_the_loop(work: Callable[[], T]) -> T:
    """pyHanko's validation runs ``asyncio.run``: keep it clear of any loop of the test."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def _decision(client: TestClient, as_user: Any, db: Session) -> tuple[dict[str, Any], bytes]:
    headers = as_user("zhangsan")
    result = _refused(client, db, headers)
    pdf = client.get(f"{API}/results/{result['id']}/document", headers=headers).content
    return result, pdf


def _rejection(client: TestClient, as_user: Any) -> bytes:
    """The PDF of a 不予受理通知书 (another document, another department)."""
    applicant, ga = as_user("zhangsan"), as_user("ga")
    number = submit_id_card(client, applicant)
    task = open_task(client, ga, number, "accept")
    assert act(client, ga, task, "reject", opinion="非本市户籍").status_code == 200
    run_worker(client)
    (notice,) = client.get(f"{API}/cases/{number}/results", headers=applicant).json()
    return client.get(f"{API}/results/{notice['id']}/document", headers=applicant).content


def _check(
    client: TestClient, data: bytes, locale: str = "zh_Hans", **fields: str
) -> dict[str, Any]:
    files = {"file": ("document.pdf", data, "application/pdf")}
    url = f"{API}/documents/verify"
    answer = client.post(url, params={"locale": locale}, data=fields, files=files)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def _unsigned(db: Session, document_id: int, pdf: bytes) -> bytes:
    """The document drawn as its job draws it, the signature left off."""
    row = db.get(ResultDocument, document_id)
    assert row is not None and row.content is not None
    drawn = official.Document(
        title=row.title,
        number=str(row.number),
        issuer=str(row.content["issuer"]),
        issued_on=row.issued_at.date(),
        rows=[(str(label), str(value)) for label, value in row.content["rows"]],
        footer=str(row.content["footer"]),
        verify_url=_qr_link(pdf),
    )
    return official.render(drawn, font_path=official.current().font)


def _appended(data: bytes) -> bytes:
    """``data`` with an incremental update after the signature (a changed title)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    writer.trailer["/Info"] = writer.add_object(
        generic.DictionaryObject({generic.NameObject("/Title"): generic.TextStringObject("x")})
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.usefixtures("population")
def test_a_decision_carries_a_pades_signature_an_independent_verifier_accepts(
    client: TestClient, as_user: Any, db: Session, tmp_path: Path
) -> None:
    _result, pdf = _decision(client, as_user, db)
    (signature,) = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    key = official.current().keyring.active()
    assert key.algorithm == Algorithm.ecdsa_p256
    roots = [asn1_x509.Certificate.load(pades.certificate(key))]
    status = _off_the_loop(
        lambda: validate_pdf_signature(signature, ValidationContext(trust_roots=roots))
    )
    assert status.intact and status.valid and status.bottom_line
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.md_algorithm == "sha256"
    if shutil.which("pdfsig"):  # poppler, a PDF reader's own check
        path = tmp_path / "decision.pdf"
        path.write_bytes(pdf)
        done = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
        assert "Signature is Valid." in done.stdout, done.stdout + done.stderr
        path.write_bytes(pdf.replace(b"/Title", b"/Titel", 1))
        done = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False)
        assert "Signature is Valid." not in done.stdout


def test_a_correction_notice_is_signed_and_verifies_by_its_signature(
    client: TestClient, as_user: Any
) -> None:
    """Every official document goes through the same printing: a 补正告知书 too."""
    applicant, ga = as_user("zhangsan"), as_user("ga")
    number = submit_id_card(client, applicant)
    task = open_task(client, ga, number, "accept")
    problems = [{"target": "phone", "problem": "号码少一位"}]
    assert act(client, ga, task, "correction", problems=problems).status_code == 201
    run_worker(client)
    (notice,) = client.get(f"{API}/cases/{number}/results", headers=applicant).json()
    pdf = client.get(f"{API}/results/{notice['id']}/document", headers=applicant).content
    assert len(PdfFileReader(io.BytesIO(pdf)).embedded_signatures) == 1
    answer = _check(client, pdf)
    assert answer["verdict"] == "valid" and answer["title"] == "补正告知书", answer


@pytest.mark.usefixtures("population")
def test_the_api_tells_each_kind_of_alteration_by_the_signature(
    client: TestClient, as_user: Any, db: Session, tmp_path: Path
) -> None:
    result, pdf = _decision(client, as_user, db)
    query = parse_qs(urlparse(_qr_link(pdf)).query)
    fields = {"n": query["n"][0], "c": query["c"][0]}
    valid = _check(client, pdf)
    assert valid["verdict"] == "valid" and valid["problem"] is None
    assert valid["number"] == result["number"] and valid["issuer"] == "福州市医疗保障局"
    assert "张三" not in str(valid)  # nothing personal
    altered = _check(client, pdf.replace(b"/Title", b"/Titel", 1), **fields)
    assert (altered["verdict"], altered["problem"]) == ("tampered", "invalid")
    appended = _check(client, _appended(pdf))
    assert (appended["verdict"], appended["problem"]) == ("tampered", "not_whole_file")
    stranger = Keyring(tmp_path / "stranger", Algorithm.ecdsa_p256).active()
    unsigned = _unsigned(db, result["id"], pdf)
    resigned = pades.sign_pdf(unsigned, stranger, reason="改签", location="别处")
    foreign = _check(client, resigned, locale="en")
    assert (foreign["verdict"], foreign["problem"]) == ("tampered", "foreign")
    assert foreign["message"].startswith("The file's last PDF signature was not made")
    differs = _check(client, unsigned)
    assert (differs["verdict"], differs["problem"]) == ("tampered", "differs")
    found = client.get(f"{API}/documents/verify", params=fields).json()
    assert found["title"] == "不予备案决定书" and found["verdict"] is None
    wrong = client.get(f"{API}/documents/verify", params={**fields, "c": "0" * 24})
    assert wrong.status_code == 404 and "没有文号和核验码与此相符的文书" in wrong.text
    nothing = client.post(
        f"{API}/documents/verify", files={"file": ("x.pdf", b"%PDF-1.4", "application/pdf")}
    )
    assert nothing.status_code == 422 and "找不到本平台文书的核验信息" in nothing.text


def test_a_signed_file_of_another_document_is_not_this_one(
    client: TestClient, as_user: Any
) -> None:
    """Two genuine documents: the first's file, offered as the second, is refused."""
    first_pdf, second_pdf = _rejection(client, as_user), _rejection(client, as_user)
    query = parse_qs(urlparse(_qr_link(second_pdf)).query)
    answer = _check(client, first_pdf, n=query["n"][0], c=query["c"][0])
    assert (answer["verdict"], answer["problem"]) == ("tampered", "other_document")
    assert answer["number"] == query["n"][0]
    assert _check(client, first_pdf)["verdict"] == "valid"  # as itself, it is genuine


@pytest.mark.usefixtures("population")
def test_a_signed_document_still_verifies_after_its_original_is_purged(
    client: TestClient,
    as_user: Any,
    db: Session,
    sessions: sessionmaker[Session],
    runtime: Runtime,
    clock: Clock,
) -> None:
    """Before, the page could only say "原件已删除，无法比对" once retention purged it."""
    _result, pdf = _decision(client, as_user, db)
    purged = privacy.purge_due(
        sessions, store=runtime.store, now=clock.advance(days=800), years=1, batch=10
    )
    assert purged.numbers
    answer = _check(client, pdf)
    assert answer["purged"] and not answer["ready"]
    assert answer["verdict"] == "valid", answer
    altered = _check(client, pdf.replace(b"/Title", b"/Titel", 1))
    assert altered["verdict"] == "tampered"
    page = client.get(_qr_link(pdf))
    assert "上传文件仍可凭文件中的 PDF 签名核验" in page.text and 'type="file"' in page.text


@pytest.mark.usefixtures("population")
def test_a_document_printed_before_signing_is_compared_with_its_stored_original(
    client: TestClient, as_user: Any, db: Session, runtime: Runtime
) -> None:
    result, pdf = _decision(client, as_user, db)
    unsigned = _unsigned(db, result["id"], pdf)
    assert pades.check_last_signature(unsigned, []) == pades.SignatureProblem.missing
    row = db.get(ResultDocument, result["id"])
    assert row is not None
    row.storage_key = runtime.store.put(unsigned)  # as printed before documents were signed
    db.commit()
    assert _check(client, unsigned)["verdict"] == "valid"
    changed = _check(client, unsigned.replace(b"/Title", b"/Titel", 1))
    assert (changed["verdict"], changed["problem"]) == ("tampered", "differs")


def test_a_document_signed_before_a_key_rotation_still_verifies(
    client: TestClient, as_user: Any
) -> None:
    before = _rejection(client, as_user)
    old = official.current().keyring.active()
    new = official.current().keyring.rotate()
    after = _rejection(client, as_user)
    (signature,) = PdfFileReader(io.BytesIO(after)).embedded_signatures
    assert bytes(signature.signer_cert.public_key["public_key"].native) == new.public != old.public
    assert _check(client, before)["verdict"] == "valid"
    assert _check(client, after)["verdict"] == "valid"


@pytest.mark.usefixtures("population")
def test_the_command_line_verifies_a_document_offline_and_online(
    client: TestClient,
    as_user: Any,
    db: Session,
    runtime: Runtime,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _result, pdf = _decision(client, as_user, db)
    monkeypatch.setattr(base, "load_settings", lambda: runtime.settings)
    monkeypatch.setattr(base, "runtime", lambda: runtime)
    (tmp_path / "ok.pdf").write_bytes(pdf)
    (tmp_path / "bad.pdf").write_bytes(pdf.replace(b"/Title", b"/Titel", 1))
    (tmp_path / "other.pdf").write_bytes(b"%PDF-1.4 nothing of ours")
    ok, bad, other, online = (
        runner.invoke(cli.app, ["document", "verify", str(tmp_path / name), *flags])
        for name, flags in [
            ("ok.pdf", ["--offline"]),
            ("bad.pdf", ["--offline"]),
            ("other.pdf", ["--offline"]),
            ("ok.pdf", []),
        ]
    )
    assert ok.exit_code == 0 and ok.output.startswith("valid"), ok.output
    assert bad.exit_code == 1 and bad.output.startswith("tampered"), bad.output
    assert "PDF 签名验证失败" in bad.output
    assert other.exit_code == 1 and other.output.startswith("no_address"), other.output
    assert online.exit_code == 0 and online.output.startswith("valid"), online.output
    assert "不予备案决定书" in online.output
    missing = runner.invoke(cli.app, ["document", "verify", str(tmp_path / "none.pdf")])
    assert missing.exit_code == 2
