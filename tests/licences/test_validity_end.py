"""One validity end for a licence everywhere: its record's 有效期至 (the last day of the
validity in the configured zone, the day before the anniversary of issue) is the date the
case page, the licence wallet and the API's case results all give."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi.testclient import TestClient

from tests.licences.support import FOOD, held, licensed
from tests.web.support import sign_in
from tongban import timefmt


def test_the_case_page_wallet_and_api_give_the_licence_record_date(
    client: TestClient, as_user: Any
) -> None:
    result = licensed(client, as_user, FOOD)
    record = held(client, as_user("minfeng"), result["number"])["valid_until"]
    api = timefmt.local(datetime.fromisoformat(result["valid_until"])).date().isoformat()
    sign_in(client, "minfeng")
    case_page = client.get(f"/cases/{result['case_number']}").text
    wallet = client.get("/my/licences").text
    assert api == record
    assert f"有效期至 {record}" in case_page
    assert f">{record}</td>" in wallet
