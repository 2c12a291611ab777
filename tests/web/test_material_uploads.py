"""Materials uploaded one by one from the form page as soon as they are chosen: the row
comes back with the stored file (name, size, preview, 更换) or the reason it was refused.
"""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from tests.web.support import ITEM, PDF, VALID, SignedIn, apply, check_structure, csrf, found
from tongban.demo.samples import SAMPLES
from tongban.web.runtime import Runtime

SCRIPT = {"X-Requested-With": "XMLHttpRequest"}
PHOTO_ITEM = "3501-WJW-002"  # 放射工作人员证: a photo (jpg, png) among its materials


def _draft(client: TestClient, code: str = ITEM) -> tuple[str, str]:
    """Save an empty draft the way the script does before the first upload: (number, token)."""
    token = csrf(client.get(f"/apply/{code}").text)
    saved = client.post(f"/apply/{code}", data={"intent": "save", "csrf_token": token})
    return found(r"/cases/(\d+)/edit", str(saved.url)), token


def _upload(  # type: ignore[no-untyped-def]
    client: TestClient,
    number: str,
    code: str,
    file: tuple[str, bytes, str],
    token: str,
    headers: dict[str, str] = SCRIPT,
):
    return client.post(
        f"/cases/{number}/materials/{code}",
        data={"csrf_token": token},
        files={"file": file},
        headers=headers,
        follow_redirects=False,
    )


def test_the_form_tells_the_script_where_uploads_go(signed_in: SignedIn) -> None:
    client = signed_in("zhangsan")
    assert 'class="appform" data-new-draft' in client.get(f"/apply/{ITEM}").text
    number, _ = _draft(client)
    edit = client.get(f"/cases/{number}/edit").text
    assert f'data-uploads="/cases/{number}/materials"' in edit
    assert f'data-upload="/cases/{number}/materials/ID_CARD"' in edit
    block = found(r'<script type="application/json" class="form-messages">(.*?)</script>', edit)
    messages = json.loads(block)  # in the page's language, the server's own wording
    assert messages["required"] == "“%(title)s”必须填写"
    assert messages["material"] == "请上传“%(title)s”"


def test_a_chosen_file_comes_back_as_its_stored_row(signed_in: SignedIn) -> None:
    client = signed_in("zhangsan")
    number, token = _draft(client)
    response = _upload(client, number, "ID_CARD", ("身份证.pdf", PDF, "application/pdf"), token)
    assert response.status_code == 200
    row = response.text
    check_structure(row)
    assert row.lstrip().startswith('<div class="field material has-file" id="material-ID_CARD"')
    assert '<span class="file-name">身份证.pdf</span>' in row
    assert f"{len(PDF)} 字节" in row
    view = found(r'<a href="(/api/v1/materials/\d+/content)" target="_blank"', row)
    assert ">查看</a>" in row and ">更换</button>" in row
    shown = client.get(view)
    assert shown.content == PDF and shown.headers["content-type"] == "application/pdf"
    assert shown.headers["content-disposition"].startswith("inline; filename*=UTF-8''")
    assert "%E8%BA%AB" in shown.headers["content-disposition"]  # the name, percent-encoded


def test_an_image_gets_a_thumbnail(signed_in: SignedIn) -> None:
    client = signed_in("zhangsan")
    number, token = _draft(client, PHOTO_ITEM)
    row = _upload(client, number, "PHOTO", ("photo.jpg", SAMPLES["jpg"], "image/jpeg"), token)
    assert row.status_code == 200
    thumb = found(r'<img class="thumb" src="(/api/v1/materials/\d+/content)"', row.text)
    assert client.get(thumb).headers["content-type"] == "image/jpeg"


def test_replacing_a_file_keeps_only_the_new_one(signed_in: SignedIn) -> None:
    client = signed_in("zhangsan")
    number, token = _draft(client)
    _upload(client, number, "ID_CARD", ("old.pdf", PDF, "application/pdf"), token)
    row = _upload(client, number, "ID_CARD", ("new.png", SAMPLES["png"], "image/png"), token)
    assert "new.png" in row.text and "old.pdf" not in row.text
    edit = client.get(f"/cases/{number}/edit").text
    assert "new.png" in edit and "old.pdf" not in edit


def test_a_refused_file_is_named_next_to_its_material(signed_in: SignedIn) -> None:
    client = signed_in("zhangsan")
    number, token = _draft(client)
    _upload(client, number, "ID_CARD", ("id.pdf", PDF, "application/pdf"), token)
    response = _upload(
        client, number, "ID_CARD", ("id.pdf", b"not a pdf", "application/pdf"), token
    )
    assert response.status_code == 422
    row = response.text
    assert re.search(r'<p class="error" id="me-ID_CARD">文件“id.pdf”的内容不是 PDF 格式', row)
    assert 'aria-invalid="true"' in row and "me-ID_CARD" in found(
        r'aria-describedby="([^"]+)"', row
    )
    assert '<span class="file-name">id.pdf</span>' in row  # the earlier upload still stands
    wrong = _upload(client, number, "ID_CARD", ("id.exe", b"MZ", "application/octet-stream"), token)
    assert "格式不受支持" in wrong.text


def test_a_file_over_the_limit_is_refused(
    signed_in: SignedIn, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = signed_in("zhangsan")
    number, token = _draft(client)
    monkeypatch.setattr(runtime.settings, "max_upload_mb", 1)
    big = PDF + b"0" * (1024 * 1024)
    response = _upload(client, number, "ID_CARD", ("big.pdf", big, "application/pdf"), token)
    assert response.status_code == 422 and "超过 1 MB" in response.text


def test_without_the_script_the_upload_leads_back_to_the_form(signed_in: SignedIn) -> None:
    client = signed_in("zhangsan")
    number, token = _draft(client)
    stored = _upload(client, number, "ID_CARD", ("id.pdf", PDF, "application/pdf"), token, {})
    assert stored.status_code == 303
    assert stored.headers["location"] == f"/cases/{number}/edit"
    refused = _upload(client, number, "ID_CARD", ("id.pdf", b"no", "application/pdf"), token, {})
    assert refused.status_code == 422 and 'id="me-ID_CARD"' in refused.text
    assert f'action="/cases/{number}/edit"' in refused.text


def test_uploads_are_for_the_owner_of_an_open_case(signed_in: SignedIn) -> None:
    number, token = _draft(signed_in("zhangsan"))
    pdf = ("id.pdf", PDF, "application/pdf")
    other = signed_in("lisi")
    assert (
        _upload(other, number, "ID_CARD", pdf, csrf(other.get("/my/cases").text)).status_code == 404
    )
    client = signed_in("zhangsan")
    token = csrf(client.get("/my/cases").text)
    assert _upload(client, number, "ID_CARD", pdf, "0" * 32).status_code == 403
    assert _upload(client, number, "NO_SUCH", pdf, token).status_code == 404
    submitted = found(r"/cases/(\d+)", str(apply(client, ITEM, VALID, {"m_ID_CARD": pdf}).url))
    assert _upload(client, submitted, "ID_CARD", pdf, token).status_code == 409


def test_a_case_in_correction_takes_uploads_from_its_page(signed_in: SignedIn) -> None:
    pdf = ("id.pdf", PDF, "application/pdf")
    number = found(
        r"/cases/(\d+)", str(apply(signed_in("zhangsan"), ITEM, VALID, {"m_ID_CARD": pdf}).url)
    )
    clerk = signed_in("rs")
    task = found(rf'href="/staff/tasks/(\d+)">{number}<', clerk.get("/staff").text)
    page = clerk.get(f"/staff/tasks/{task}").text
    clerk.post(
        f"/staff/tasks/{task}/correction",
        data={
            "csrf_token": csrf(page),
            "rows": "1",
            "row-0-check": "1",
            "row-0-target": "materials.ID_CARD",
            "row-0-problem": "请上传清晰的身份证",
        },
    )
    client = signed_in("zhangsan")
    case = client.get(f"/cases/{number}").text
    assert f'data-uploads="/cases/{number}/materials"' in case
    check_structure(case)  # the form's rows and the read-only list share no ids
    row = _upload(client, number, "ID_CARD", ("clear.png", SAMPLES["png"], "image/png"), csrf(case))
    assert row.status_code == 200 and "clear.png" in row.text
    back = _upload(client, number, "ID_CARD", pdf, csrf(case), {})
    assert back.headers["location"] == f"/cases/{number}"
