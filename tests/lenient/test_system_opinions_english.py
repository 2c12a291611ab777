"""What the platform itself writes on the lenient paths reads in English on English pages,
in the API and in English messages: a case ended because deficiency materials did not
arrive, a licence revoked by a failed post-approval check, a conditional licence revoked
at its deadline. Found in a check of issue 11: each read in Chinese only."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Clock
from tests.factories import API
from tests.lenient import test_conditional_licence as conditional
from tests.lenient.test_commitment import _licensed
from tests.lenient.test_deficiency import _accepted
from tests.web.conftest import signed_in
from tests.web.support import SignedIn
from tongban.worker import run_once

__all__ = ["signed_in"]

CJK = re.compile(r"[\u4e00-\u9fff]")
ENDED_EN = "were not supplied by the deadline"
ENDED_ZH = "未在补齐期限"


def test_a_case_ended_for_missing_materials_says_why_in_english(
    client: TestClient, as_user: Any, clock: Clock, runtime: Any, signed_in: SignedIn
) -> None:
    headers = as_user("minfeng")
    client.put(f"{API}/me/message-language", json={"locale": "en"}, headers=headers)
    number, _ = _accepted(client, as_user)
    clock.advance(days=5)
    assert number in run_once(runtime)["deficiencies_due"]
    events = client.get(f"{API}/cases/{number}/timeline", headers=headers).json()["events"]
    ended = next(e for e in events if e["action"] == "case.terminate")
    assert ENDED_ZH in ended["opinion"]
    english = ended["opinion_en"]
    assert ENDED_EN in english and "the case is terminated" in english, english
    assert not CJK.search(english), english
    page = signed_in("minfeng").get(f"/cases/{number}", params={"lang": "en"}).text
    assert ENDED_EN in page and ENDED_ZH not in page
    box = client.get(f"{API}/me/messages", headers=headers).json()
    body = next(m["body"] for m in box if m["title"] == f"Case ended: {number}")
    assert ENDED_EN in body and ENDED_ZH not in body, body


def test_a_licence_revoked_by_a_failed_post_check_says_why_in_english(
    client: TestClient, as_user: Any
) -> None:
    number, licence = _licensed(client, as_user)
    check = next(
        c
        for c in client.get(f"{API}/post-checks", headers=as_user("scjg")).json()
        if c["case_number"] == number
    )
    body = {"passed": False, "finding": "无冷藏设施"}
    done = client.post(
        f"{API}/post-checks/{check['id']}/result", json=body, headers=as_user("scjg")
    )
    assert done.status_code == 200, done.text
    page = client.get("/licences/verify", params={"q": licence["number"], "lang": "en"}).text
    assert "post-approval check of the commitment failed: 无冷藏设施" in page
    assert "告知承诺事后核查不合格" not in page
    mine = client.get(f"{API}/licences", headers=as_user("minfeng")).json()
    revoked = next(item for item in mine if item["number"] == licence["number"])
    assert revoked["status_reason"].startswith("告知承诺事后核查不合格")
    assert revoked["status_reason_en"].startswith("The post-approval check")


def test_a_conditional_licence_revoked_at_its_deadline_says_why_in_english(
    client: TestClient, as_user: Any, clock: Clock, runtime: Any, signed_in: SignedIn
) -> None:
    number = conditional._accepted(client, as_user)
    clock.advance(days=10)
    assert number in run_once(runtime)["deficiencies_due"]
    revoked = conditional._licence(client, as_user, number)
    assert revoked["status"] == "revoked"
    assert "the conditional licences are revoked" in revoked["status_reason_en"]
    page = signed_in("minfeng").get(f"/licences/{revoked['id']}", params={"lang": "en"}).text
    assert "the conditional licences are revoked" in page and "附条件证照予以撤销" not in page
