"""Attachments of the messages on a case (在线沟通) through the API as on the pages: the
applicant and the department send files with a message, each checked as every upload is
(its type by its bytes, its size), and only the parties of the thread download each."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import API, submitted
from tests.messaging.test_messages import ask_ga_to_verify
from tests.web.support import ITEM, SignedIn, csrf
from tongban.demo.samples import SAMPLES
from tongban.web.runtime import Runtime

PDF, PNG = SAMPLES["pdf"], SAMPLES["png"]
QUESTION = "解除劳动合同的证明见附件，请查收。"


def _send(
    client: TestClient, headers: dict[str, str], number: str, name: str, data: bytes, **form: str
) -> Any:
    return _send_files(client, headers, number, [(name, data)], **form)


def _send_files(
    client: TestClient,
    headers: dict[str, str],
    number: str,
    sent: list[tuple[str, bytes]],
    **form: str,
) -> Any:
    fields = {"department": "RS", "body": QUESTION, **form}
    files = [("attachment", (name, data, "application/octet-stream")) for name, data in sent]
    url = f"{API}/cases/{number}/messages/with-attachment"
    return client.post(url, data=fields, files=files, headers=headers)


def _download(
    client: TestClient, headers: dict[str, str], number: str, message: dict[str, Any], n: int = 0
) -> Any:
    file = message["attachments"][n]["id"]
    url = f"{API}/cases/{number}/messages/{message['id']}/attachments/{file}"
    return client.get(url, headers=headers)


def test_the_applicant_and_the_department_exchange_files_through_the_api(
    client: TestClient, as_user: Any
) -> None:
    number = submitted(client, as_user("zhangsan"), ITEM)["number"]
    sent = _send(client, as_user("zhangsan"), number, "解除证明.pdf", PDF)
    assert sent.status_code == 201, sent.text
    message = sent.json()
    assert message["from_applicant"] is True and message["body"] == QUESTION
    (file,) = message["attachments"]
    assert (file["name"], file["content_type"], file["size"]) == (
        "解除证明.pdf",
        "application/pdf",
        len(PDF),
    )
    got = _download(client, as_user("rs"), number, message)
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["content-type"] == "application/pdf"

    reply = _send(client, as_user("rs"), number, "回执.png", PNG, body="已收到，见回执。")
    assert reply.status_code == 201 and reply.json()["from_applicant"] is False
    back = _download(client, as_user("zhangsan"), number, reply.json())
    assert back.status_code == 200 and back.content == PNG
    listed = client.get(f"{API}/cases/{number}/messages", headers=as_user("zhangsan")).json()
    assert [[f["name"] for f in m["attachments"]] for m in listed] == [
        ["解除证明.pdf"],
        ["回执.png"],
    ]


def test_a_message_carries_several_files_each_downloaded_in_the_order_sent(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    number = submitted(client, as_user("zhangsan"), ITEM)["number"]
    sent = [("解除证明.pdf", PDF), ("工资条.png", PNG), ("社保记录.pdf", PDF)]
    message = _send_files(client, as_user("zhangsan"), number, sent).json()
    assert [f["name"] for f in message["attachments"]] == [name for name, _ in sent]
    for n, (_name, data) in enumerate(sent):
        assert _download(client, as_user("rs"), number, message, n).content == data
    page = signed_in("rs").get(f"/cases/{number}/messages/RS").text
    for file in message["attachments"]:
        link = f"/cases/{number}/messages/RS/{message['id']}/attachments/{file['id']}"
        assert f'href="{link}"' in page and f"附件：{file['name']}" in page
    other = _send_files(client, as_user("zhangsan"), number, sent[:1]).json()
    mixed = f"{API}/cases/{number}/messages/{other['id']}/attachments/"
    mixed += str(message["attachments"][1]["id"])  # a file of another message
    assert client.get(mixed, headers=as_user("rs")).status_code == 404


def test_every_bad_file_of_several_is_named_and_too_many_are_refused(
    client: TestClient, as_user: Any
) -> None:
    number = submitted(client, as_user("zhangsan"), ITEM)["number"]
    bad = [("说明.txt", b"hello"), ("证明.pdf", PDF), ("照片.png", PDF)]
    refused = _send_files(client, as_user("zhangsan"), number, bad)
    assert refused.status_code == 422
    said = refused.json()["error"]["message"]
    assert "说明.txt" in said and "照片.png" in said and "证明.pdf" not in said
    many = _send_files(client, as_user("zhangsan"), number, [("证明.pdf", PDF)] * 6)
    assert many.status_code == 422 and "最多附 5 个文件" in many.json()["error"]["message"]
    assert client.get(f"{API}/cases/{number}/messages", headers=as_user("zhangsan")).json() == []


def test_a_bad_file_is_refused_saying_what_to_fix_and_nothing_is_sent(
    client: TestClient, as_user: Any
) -> None:
    number = submitted(client, as_user("zhangsan"), ITEM)["number"]
    wrong_type = _send(client, as_user("zhangsan"), number, "说明.txt", b"hello")
    assert wrong_type.status_code == 422
    assert "格式不受支持，请上传 PDF、PNG、JPG、OFD 格式" in wrong_type.json()["error"]["message"]
    renamed = _send(client, as_user("zhangsan"), number, "证明.pdf", PNG)
    assert renamed.status_code == 422 and "内容不是 PDF 格式" in renamed.json()["error"]["message"]
    empty = _send(client, as_user("zhangsan"), number, "证明.pdf", PDF, body=" ")
    assert empty.status_code == 422 and "请填写留言内容" in empty.json()["error"]["message"]
    assert client.get(f"{API}/cases/{number}/messages", headers=as_user("zhangsan")).json() == []


def test_a_file_over_the_upload_limit_is_refused_naming_the_limit_and_nothing_is_kept(
    client: TestClient, as_user: Any, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = submitted(client, as_user("zhangsan"), ITEM)["number"]
    monkeypatch.setattr(runtime.settings, "max_upload_mb", 1)
    stored = sorted(Path(runtime.settings.file_store_path).rglob("*"))
    big = PDF + b"0" * (1024 * 1024)  # past 1 MB, within the form's room the body may have
    refused = _send(client, as_user("zhangsan"), number, "解除证明.pdf", big)
    assert refused.status_code == 422
    assert "文件“解除证明.pdf”超过 1 MB" in refused.json()["error"]["message"]
    headers = {**as_user("zhangsan"), "Accept-Language": "en"}
    english = _send(client, headers, number, "解除证明.pdf", big)
    assert "is larger than 1 MB" in english.json()["error"]["message"]
    assert client.get(f"{API}/cases/{number}/messages", headers=as_user("zhangsan")).json() == []
    assert sorted(Path(runtime.settings.file_store_path).rglob("*")) == stored


def test_nobody_outside_the_thread_downloads_an_attachment(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    number = submitted(client, as_user("zhangsan"), ITEM)["number"]
    message = _send(client, as_user("zhangsan"), number, "解除证明.pdf", PDF).json()
    page_url = f"/cases/{number}/messages/RS/{message['id']}/attachments/"
    page_url += str(message["attachments"][0]["id"])
    # 人社局 asks 公安局 to verify a fact: 公安局 now reads the case, not its messages
    ask_ga_to_verify(client, as_user, number)
    for outsider in ("lisi", "ga", "sw"):  # another applicant, a department asked, another
        refused = _download(client, as_user(outsider), number, message)
        assert refused.status_code in (403, 404) and PDF not in refused.content, outsider
        page = signed_in(outsider).get(page_url)
        assert page.status_code in (403, 404) and PDF not in page.content, outsider
        wrote = _send(client, as_user(outsider), number, "x.pdf", PDF)
        assert wrote.status_code == 404, outsider
    assert _download(client, as_user("supervisor"), number, message).content == PDF


def test_the_api_documents_sending_and_downloading_an_attachment(client: TestClient) -> None:
    described = client.get(f"{API}/openapi.json").json()
    paths, schemas = described["paths"], described["components"]["schemas"]
    send = paths[f"{API}/cases/{{number}}/messages/with-attachment"]["post"]
    form = send["requestBody"]["content"]["multipart/form-data"]["schema"]
    fields = schemas[form["$ref"].rsplit("/", 1)[-1]]["properties"]
    assert set(fields) == {"department", "body", "attachment"}
    assert "PDF" in fields["attachment"]["description"]
    assert send["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "MessageRead"
    )
    download = paths[
        f"{API}/cases/{{number}}/messages/{{message_id}}/attachments/{{attachment_id}}"
    ]
    download = download["get"]
    assert set(download["responses"]["200"]["content"]) >= {"application/pdf", "image/png"}


def test_the_page_sends_a_file_and_the_staff_answer_with_one(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    number = submitted(client, as_user("zhangsan"), ITEM)["number"]
    rs = signed_in("rs")
    url = f"/cases/{number}/messages/RS"
    token = csrf(rs.get(url).text)
    files = {"attachment": ("回执.png", PNG, "image/png")}
    sent = rs.post(url, data={"csrf_token": token, "body": "请查看回执。"}, files=files)
    assert sent.status_code == 200 and "附件：回执.png" in sent.text
    (message,) = client.get(f"{API}/cases/{number}/messages", headers=as_user("zhangsan")).json()
    page = signed_in("zhangsan").get(
        f"{url}/{message['id']}/attachments/{message['attachments'][0]['id']}"
    )
    assert page.status_code == 200 and page.content == PNG


def test_the_page_sends_several_files_with_one_message(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    number = submitted(client, as_user("zhangsan"), ITEM)["number"]
    applicant = signed_in("zhangsan")
    url = f"/cases/{number}/messages/RS"
    form = applicant.get(url).text
    assert 'name="attachment" accept=".pdf,.png,.jpg,.jpeg,.ofd" multiple' in form
    assert "可选多个文件（最多 5 个）" in form
    applicant.cookies.set("tongban_lang", "en")
    assert "Several files may be chosen (at most 5)" in applicant.get(url).text
    applicant.cookies.delete("tongban_lang")
    files = [
        ("attachment", ("解除证明.pdf", PDF, "application/pdf")),
        ("attachment", ("工资条.png", PNG, "image/png")),
    ]
    sent = applicant.post(url, data={"csrf_token": csrf(form), "body": QUESTION}, files=files)
    assert sent.status_code == 200
    assert "附件：解除证明.pdf" in sent.text and "附件：工资条.png" in sent.text
    (message,) = client.get(f"{API}/cases/{number}/messages", headers=as_user("rs")).json()
    got = [
        signed_in("rs").get(f"{url}/{message['id']}/attachments/{file['id']}").content
        for file in message["attachments"]
    ]
    assert got == [PDF, PNG]
