"""Downloaded files carry a name with the case number, Chinese kept through RFC 5987
``filename*`` (issue 8, fault 19: result documents downloaded as "document").
"""

from __future__ import annotations

from urllib.parse import unquote

from fastapi.testclient import TestClient

from tests.factories import API, act, draft, open_task, run_worker, submitted, upload
from tests.web.support import ITEM, PDF, SignedIn
from tongban.web.downloads import disposition


def _names(header: str) -> tuple[str, str]:
    """(the ASCII filename, the decoded filename*) of a Content-Disposition header."""
    plain = header.split('filename="', 1)[1].split('"', 1)[0]
    return plain, unquote(header.split("filename*=UTF-8''", 1)[1])


def test_a_result_document_downloads_with_the_case_number_and_its_title(
    client: TestClient, as_user, signed_in: SignedIn
) -> None:  # type: ignore[no-untyped-def]
    number = submitted(client, as_user("zhangsan"), ITEM)["number"]
    rs = as_user("rs")
    act(client, rs, open_task(client, rs, number, "accept"), "accept")
    # the item lists 受理 and 审查 only: the review decides and the results are issued with it
    review = act(client, rs, open_task(client, rs, number, "review"), "review", outcome="approved")
    assert review.status_code == 200
    run_worker(client)  # the result is an e-licence: its PDF is printed by the worker
    result = client.get(f"{API}/cases/{number}/results", headers=as_user("zhangsan")).json()[0]
    response = client.get(f"{API}/results/{result['id']}/document", headers=as_user("zhangsan"))
    header = response.headers["content-disposition"]
    assert header.startswith("attachment;")
    plain, named = _names(header)
    # a signed e-licence's file also names its licence number
    assert named.startswith(f"{number}-{result['title']}") and named.endswith(".pdf")
    assert plain.startswith(number) and plain.endswith(".pdf")
    page = signed_in("zhangsan").get(f"/cases/{number}").text
    assert f'href="/api/v1/results/{result["id"]}/document" download' in page


def test_a_material_opens_inline_under_its_case_number_and_uploaded_name(
    client: TestClient, as_user
) -> None:  # type: ignore[no-untyped-def]
    number = draft(client, as_user("zhangsan"), ITEM)["number"]
    uploaded = upload(client, as_user("zhangsan"), number, "ID_CARD", PDF)
    assert uploaded.status_code == 201, uploaded.text
    response = client.get(
        f"{API}/materials/{uploaded.json()['id']}/content", headers=as_user("zhangsan")
    )
    header = response.headers["content-disposition"]
    assert header.startswith("inline;")
    assert _names(header)[1] == f"{number}-ID_CARD.pdf"


def test_names_are_safe_in_a_header() -> None:
    header = disposition('营业执照"\r\n../x.pdf')
    assert "\r" not in header and "\n" not in header and "/" not in unquote(header)
    assert _names(header) == ("x.pdf", "营业执照_.._x.pdf")


def test_the_plain_name_for_old_clients_drops_what_it_cannot_spell() -> None:
    header = disposition("350100202611050000001-居民户口簿(新生儿户口页).pdf")
    assert _names(header)[0] == "350100202611050000001.pdf"
    assert _names(disposition("Birth certificate (copy).pdf"))[0] == "Birth-certificate-copy.pdf"
