"""The application form (申请表) is drawn by the worker after the submission commits: the
submission does not wait for the PDF, pages say 生成中 and a download answers 409
``not_ready`` until the job has run; then the PDF is the form of the submitted answers,
the same bytes however often the job runs."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import API, run_worker
from tests.instant.conftest import apply
from tests.web.conftest import signed_in
from tests.web.support import SignedIn
from tongban.cases.materials.generated import JOB, render_form
from tongban.cases.models import Case, Material
from tongban.cases.service import spec_of
from tongban.jobs.models import Job

__all__ = ["signed_in"]  # the fixture, for the page
ADS = "3501-CGJ-002"  # 户外广告设施设置审批: APPLICATION_FORM is generated


def _form_row(client: TestClient, headers: dict[str, str], number: str) -> dict[str, Any]:
    rows = client.get(f"{API}/cases/{number}/materials", headers=headers).json()
    return next(r for r in rows if r["material_code"] == "APPLICATION_FORM")


def test_the_form_pdf_is_made_by_the_worker_and_not_ready_until_then(
    client: TestClient, as_user: Any, db: Session, signed_in: SignedIn
) -> None:
    headers = as_user("minfeng")
    case = apply(client, headers, ADS, {})
    assert case["state"] == "submitted"  # the case went in without its PDF
    row = _form_row(client, headers, case["number"])
    assert row["file_pending"] is True and row["sha256"] is None
    assert row["filename"] == f"{case['number']}-申请表.pdf"
    early = client.get(f"{API}/materials/{row['id']}/content", headers=headers)
    assert early.status_code == 409 and early.json()["error"]["code"] == "not_ready"
    assert int(early.headers["Retry-After"]) >= 1
    page = signed_in("minfeng").get(f"/cases/{case['number']}")
    assert page.status_code == 200 and "PDF 生成中" in page.text

    ran = run_worker(client)
    assert any(r.startswith(f"{JOB}#") for r in ran), ran
    row = _form_row(client, headers, case["number"])
    assert row["file_pending"] is False and row["size"] > 0
    pdf = client.get(f"{API}/materials/{row['id']}/content", headers=headers)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # the Chinese font embedded like the documents issued, not the reader's STSong
    assert b"/FontFile2" in pdf.content and b"STSong" not in pdf.content
    page = signed_in("minfeng").get(f"/cases/{case['number']}")
    assert "PDF 生成中" not in page.text and f"/api/v1/materials/{row['id']}/content" in page.text

    db.expire_all()
    stored = db.get_one(Material, row["id"])
    record = db.scalar(select(Case).where(Case.number == case["number"]))
    assert record is not None
    assert stored.detail is not None
    expected = render_form(
        spec_of(db, record), record, stored.detail["signed_by"], stored.uploaded_at
    )
    assert pdf.content == expected  # the answers submitted, the confirmation at submission
    job = db.scalar(select(Job).where(Job.key == f"{JOB}:{row['id']}"))
    assert job is not None and job.state == "done"
    assert run_worker(client) == []  # nothing runs twice
