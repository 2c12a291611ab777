"""Uploading materials to a draft case through the API."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import API, draft, upload
from tongban.demo.samples import SAMPLES, sample

ITEM = "3501-WJW-002"  # 放射工作人员证核发: PDF/OFD letters, a JPG/PNG photo


def _materials(client: TestClient, headers: dict[str, str], number: str) -> list[dict[str, Any]]:
    response = client.get(f"{API}/cases/{number}/materials", headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json())


def test_exe_is_refused_and_earlier_uploads_stay(client: TestClient, as_user: Any) -> None:
    headers = as_user("zhangsan")
    case = draft(client, headers, ITEM)
    before = _materials(client, headers, case["number"])
    assert before

    response = upload(client, headers, case["number"], "UNIT_LETTER", b"MZ\x90\x00", "exe")

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == "file"
    assert error["message"] == "文件“UNIT_LETTER.exe”的格式不受支持，请上传 PDF、OFD 格式。"
    assert _materials(client, headers, case["number"]) == before


def test_pdf_for_a_photo_is_refused(client: TestClient, as_user: Any) -> None:
    headers = as_user("zhangsan")
    case = draft(client, headers, ITEM)

    response = upload(client, headers, case["number"], "PHOTO", SAMPLES["pdf"], "pdf")

    assert response.status_code == 422
    assert "JPG、PNG" in response.json()["error"]["message"]


def test_new_upload_replaces_the_earlier_one_of_the_same_material(
    client: TestClient, as_user: Any
) -> None:
    headers = as_user("zhangsan")
    case = draft(client, headers, ITEM)

    response = upload(client, headers, case["number"], "PHOTO", SAMPLES["png"], "png")

    assert response.status_code == 201, response.text
    photos = [
        m for m in _materials(client, headers, case["number"]) if m["material_code"] == "PHOTO"
    ]
    assert [photo["filename"] for photo in photos] == ["PHOTO.png"]
    assert photos[0]["content_type"] == "image/png"


def test_uploaded_content_comes_back_unchanged(client: TestClient, as_user: Any) -> None:
    headers = as_user("zhangsan")
    case = draft(client, headers, ITEM)
    letter = next(
        m
        for m in _materials(client, headers, case["number"])
        if m["material_code"] == "UNIT_LETTER"
    )

    response = client.get(f"{API}/materials/{letter['id']}/content", headers=headers)

    assert response.status_code == 200
    assert response.content == sample("pdf", f"{case['number']}/UNIT_LETTER")  # as uploaded


def test_another_applicant_cannot_upload_to_the_case(client: TestClient, as_user: Any) -> None:
    case = draft(client, as_user("zhangsan"), ITEM)

    response = upload(client, as_user("lisi"), case["number"], "UNIT_LETTER")

    assert response.status_code == 404
