"""An SM2-signed (国密) licence verifies as genuine and in force, and once past its validity
every way of checking it says plainly that it has expired and on which day its validity
ended: the page a licence's QR code opens (in Chinese and English) and the API, by number
and by its uploaded PDF."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Clock
from tests.factories import API
from tests.licences.support import FOOD, held, licensed


def _page(client: TestClient, number: str, locale: str = "zh") -> str:
    headers = {"Accept-Language": locale}
    response = client.get("/licences/verify", params={"q": number}, headers=headers)
    assert response.status_code == 200, response.text
    return response.text


@pytest.mark.parametrize("algorithm", ["sm2"], indirect=True)
def test_an_sm2_licence_is_valid_and_once_past_its_validity_says_so_plainly(
    algorithm: str, client: TestClient, as_user: Any, clock: Clock
) -> None:
    result = licensed(client, as_user, FOOD)
    page = _page(client, result["number"])
    assert "核验结果: 有效" in page and "证照真实有效。" in page and "sm2 (" in page
    until = held(client, as_user("minfeng"), result["number"])["valid_until"]
    pdf = client.get(f"{API}/results/{result['id']}/document", headers=as_user("minfeng"))
    clock.advance(days=5 * 365 + 2)
    page = _page(client, result["number"])
    assert "核验结果: 已过期" in page
    assert f"证照真实，但已过有效期：有效期至 {until}，现已失效" in page
    english = _page(client, result["number"], "en")
    assert f"Genuine, but expired: it was valid until {until}" in english
    files = {"file": ("licence.pdf", pdf.content, "application/pdf")}
    uploaded = client.post(f"{API}/licences/verify", files=files).json()
    assert uploaded["verdict"] == "expired" and uploaded["record"]["algorithm"] == "sm2"
    assert f"有效期至 {until}" in uploaded["message"]
