"""Wherever a draft of a withdrawn item appears (its case page, the list of my cases), the
applicant reads why it cannot be submitted, in the words submission refuses it with."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import API, draft
from tests.web.support import ITEM, SignedIn, sign_in
from tests.web.test_withdrawn_item_pages import _withdraw


def _notice(html: str) -> str:
    found = re.search(r'class="alert" role="(?:alert|note)"[^>]*>(?:<p>)?([^<]+)<', html)
    assert found, "no notice on the page"
    return found.group(1)


def test_the_case_page_and_my_cases_say_the_item_was_withdrawn(
    client: TestClient, as_user: Any, signed_in: SignedIn, db: Session
) -> None:
    headers = as_user("zhangsan")
    number = draft(client, headers, ITEM)["number"]
    _withdraw(db)
    refused = client.post(f"{API}/cases/{number}/submit", headers=headers).json()["error"]

    browser = signed_in("zhangsan")
    case_page = browser.get(f"/cases/{number}").text
    assert _notice(case_page) == refused["message"]
    listing = browser.get("/my/cases").text
    row = listing[listing.index(number) : listing.index("</tr>", listing.index(number))]
    assert _notice(row) == refused["message"]


def test_an_english_user_reads_the_notice_in_english(
    client: TestClient, as_user: Any, db: Session
) -> None:
    number = draft(client, as_user("zhangsan"), ITEM)["number"]
    _withdraw(db)
    client.cookies.clear()
    sign_in(client, "zhangsan")
    page = client.get(f"/cases/{number}", headers={"Accept-Language": "en"}).text
    assert "is no longer offered" in _notice(page)
