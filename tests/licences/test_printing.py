"""A licence is valid when its case is issued; the worker prints its PDF right after.

Before the job runs: the API and pages say the licence is issued with its PDF being
prepared (生成中), a download answers 409 ``not_ready`` with ``Retry-After`` (never a
500 or a broken file), and verification by identifier already answers valid. After it:
the PDF downloads and verifies. The job is idempotent across a crash and a repeat.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.factories import API, run_worker
from tests.licences.support import FOOD, held, licensed
from tests.web.support import sign_in
from tongban.documents import pades
from tongban.jobs.enums import JobState
from tongban.jobs.models import Job
from tongban.licences import printing
from tongban.licences.models import Licence


def _prints(client: TestClient) -> list[str]:
    """The worker's licence prints (it also renders the application forms, by their own
    jobs)."""
    return [run for run in run_worker(client) if run.startswith("licence.print#")]


def _upload(client: TestClient, data: bytes) -> dict[str, Any]:
    files = {"file": ("licence.pdf", data, "application/pdf")}
    return dict(client.post(f"{API}/licences/verify", files=files).json())


def test_an_issued_licence_is_valid_at_once_and_its_pdf_follows_from_the_worker(
    client: TestClient, as_user: Any
) -> None:
    result = licensed(client, as_user, FOOD, printed=False)
    licence = held(client, as_user("minfeng"), result["number"])
    assert licence["status"] == "valid" and licence["pdf_ready"] is False
    found = client.get(f"{API}/licences/verify", params={"q": licence["identifier"]}).json()
    assert found["verdict"] == "valid" and found["pdf_ready"] is False
    for url in (
        f"{API}/licences/{licence['id']}/document",
        f"{API}/results/{result['id']}/document",
    ):
        early = client.get(url, headers=as_user("minfeng"))
        assert early.status_code == 409 and early.headers["retry-after"]
        assert early.json()["error"]["code"] == "not_ready"
        assert "正在生成" in early.json()["error"]["message"]

    assert _prints(client) == [f"licence.print#{_job(client).id}:done"]
    licence = held(client, as_user("minfeng"), result["number"])
    assert licence["pdf_ready"] is True
    pdf = client.get(f"{API}/licences/{licence['id']}/document", headers=as_user("minfeng"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    same = client.get(f"{API}/results/{result['id']}/document", headers=as_user("minfeng"))
    assert same.content == pdf.content
    answer = _upload(client, pdf.content)
    assert answer["verdict"] == "valid" and answer["face"]["pdf_length"] < len(pdf.content)
    looked_up = client.get(f"{API}/licences/verify", params={"q": licence["number"]}).json()
    assert looked_up["verdict"] == "valid" and looked_up["pdf_ready"] is True


def test_the_pages_say_the_pdf_is_being_prepared_until_it_is(
    client: TestClient, as_user: Any
) -> None:
    result = licensed(client, as_user, FOOD, printed=False)
    licence = held(client, as_user("minfeng"), result["number"])
    sign_in(client, "minfeng")
    pages = (f"/licences/{licence['id']}", "/my/licences", f"/cases/{result['case_number']}")
    for page in pages:
        text = client.get(page).text
        assert "生成中" in text, page
        assert f"/licences/{licence['id']}/document" not in text
        assert f"/results/{result['id']}/document" not in text
    verify = client.get("/licences/verify", params={"q": licence["identifier"]}).text
    assert "证照真实有效" in verify and "PDF 版面生成中" in verify

    run_worker(client)
    for page in pages:
        assert "生成中" not in client.get(page).text, page
    assert f'href="/api/v1/licences/{licence["id"]}/document" download' in client.get(pages[0]).text


def _job(client: TestClient) -> Job:
    with client.app.state.runtime.sessions() as session:
        job = session.scalars(select(Job).where(Job.kind == printing.KIND)).one()
        session.expunge(job)
        return job


def _licence_row(client: TestClient, number: str) -> Licence:
    with client.app.state.runtime.sessions() as session:
        row = session.scalars(select(Licence).where(Licence.number == number)).one()
        session.expunge(row)
        return row


def test_a_print_that_crashes_is_retried_and_a_repeat_changes_nothing(
    client: TestClient, as_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = licensed(client, as_user, FOOD, printed=False)
    real = pades.sign_pdf

    def crash(*args: Any, **kwargs: Any) -> bytes:
        raise OSError("disk full")

    monkeypatch.setattr(pades, "sign_pdf", crash)
    job = _job(client)
    assert _prints(client) == [f"licence.print#{job.id}:retry"]
    row = _licence_row(client, result["number"])
    assert row.storage_key == "" and row.face_signature is None  # nothing half-written
    assert _job(client).state == JobState.pending and "disk full" in str(_job(client).last_error)

    monkeypatch.setattr(pades, "sign_pdf", real)
    runtime = client.app.state.runtime
    runtime.clock.advance(minutes=2)  # past the first backoff (30 s)
    assert _prints(client) == [f"licence.print#{job.id}:done"]
    printed = _licence_row(client, result["number"])
    assert printed.storage_key and printed.face_signature and printed.printed_at

    with runtime.sessions() as session:  # delivered again (a worker died before marking
        done = session.get_one(Job, job.id)  # it done): the licence is left alone
        done.state, done.due_at, done.finished_at = JobState.pending, runtime.clock(), None
        session.commit()
    assert _prints(client) == [f"licence.print#{job.id}:done"]
    again = _licence_row(client, result["number"])
    assert (again.storage_key, again.face_signature) == (
        printed.storage_key,
        printed.face_signature,
    )
    pdf = client.get(f"{API}/results/{result['id']}/document", headers=as_user("minfeng"))
    assert _upload(client, pdf.content)["verdict"] == "valid"
    assert timedelta(0) <= printed.printed_at - printed.issued_at < timedelta(minutes=5)
