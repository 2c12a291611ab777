"""Text no database can store — the NUL character and lone UTF-16 surrogates — is refused
with a 422 that names the place, wherever it arrives: query, path, JSON body, form fields.

PostgreSQL's text cannot hold NUL and raised a server error when it reached a query
(``GET /api/v1/items?department=%00``); SQLite stored it silently. Both now refuse it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.web.support import ITEM, PDF, VALID, csrf


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/items?department=%00",
        "/api/v1/items?q=%E5%8A%9E%00%E7%90%86",
        "/api/v1/search?q=%00",
        "/api/v1/items/%00",
        "/api/v1/cases/2025%00",
        "/api/v1/licences/verify?code=%00",
    ],
)
def test_api_query_and_path_refuse_nul(
    client: TestClient, as_user: Callable[[str], dict[str, str]], url: str
) -> None:
    response = client.get(url, headers=as_user("zhangsan"))
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert "空字符" in error["message"]
    assert error["field"]


@pytest.mark.parametrize("escaped", ["张\\u0000三", "\\ud800", "ok\\udfffok"])
def test_api_json_strings_refuse_nul_and_lone_surrogates(
    client: TestClient, as_user: Callable[[str], dict[str, str]], escaped: str
) -> None:
    body = f'{{"code": "{ITEM}", "form_data": {{"applicant_name": "{escaped}"}}}}'
    response = client.post(
        "/api/v1/cases",
        content=body.encode(),
        headers={**as_user("zhangsan"), "Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["field"] == "form_data.applicant_name"
    assert client.get("/api/v1/cases", headers=as_user("zhangsan")).json() == []


def test_json_keys_are_checked_too(
    client: TestClient, as_user: Callable[[str], dict[str, str]]
) -> None:
    response = client.post(
        "/api/v1/cases",
        content=f'{{"code": "{ITEM}", "form_data": {{"a\\u0000b": "x"}}}}'.encode(),
        headers={**as_user("zhangsan"), "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "form_data"


def test_page_query_refuses_nul_in_the_users_language(client: TestClient) -> None:
    response = client.get("/?q=%00")
    assert response.status_code == 422
    assert "text/html" in response.headers["content-type"]
    assert "空字符" in response.text
    english = client.get("/?q=%00", headers={"Accept-Language": "en"})
    assert "NUL" in english.text


def test_page_form_refuses_nul_and_saves_nothing(
    signed_in: Callable[[str], TestClient],
) -> None:
    client = signed_in("zhangsan")
    token = csrf(client.get(f"/apply/{ITEM}").text)
    response = client.post(
        f"/apply/{ITEM}",
        data={**VALID, "employer_name": "福州\x00示例", "csrf_token": token},
    )
    assert response.status_code == 422
    assert "字段“employer_name”含有空字符" in response.text
    assert client.get("/api/v1/cases").json() == []


def test_multipart_text_fields_are_checked_but_file_bytes_are_not(
    client: TestClient, as_user: Callable[[str], dict[str, str]]
) -> None:
    headers = as_user("zhangsan")
    case: dict[str, Any] = client.post(
        "/api/v1/cases", json={"code": ITEM, "form_data": VALID}, headers=headers
    ).json()
    url = f"/api/v1/cases/{case['number']}/materials"
    pdf = PDF + b"%\x00\x00binary\n"
    refused = client.post(
        url,
        data={"material_code": "A\x00"},
        files={"file": ("a.pdf", pdf, "application/pdf")},
        headers=headers,
    )
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["field"] == "material_code"
    materials = client.get(url, headers=headers).json()
    assert materials == [] or all(m["material_code"] != "A\x00" for m in materials)
