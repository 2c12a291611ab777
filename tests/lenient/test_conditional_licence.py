"""An item whose ``deficiency.result`` is ``conditional`` (3501-WJW-003, 公共场所卫生许可证)
issues its e-licence at once when a case is accepted with deficiencies: the licence is
marked conditional (附条件) on its face, in its signed record and on the verification page;
it holds without condition once the materials arrive, and is revoked when the deadline
passes without them."""

from __future__ import annotations

import html
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Clock
from tests.factories import API, act, opinions_en, run_worker, upload
from tests.lenient.support import submitted_without
from tests.licences.support import held
from tongban.worker import run_once

ITEM = "3501-WJW-003"
MISSING = "HYGIENE_RULES"


def _accepted(client: TestClient, as_user: Any) -> str:
    number = submitted_without(client, as_user("minfeng"), ITEM, skip={MISSING})
    letter = client.get(f"{API}/cases/{number}/deficiency/letter", headers=as_user("minfeng"))
    assert letter.status_code == 200, letter.text
    assert "先行发放附条件电子证照" in letter.json()["text"]
    assert "暂不发放" not in letter.json()["text"]
    signed = client.post(
        f"{API}/cases/{number}/deficiency/signature",
        json={"name": "王五"},
        headers=as_user("minfeng"),
    )
    assert signed.status_code == 201, signed.text
    accepted = client.post(
        f"{API}/cases/{number}/deficiency/accept", json={}, headers=as_user("wjw")
    )
    assert accepted.status_code == 200, accepted.text
    for _ in range(6):  # the rest of the process, by staff, while the material is awaited
        task = next(
            (
                t
                for who in ("wjw", "wjw-hz")
                for t in client.get(f"{API}/tasks", headers=as_user(who)).json()
                if t["case_number"] == number
            ),
            None,
        )
        if task is None:
            break
        who = "wjw-hz" if task["stage"] == "decide" else "wjw"
        action = {"review": "review", "decide": "approve", "issue": "issue"}[task["stage"]]
        done = act(client, as_user(who), task, action, outcome="approved", opinion="同意")
        assert done.status_code == 200, done.text
    return number


def _licence(client: TestClient, as_user: Any, number: str) -> dict[str, Any]:
    results = client.get(f"{API}/cases/{number}/results", headers=as_user("minfeng")).json()
    issued = next(r["number"] for r in results if r["kind"] == "licence")
    return held(client, as_user("minfeng"), issued)


def test_the_licence_is_issued_at_once_marked_conditional_and_met_when_supplied(
    client: TestClient, as_user: Any
) -> None:
    number = _accepted(client, as_user)
    licence = _licence(client, as_user, number)
    assert licence["status"] == "valid" and licence["condition"]["until"]
    assert "附条件" in licence["condition"]["zh"] and licence["condition_met_at"] is None
    assert ["附条件", licence["condition"]["zh"]] in [list(r) for r in licence["fields"]]
    run_worker(client)
    found = client.get(f"{API}/licences/verify", params={"q": licence["number"]}).json()
    assert found["verdict"] == "valid" and found["record"]["condition"] == licence["condition"]
    page = client.get("/licences/verify", params={"q": licence["identifier"]}).text
    assert "附条件证照" in page and "条件尚未满足" in page

    assert upload(client, as_user("minfeng"), number, MISSING).status_code == 201
    met = _licence(client, as_user, number)
    assert met["condition_met_at"] is not None and met["status"] == "valid"
    page = client.get("/licences/verify", params={"q": licence["identifier"]}).text
    assert "条件已满足" in page
    assert (
        client.get(f"{API}/licences/verify", params={"q": licence["number"]}).json()["verdict"]
        == "valid"
    )  # the signed record still verifies


def test_a_missed_deadline_revokes_the_conditional_licence(
    client: TestClient, as_user: Any, clock: Clock, runtime: Any
) -> None:
    number = _accepted(client, as_user)
    licence = _licence(client, as_user, number)
    clock.advance(days=10)  # well past 3 working days
    assert number in run_once(runtime)["deficiencies_due"]
    assert run_once(runtime)["deficiencies_due"] == []  # idempotent
    revoked = _licence(client, as_user, number)
    assert revoked["status"] == "revoked" and "附条件证照予以撤销" in revoked["status_reason"]
    # the platform's reason read in Chinese on English timelines and in the API
    english = opinions_en(client, as_user("minfeng"), number)["licence.revoked"]
    assert english.startswith("The materials missing at acceptance with deficiencies (")
    assert english.endswith("the conditional licences are revoked.")
    assert revoked["status_reason_en"] == english  # the licence's own reason, in the API
    query = {"q": licence["identifier"], "lang": "en"}
    page = html.unescape(client.get("/licences/verify", params=query).text)
    assert english in page and "附条件证照予以撤销" not in page
    found = client.get(f"{API}/licences/verify", params={"q": licence["identifier"]}).json()
    assert found["verdict"] == "revoked"
    case = client.get(f"{API}/cases/{number}", headers=as_user("minfeng")).json()
    assert case["state"] == "completed"  # the decision stands; the licence does not
    late = upload(client, as_user("minfeng"), number, MISSING)
    assert late.status_code == 409
