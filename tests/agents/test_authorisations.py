"""Agents (帮办代办): a person authorises an agent for items until a day; the agent applies
for them within that scope and time only, the case is the person's own, and a revocation
takes the case out of the agent's hands at once."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Clock
from tests.factories import API
from tongban.demo.samples import PDF

ITEM = "3501-RS-003"  # a person's item
OTHER = "3501-GJJ-002"
MONDAY = date(2025, 9, 22)  # the test clock's first day


def _authorise(
    client: TestClient, grantor: dict[str, str], agent: str, scope: list[str], until: date
) -> Any:
    body = {"agent_username": agent, "relation": "family", "scope": scope}
    response = client.post(
        f"{API}/me/authorisations", json={**body, "valid_until": until.isoformat()}, headers=grantor
    )
    return response


def test_an_agent_applies_within_scope_and_the_case_is_the_grantors(
    client: TestClient, as_user: Any
) -> None:
    grantor, agent = as_user("zhangsan"), as_user("lisi")
    made = _authorise(client, grantor, "lisi", [ITEM], date(2025, 10, 31))
    assert made.status_code == 201, made.text
    authorisation = made.json()
    assert "自愿委托" in authorisation["consent"]

    case = client.post(
        f"{API}/cases",
        json={"code": ITEM, "authorisation_id": authorisation["id"]},
        headers=agent,
    )
    assert case.status_code == 201, case.text
    number = case.json()["number"]
    assert case.json()["channel"] == "agent"
    assert number in [c["number"] for c in client.get(f"{API}/cases", headers=grantor).json()]
    assert number in [c["number"] for c in client.get(f"{API}/cases", headers=agent).json()]

    outside = client.post(
        f"{API}/cases", json={"code": OTHER, "authorisation_id": authorisation["id"]}, headers=agent
    )
    assert outside.status_code == 403
    assert outside.json()["error"]["code"] == "outside_authorisation"
    stranger = client.post(
        f"{API}/cases",
        json={"code": ITEM, "authorisation_id": authorisation["id"]},
        headers=as_user("minfeng"),
    )
    assert stranger.status_code == 404  # not theirs: nothing revealed

    gone = client.delete(f"{API}/me/authorisations/{authorisation['id']}", headers=grantor)
    assert gone.status_code == 204
    assert client.get(f"{API}/cases/{number}", headers=agent).status_code == 404
    assert number not in [c["number"] for c in client.get(f"{API}/cases", headers=agent).json()]
    assert client.get(f"{API}/cases/{number}", headers=grantor).status_code == 200


def test_an_expired_authorisation_ends_everything_the_agent_did_for_the_grantor(
    client: TestClient, as_user: Any, clock: Clock
) -> None:
    """Past its last day an authorisation is like a revoked one: no new case, and the
    grantor's draft can no longer be read, edited, uploaded to, messaged about or submitted
    by the agent, who is told why (授权已于…到期); the grantor keeps the case."""
    grantor, agent = as_user("zhangsan"), as_user("lisi")
    authorisation = _authorise(client, grantor, "lisi", [], MONDAY).json()  # today only
    case = client.post(
        f"{API}/cases", json={"code": ITEM, "authorisation_id": authorisation["id"]}, headers=agent
    )
    assert case.status_code == 201, case.text
    number = case.json()["number"]
    assert client.get(f"{API}/cases/{number}", headers=agent).status_code == 200
    clock.advance(days=1)
    late = client.post(
        f"{API}/cases", json={"code": ITEM, "authorisation_id": authorisation["id"]}, headers=agent
    )
    assert late.status_code == 403 and late.json()["error"]["code"] == "authorisation_ended"
    attempts = {
        "read": client.get(f"{API}/cases/{number}", headers=agent),
        "edit": client.patch(f"{API}/cases/{number}", json={"form_data": {}}, headers=agent),
        "upload": client.post(
            f"{API}/cases/{number}/materials",
            data={"material_code": "M01"},
            files={"file": ("a.pdf", PDF, "application/pdf")},
            headers=agent,
        ),
        "materials": client.get(f"{API}/cases/{number}/materials", headers=agent),
        "timeline": client.get(f"{API}/cases/{number}/timeline", headers=agent),
        "messages": client.get(f"{API}/cases/{number}/messages", headers=agent),
        "submit": client.post(f"{API}/cases/{number}/submit", headers=agent),
        "withdraw": client.post(f"{API}/cases/{number}/withdraw", headers=agent),
    }
    for what, response in attempts.items():
        assert response.status_code == 403, (what, response.text)
        error = response.json()["error"]
        assert error["code"] == "authorisation_ended", what
        assert "授权已于 2025-09-22 到期" in error["message"], what
    assert number not in [c["number"] for c in client.get(f"{API}/cases", headers=agent).json()]
    assert client.get(f"{API}/cases/{number}", headers=grantor).status_code == 200


def test_bad_authorisations_are_refused_with_what_to_fix(client: TestClient, as_user: Any) -> None:
    grantor = as_user("zhangsan")
    unknown = _authorise(client, grantor, "nobody-here", [], date(2025, 10, 1))
    assert unknown.status_code == 404 and "用户名" in unknown.json()["error"]["message"]
    staff = _authorise(client, grantor, "clerk", [], date(2025, 10, 1))
    assert staff.status_code == 422
    itself = _authorise(client, grantor, "zhangsan", [], date(2025, 10, 1))
    assert itself.status_code == 422
    past = _authorise(client, grantor, "lisi", [], date(2025, 9, 1))
    assert past.status_code == 422 and past.json()["error"]["field"] == "valid_until"
    too_long = _authorise(client, grantor, "lisi", [], date(2027, 1, 1))
    assert too_long.status_code == 422
    no_item = _authorise(client, grantor, "lisi", ["9999-XX-001"], date(2025, 10, 1))
    assert no_item.status_code == 422 and "9999-XX-001" in no_item.json()["error"]["message"]
    assert client.get(f"{API}/me/authorisations", headers=grantor).json() == []


def test_a_revoked_authorisation_is_refused_as_revoked_not_as_out_of_scope(
    client: TestClient, as_user: Any
) -> None:
    """Found in trial: with another authorisation of the same person still running, the
    revoked one was refused as "outside its scope", which sends the person to add the
    item to an authorisation that no longer exists."""
    grantor, agent = as_user("zhangsan"), as_user("lisi")
    revoked = _authorise(client, grantor, "lisi", [ITEM], date(2025, 10, 31)).json()
    _authorise(client, grantor, "lisi", [OTHER], date(2025, 10, 31))
    assert (
        client.delete(f"{API}/me/authorisations/{revoked['id']}", headers=grantor).status_code
        == 204
    )
    refused = client.post(
        f"{API}/cases", json={"code": ITEM, "authorisation_id": revoked["id"]}, headers=agent
    )
    assert refused.status_code == 403
    error = refused.json()["error"]
    assert error["code"] == "authorisation_ended"
    assert "该授权已于 2025-09-22 被申请人撤销" in error["message"]
