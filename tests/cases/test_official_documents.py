"""Refusal decisions and notices are official documents like the e-licences: the Chinese
font embedded, the issuing department's name and seal, a document number (文号), and a
QR code that opens the public verification page, which tells the issued file from an
altered one. They were one-page stubs in the reader's own CID font, without issuer,
seal, number or QR code."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import API, act, open_task, run_worker
from tests.instant.conftest import ZHANGSAN_ID, apply, population, set_record  # noqa: F401
from tests.payments.helpers import submit_id_card
from tongban.cases.models import ResultDocument
from tongban.documents import official

YB = "3501-YB-003"  # 跨省异地就医备案, refused by its rules for a destination in Fujian
INSURED = {"status": "正常参保", "employer_name": "某公司", "insurance_types": "医疗保险"}
FILING = {
    "destination_province": "福建省",
    "destination_city": "厦门市",
    "filing_type": "异地长期居住人员",
    "filing_start_date": "2025-09-25",
}


def _refused(client: TestClient, db: Session, headers: dict[str, str]) -> dict[str, Any]:
    set_record(db, "social_insurance", ZHANGSAN_ID, INSURED)
    case = apply(client, headers, YB, FILING)
    assert case["state"] == "refused", case
    assert any(done.startswith("document.print#") for done in run_worker(client))
    (result,) = client.get(f"{API}/cases/{case['number']}/results", headers=headers).json()
    return dict(result)


def _qr_link(pdf: bytes) -> str:
    """The verification address the QR code carries (also a link over the code)."""
    found = re.findall(rb"/URI \((http[^)]*)\)", pdf)
    assert len(found) == 1, found
    return found[0].decode()


@pytest.mark.usefixtures("population")
def test_a_refusal_decision_is_sealed_numbered_and_verifiable(
    client: TestClient,
    as_user,
    db: Session,  # type: ignore[no-untyped-def]
) -> None:
    headers = as_user("zhangsan")
    result = _refused(client, db, headers)
    assert result["title"] == "不予备案决定书"  # 跨省异地就医备案: a filing, no 行政许可
    assert re.fullmatch(r"YB不备〔\d{4}〕\d{6}号", result["number"]), result["number"]
    download = client.get(f"{API}/results/{result['id']}/document", headers=headers)
    pdf = download.content
    assert pdf.startswith(b"%PDF") and b"/FontFile2" in pdf  # the TrueType font is embedded
    assert b"STSong" not in pdf  # no longer the reader's own CID font
    row = db.get(ResultDocument, result["id"])
    assert row is not None and row.verification_code and len(row.verification_code) == 24
    link = urlparse(_qr_link(pdf))
    assert link.path == "/documents/verify"
    assert parse_qs(link.query) == {"n": [result["number"]], "c": [row.verification_code]}

    page = client.get(f"{link.path}?{link.query}")
    assert page.status_code == 200
    assert "本平台出具的文书" in page.text and result["number"] in page.text
    assert "福州市医疗保障局" in page.text  # the issuing department, named
    assert "张三" not in page.text and "就医地在本省" not in page.text  # nothing personal


@pytest.mark.usefixtures("population")
def test_the_verification_page_tells_the_issued_file_from_an_altered_one(
    client: TestClient,
    as_user,
    db: Session,  # type: ignore[no-untyped-def]
) -> None:
    headers = as_user("zhangsan")
    result = _refused(client, db, headers)
    pdf = client.get(f"{API}/results/{result['id']}/document", headers=headers).content
    query = parse_qs(urlparse(_qr_link(pdf)).query)
    fields = {"n": query["n"][0], "c": query["c"][0]}
    visitor = TestClient(client.app)
    form = visitor.get("/documents/verify", params=fields)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token is not None
    fields["csrf_token"] = token.group(1)

    def upload(data: bytes) -> str:
        files = {"file": ("decision.pdf", data, "application/pdf")}
        answer = visitor.post("/documents/verify", data=fields, files=files)
        assert answer.status_code == 200, answer.text
        return answer.text

    assert "与出具的原件一致，未被改动" in upload(pdf)
    altered = pdf.replace(b"/Title", b"/Titel", 1)
    assert "PDF 签名验证失败：签名所覆盖的内容被改动过" in upload(altered)
    wrong = visitor.get("/documents/verify", params={**fields, "c": "0" * 24})
    assert wrong.status_code == 404 and "没有文号和核验码与此相符的文书" in wrong.text
    english = visitor.get(
        "/documents/verify", params={"n": fields["n"], "c": fields["c"], "lang": "en"}
    )
    assert "Document issued by this platform" in english.text


@pytest.mark.usefixtures("population")
def test_the_bare_verification_page_takes_a_file_and_reads_its_number_and_code(
    client: TestClient,
    as_user,
    db: Session,  # type: ignore[no-untyped-def]
) -> None:
    """The page without its QR address said one could upload, but had no form."""
    headers = as_user("zhangsan")
    result = _refused(client, db, headers)
    pdf = client.get(f"{API}/results/{result['id']}/document", headers=headers).content
    visitor = TestClient(client.app)
    page = visitor.get("/documents/verify")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    fields = {"csrf_token": token.group(1)}

    def upload(data: bytes) -> Any:
        files = {"file": ("decision.pdf", data, "application/pdf")}
        return visitor.post("/documents/verify", data=fields, files=files)

    answer = upload(pdf)
    assert answer.status_code == 200 and "与出具的原件一致，未被改动" in answer.text
    assert result["number"] in answer.text
    assert "PDF 签名验证失败" in upload(pdf.replace(b"/Title", b"/Titel", 1)).text
    stranger = upload(b"%PDF-1.4 no link here")
    assert stranger.status_code == 400 and "找不到本平台文书的核验信息" in stranger.text
    assert 'href="/licences/verify"' in stranger.text  # a licence PDF is verified there
    empty = visitor.post("/documents/verify", data=fields)
    assert empty.status_code == 400 and "请选择要核验的文书文件" in empty.text


def test_a_long_decision_runs_onto_a_second_page_with_the_seal_on_the_last() -> None:
    document = official.Document(
        title="不予行政许可决定书",
        number="SCJG不许〔2026〕000001号",
        issuer="福州市市场监督管理局",
        issued_on=date(2026, 12, 1),
        rows=[("不予许可理由", "经营场所与登记住所不一致，且未提交整改材料。" * 60)],
        footer=official.chinese_date(date(2026, 12, 1)),
        verify_url="https://tongban.example/documents/verify?n=x&c=y",
    )
    pdf = official.render(document)
    assert len(re.findall(rb"/Type /Page\b(?!s)", pdf)) >= 2
    assert _qr_link(pdf) == document.verify_url


def test_a_rejection_at_intake_gives_a_sealed_verifiable_notice_with_the_reason(
    client: TestClient, as_user: Any
) -> None:
    """不予受理 was a state and an in-app message; 行政许可法 art. 32 asks a written notice
    with the organ's seal, the date and the reason."""
    applicant, ga = as_user("zhangsan"), as_user("ga")
    number = submit_id_card(client, applicant)
    task = open_task(client, ga, number, "accept")
    assert act(client, ga, task, "reject", opinion="非本市户籍").status_code == 200
    assert any(done.startswith("document.print#") for done in run_worker(client))
    (notice,) = client.get(f"{API}/cases/{number}/results", headers=applicant).json()
    assert notice["title"] == "不予受理通知书"
    assert re.fullmatch(r"GA不受〔\d{4}〕\d{6}号", notice["number"]), notice["number"]  # not 文
    pdf = client.get(f"{API}/results/{notice['id']}/document", headers=applicant).content
    assert pdf.startswith(b"%PDF") and b"/FontFile2" in pdf
    page = TestClient(client.app).get(_qr_link(pdf))
    assert page.status_code == 200 and "不予受理通知书" in page.text
    assert "非本市户籍" not in page.text  # the public page shows nothing of the reason


def test_a_correction_request_gives_a_sealed_verifiable_notice_listed_on_the_case(
    client: TestClient, as_user: Any, db: Session
) -> None:
    """The one correction notice (一次性告知, 行政许可法 art. 32) was a list on the case
    page only: now it is also a 补正告知书, numbered, sealed and verifiable, every problem
    under the name of its field or material, on the applicant's and the clerk's pages."""
    applicant, ga = as_user("zhangsan"), as_user("ga")
    number = submit_id_card(client, applicant)
    task = open_task(client, ga, number, "accept")
    problems = [
        {"target": "materials.PHOTO", "problem": "照片背景不是白色，请重新上传"},
        {"target": "phone", "problem": "号码少一位"},
    ]
    sent = act(client, ga, task, "correction", problems=problems, opinion="请一并补正")
    assert sent.status_code == 201, sent.text
    assert any(done.startswith("document.print#") for done in run_worker(client))
    (notice,) = client.get(f"{API}/cases/{number}/results", headers=applicant).json()
    assert notice["title"] == "补正告知书" and notice["kind"] == "correction"
    assert re.fullmatch(r"\w+补正〔\d{4}〕\d{6}号", notice["number"]), notice["number"]
    row = db.get(ResultDocument, notice["id"])
    assert row is not None and row.content is not None
    rows = dict(map(tuple, row.content["rows"]))
    assert rows["补正事项1"] == "近期免冠证件照片(数码相片回执)：照片背景不是白色，请重新上传"
    assert rows["补正事项2"].endswith("：号码少一位") and rows["说明"] == "请一并补正"
    pdf = client.get(f"{API}/results/{notice['id']}/document", headers=applicant).content
    assert pdf.startswith(b"%PDF") and b"/FontFile2" in pdf
    page = TestClient(client.app).get(_qr_link(pdf))
    assert page.status_code == 200 and "补正告知书" in page.text
    assert "照片背景" not in page.text  # the public page shows nothing of the problems
    link = f'href="/api/v1/results/{notice["id"]}/document"'
    case_page = client.get(f"/cases/{number}", headers=applicant)
    assert link in case_page.text and notice["number"] in case_page.text
    assert link in client.get(f"/staff/tasks/{task['id']}", headers=ga).text
