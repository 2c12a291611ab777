"""Found in trial: in English, the commitment letter (告知承诺书) an applicant reads and
signs, and the opinion the platform writes when it approves on the commitment, were
Chinese. The catalog gives each letter's English (``text_en``), read on English pages and
in the API beside the Chinese text, which stays what is signed."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import API, act, entry, open_task, submitted
from tests.lenient.support import FOOD
from tests.web.conftest import signed_in
from tests.web.support import SignedIn
from tongban.cases.materials.signing import text_digest
from tongban.demo.samples import fill_form

__all__ = ["signed_in"]

LETTER = "COMMITMENT_LETTER"
OPENING_EN = 'We (I) apply for "Food business licence (commitment-based)".'
PLEDGE_ZH = "本人(本单位)郑重承诺"


def test_the_letter_reads_in_english_and_the_chinese_is_signed(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    headers = as_user("minfeng")
    spec = entry(client, FOOD)
    body = {"code": FOOD, "form_data": fill_form(spec["form"])}
    number = client.post(f"{API}/cases", json=body, headers=headers).json()["number"]
    letter = client.get(f"{API}/cases/{number}/materials/{LETTER}/letter", headers=headers)
    assert letter.status_code == 200, letter.text
    read = letter.json()
    assert read["text_en"].startswith(OPENING_EN) and PLEDGE_ZH in read["text"]
    assert read["sha256"] == text_digest(read["text"])
    page = signed_in("minfeng").get(f"/cases/{number}/edit", params={"lang": "en"}).text
    assert OPENING_EN.replace('"', "&#34;") in page and PLEDGE_ZH not in page


def test_an_approval_on_the_commitment_reads_in_english(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    number = str(submitted(client, as_user("minfeng"), FOOD)["number"])
    task = open_task(client, as_user("scjg"), number, "accept")
    assert act(client, as_user("scjg"), task, "accept", opinion="予以受理").status_code == 200
    page = signed_in("minfeng").get(f"/cases/{number}", params={"lang": "en"}).text
    assert "Commitment approval: the applicant committed in writing" in page
    assert "告知承诺：申请人已书面承诺" not in page
    # what the post-approval check will verify, as the applicant reads it
    assert "An on-site check that the premises" in page and "现场核查经营场所" not in page
    checks = client.get(f"{API}/post-checks", headers=as_user("scjg")).json()
    check = next(c for c in checks if c["case_number"] == number)
    assert check["scope_en"].startswith("An on-site check that the premises")
