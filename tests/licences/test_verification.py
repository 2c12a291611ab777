"""Verification answers valid, tampered, revoked, expired — for Ed25519 and SM2 — on the
page's API, by identifier or number or uploaded PDF, and offline from the command line."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from sqlalchemy import select
from typer.testing import CliRunner

from tests.conftest import ROOT, Clock
from tests.factories import API
from tests.licences.support import FOOD, held, licensed
from tongban import cli
from tongban.config import get_settings
from tongban.documents import pades
from tongban.documents.signing import Algorithm, Keyring
from tongban.licences import cli as licence_cli
from tongban.licences import setup
from tongban.licences.enums import Verdict
from tongban.licences.verify import Verification
from tongban.migrate import upgrade
from tongban.outbox.models import OutboxMessage
from tongban.worker import run_once

runner = CliRunner()


def _pdf(client: TestClient, as_user: Any, result: dict[str, Any]) -> bytes:
    response = client.get(f"{API}/results/{result['id']}/document", headers=as_user("minfeng"))
    assert response.status_code == 200
    return response.content


def _upload(client: TestClient, data: bytes) -> dict[str, Any]:
    files = {"file": ("licence.pdf", data, "application/pdf")}
    response = client.post(f"{API}/licences/verify", files=files)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _lookup(client: TestClient, text: str) -> str:
    return str(client.get(f"{API}/licences/verify", params={"q": text}).json()["verdict"])


def _one_byte_changed(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def test_a_licence_as_issued_is_valid_by_file_identifier_and_number(
    algorithm: str, client: TestClient, as_user: Any
) -> None:
    result = licensed(client, as_user, FOOD)
    answer = _upload(client, _pdf(client, as_user, result))
    assert answer["verdict"] == "valid" and answer["status_checked"]
    assert answer["record"]["algorithm"] == algorithm
    assert _lookup(client, answer["record"]["identifier"]) == "valid"
    assert _lookup(client, result["number"]) == "valid"
    assert _lookup(client, "JY20000000000000") == "unknown"


def test_one_byte_changed_anywhere_in_the_face_is_tampered(
    algorithm: str, client: TestClient, as_user: Any
) -> None:
    data = _pdf(client, as_user, licensed(client, as_user, FOOD))
    face_length = _upload(client, data)["face"]["pdf_length"]
    for at in (face_length // 5, face_length // 2, face_length - 10):
        assert _upload(client, _one_byte_changed(data, at))["verdict"] == "tampered"
    assert _upload(client, data[:face_length])["verdict"] == "tampered"  # envelope cut off
    assert _upload(client, b"%PDF-1.4 not a licence")["verdict"] == "tampered"


def _painted_over(data: bytes) -> bytes:
    """The licence with a later revision that paints "5000" over its first page, as a
    forger does with an incremental update: the signed bytes stay untouched."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 600 Td (5000) Tj ET")
    contents = page["/Contents"]
    kept = list(contents) if isinstance(contents, generic.ArrayObject) else [contents]
    page["/Contents"] = generic.ArrayObject([*kept, writer.add_object(stream)])
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_change_added_after_issue_is_tampered(
    algorithm: str, client: TestClient, as_user: Any
) -> None:
    """A later revision painting over the face, or bytes appended after the end, leave
    the signed bytes as they were; the file is still not what was issued."""
    data = _pdf(client, as_user, licensed(client, as_user, FOOD))
    assert _upload(client, data)["verdict"] == "valid"
    forged = _upload(client, _painted_over(data))
    assert forged["verdict"] == "tampered" and "追加修改" in forged["message"]
    assert _upload(client, data + b"\n% appended\n")["verdict"] == "tampered"


def _without_our_signature(data: bytes) -> bytes:
    """The file cut back to the end of its envelope's revision: our PDF signature gone."""
    last = data.rfind(b"%%EOF")
    return data[: data.rfind(b"%%EOF", 0, last) + len(b"%%EOF")] + b"\n"


def test_a_file_signed_by_someone_else_is_not_genuine(
    algorithm: str, client: TestClient, as_user: Any, tmp_path: Path
) -> None:
    """Verification counted revisions: our PDF signature swapped for a stranger's (one
    revision for one) passed as valid. Now the last signature must be ours."""
    data = _pdf(client, as_user, licensed(client, as_user, FOOD))
    stranger = Keyring(tmp_path / "stranger", Algorithm.ecdsa_p256).active()
    bare = _without_our_signature(data)
    answer = _upload(client, pades.sign_pdf(bare, stranger, reason="改签", location="别处"))
    assert answer["verdict"] == "tampered" and "他人签名" in answer["message"], answer
    stripped = _upload(client, bare)
    assert stripped["verdict"] == "tampered" and "没有本平台的 PDF 签名" in stripped["message"]
    english = client.post(
        f"{API}/licences/verify",
        params={"locale": "en"},
        files={"file": ("licence.pdf", pades.sign_pdf(bare, stranger, reason="x", location="y"))},
    ).json()
    assert "someone else signed it" in english["message"]


def test_a_file_signed_before_the_pdf_key_rotated_stays_genuine(
    algorithm: str, client: TestClient, as_user: Any
) -> None:
    data = _pdf(client, as_user, licensed(client, as_user, FOOD))
    setup.current().pdf_keyring.rotate()
    assert _upload(client, data)["verdict"] == "valid"


def test_a_revoked_licence_answers_revoked_and_the_change_is_audited(
    algorithm: str, client: TestClient, as_user: Any, runtime: Any
) -> None:
    result = licensed(client, as_user, FOOD)
    data = _pdf(client, as_user, result)
    licence = held(client, as_user("minfeng"), result["number"])
    body = {"action": "revoke", "reason": "以欺骗手段取得许可（行政许可法第六十九条）"}
    refused = client.post(
        f"{API}/licences/{licence['id']}/status", json=body, headers=as_user("minfeng")
    )
    assert refused.status_code == 403  # the holder cannot change it
    done = client.post(
        f"{API}/licences/{licence['id']}/status", json=body, headers=as_user("scjg-hz")
    )
    assert done.status_code == 200 and done.json()["status"] == "revoked"
    assert _upload(client, data)["verdict"] == "revoked"
    assert _lookup(client, result["number"]) == "revoked"
    again = client.post(
        f"{API}/licences/{licence['id']}/status", json=body, headers=as_user("scjg-hz")
    )
    assert again.status_code == 409
    events = client.get(
        f"{API}/cases/{result['case_number']}/timeline", headers=as_user("scjg")
    ).json()
    assert "licence.revoked" in [event["action"] for event in events["events"]]
    with runtime.sessions() as session:  # the holder is told
        topics = session.scalars(select(OutboxMessage.topic)).all()
    assert "licence_status_changed" in topics


def test_a_licence_past_its_validity_answers_expired(
    algorithm: str, client: TestClient, as_user: Any, clock: Clock
) -> None:
    result = licensed(client, as_user, FOOD)
    data = _pdf(client, as_user, result)
    clock.advance(days=5 * 365 + 2)
    assert _upload(client, data)["verdict"] == "expired"
    assert _lookup(client, result["number"]) == "expired"


def test_the_command_line_verifies_a_file_offline(
    client: TestClient, as_user: Any, runtime: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _pdf(client, as_user, licensed(client, as_user, FOOD))
    monkeypatch.setenv("TONGBAN_LICENCE_KEYS_PATH", str(runtime.settings.keys_folder))
    get_settings.cache_clear()
    monkeypatch.setattr(setup, "_current", [])
    (tmp_path / "ok.pdf").write_bytes(data)
    (tmp_path / "bad.pdf").write_bytes(_one_byte_changed(data, 400))
    try:
        good = runner.invoke(cli.app, ["licence", "verify", str(tmp_path / "ok.pdf"), "--offline"])
        bad = runner.invoke(cli.app, ["licence", "verify", str(tmp_path / "bad.pdf"), "--offline"])
    finally:
        get_settings.cache_clear()
    assert good.exit_code == 0 and good.output.startswith("valid"), good.output
    assert bad.exit_code == 1 and bad.output.startswith("tampered"), bad.output


def test_the_command_line_says_plainly_that_a_file_past_its_validity_has_expired(
    client: TestClient,
    as_user: Any,
    runtime: Any,
    clock: Clock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Offline, without the library, the file's own validity decides: genuine, but expired
    on the day it names, in both languages, with exit status 1."""
    result = licensed(client, as_user, FOOD)
    until = held(client, as_user("minfeng"), result["number"])["valid_until"]
    (tmp_path / "licence.pdf").write_bytes(_pdf(client, as_user, result))
    monkeypatch.setenv("TONGBAN_LICENCE_KEYS_PATH", str(runtime.settings.keys_folder))
    get_settings.cache_clear()
    monkeypatch.setattr(setup, "_current", [])
    monkeypatch.setattr(licence_cli, "utcnow", lambda: clock.advance(days=5 * 365 + 2))
    try:
        done = runner.invoke(
            cli.app, ["licence", "verify", str(tmp_path / "licence.pdf"), "--offline"]
        )
    finally:
        get_settings.cache_clear()
    assert done.exit_code == 1 and done.output.startswith("expired\t已过期"), done.output
    assert f"证照真实，但已过有效期：有效期至 {until}，现已失效" in done.output
    assert f"Genuine, but expired: it was valid until {until}" in done.output
    assert f"number: {result['number']}" in done.output


def test_the_worker_marks_a_licence_past_its_validity_expired_and_audits_it(
    client: TestClient, as_user: Any, clock: Clock, runtime: Any
) -> None:
    result = licensed(client, as_user, FOOD)
    assert run_once(runtime)["licences_expired"] == []
    clock.advance(days=5 * 365 + 2)
    assert run_once(runtime)["licences_expired"] == [result["number"]]
    assert run_once(runtime)["licences_expired"] == []  # once only
    assert held(client, as_user("minfeng"), result["number"])["status"] == "expired"
    events = client.get(f"{API}/cases/{result['case_number']}/timeline", headers=as_user("minfeng"))
    assert "licence.expired" in [event["action"] for event in events.json()["events"]]


def test_rotate_key_from_the_command_line_makes_the_new_key_the_signing_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TONGBAN_LICENCE_KEYS_PATH", str(tmp_path / "keys"))
    get_settings.cache_clear()
    monkeypatch.setattr(setup, "_current", [])
    try:
        first = runner.invoke(cli.app, ["licence", "rotate-key"])
        second = runner.invoke(cli.app, ["licence", "rotate-key"])
        active = setup.current().keyring.active()
    finally:
        get_settings.cache_clear()
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    first_id, second_id = first.output.split("\t")[0], second.output.split("\t")[0]
    assert first_id != second_id == active.key_id
    assert len(list((tmp_path / "keys").glob("*.json"))) == 2


def test_rotate_pdf_key_makes_a_p256_key_apart_from_the_record_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TONGBAN_LICENCE_KEYS_PATH", str(tmp_path / "keys"))
    get_settings.cache_clear()
    monkeypatch.setattr(setup, "_current", [])
    try:
        made = runner.invoke(cli.app, ["licence", "rotate-pdf-key"])
        active = setup.current().pdf_keyring.active()
    finally:
        get_settings.cache_clear()
    assert made.exit_code == 0, made.output
    assert made.output.split("\t")[:2] == [active.key_id, "ecdsa-p256"]
    assert len(list((tmp_path / "keys" / "pdf").glob("*.json"))) == 1
    assert not list((tmp_path / "keys").glob("*.json"))


def test_the_command_line_verifies_against_the_database_in_a_process_of_its_own(
    client: TestClient, as_user: Any, runtime: Any, tmp_path: Path
) -> None:
    """The online check (the status from the database) crashed in a fresh process: the
    case tables were not loaded when the licence query ran."""
    data = _pdf(client, as_user, licensed(client, as_user, FOOD))
    (tmp_path / "licence.pdf").write_bytes(data)
    url = f"sqlite:///{tmp_path / 'elsewhere.sqlite3'}"  # a database without that licence
    upgrade(url)
    env = {
        **os.environ,
        "TONGBAN_DATABASE_URL": url,
        "TONGBAN_LICENCE_KEYS_PATH": str(runtime.settings.keys_folder),
        "PYTHONPATH": str(ROOT / "src"),
    }
    command = [sys.executable, "-c", "from tongban.cli import app; app()"]
    done = subprocess.run(
        [*command, "licence", "verify", str(tmp_path / "licence.pdf")],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 1 and done.stdout.strip(), done.stdout  # read: not in this register


def test_anyone_verifying_a_persons_licence_reads_the_name_and_id_number_masked() -> None:
    """The verification page and API need no sign-in, and licence numbers run in
    sequence: a person's name and ID number are masked there, the licence's own fields
    left out; an enterprise's name and credit code are public and stay whole."""
    person = {
        "number": "3501002026001000006",
        "holder_name": "张三",
        "holder_code": "350102196204180310",
        "holder_code_type": "resident_id",
        "fields": [["住址", "福州市鼓楼区五四路1号"]],
    }
    found = Verification(Verdict.valid, "真实有效", "valid", record=person).for_public()
    assert found.record is not None and found.record["number"] == person["number"]
    assert found.record["holder_name"] == "张*"
    assert found.record["holder_code"] == "3501**********0310"
    assert "fields" not in found.record and "五四路" not in str(found.record)
    company = {**person, "holder_code_type": "credit_code", "holder_code": "91350102MA2XQ1K7XN"}
    kept = Verification(Verdict.valid, "真实有效", "valid", record=company).for_public()
    assert kept.record == company


def test_the_public_verification_answer_is_the_masked_one(
    client: TestClient, as_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = licensed(client, as_user, FOOD)
    calls: list[str] = []
    real = Verification.for_public

    def counted(self: Verification) -> Verification:
        calls.append(str(self.verdict))
        return real(self)

    monkeypatch.setattr(Verification, "for_public", counted)
    client.cookies.clear()
    assert client.get(f"{API}/licences/verify", params={"q": result["number"]}).status_code == 200
    assert client.get("/licences/verify", params={"q": result["number"]}).status_code == 200
    assert calls == ["valid", "valid"]


def test_only_the_issuing_departments_approvers_change_a_status_others_are_forbidden(
    client: TestClient, as_user: Any
) -> None:
    """The fault as found: someone who may see the licence but is no approver of the
    issuing department got ``conflict`` (409), as if the licence's state were at fault."""
    result = licensed(client, as_user, FOOD)
    licence = held(client, as_user("minfeng"), result["number"])
    body = {"action": "suspend", "reason": "责令停业整顿"}
    for username in ("minfeng", "scjg", "supervisor"):  # holder, reviewer, 电子监察
        refused = client.post(
            f"{API}/licences/{licence['id']}/status", json=body, headers=as_user(username)
        )
        assert refused.status_code == 403, (username, refused.text)
        assert refused.json()["error"]["code"] == "forbidden"


def test_revocation_of_the_grant_and_revocation_as_a_penalty_are_distinct(
    client: TestClient, as_user: Any
) -> None:
    """撤销 (行政许可法 art. 69: the grant should not have been made) and 吊销 (a penalty,
    行政处罚法 art. 9) end a licence under different law: distinct statuses and texts."""
    approver = as_user("scjg-hz")
    found = {}
    for action, reason in (
        ("revoke", "以欺骗手段取得许可（行政许可法第六十九条）"),
        ("revoke_as_penalty", "违法经营，处以吊销许可证（食品安全法第一百三十四条）"),
    ):
        result = licensed(client, as_user, FOOD)
        licence = held(client, as_user("minfeng"), result["number"])
        done = client.post(
            f"{API}/licences/{licence['id']}/status",
            json={"action": action, "reason": reason},
            headers=approver,
        )
        assert done.status_code == 200, done.text
        verdict = client.get(f"{API}/licences/verify", params={"q": result["number"]}).json()
        page = client.get("/licences/verify", params={"q": result["number"]}).text
        found[action] = (done.json()["status"], verdict["verdict"], verdict["message"], page)
        events = client.get(
            f"{API}/cases/{result['case_number']}/timeline", headers=as_user("scjg")
        ).json()["events"]
        found[action] += ([event["action"] for event in events],)
    status, verdict, message, page, events = found["revoke"]
    assert (status, verdict) == ("revoked", "revoked") and "licence.revoked" in events
    assert "撤销" in message and "第六十九条" in message and "吊销" not in message
    assert "已撤销" in page and "已吊销" not in page
    status, verdict, message, page, events = found["revoke_as_penalty"]
    assert (status, verdict) == ("penalty_revoked", "penalty_revoked")
    assert "licence.penalty_revoked" in events
    assert "吊销" in message and "行政处罚" in message and "撤销" not in message
    assert "已吊销" in page and "已撤销" not in page
