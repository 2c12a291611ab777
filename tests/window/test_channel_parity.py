"""Same source, same standard (同源, 无差别受理): one item applied for with the same answers
through the web pages, at the window (the clerk for the walk-in) and by an agent (帮办代办)
makes equal cases, apart from the channel, each counted under its own channel."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from tests.factories import API, act, open_task, upload
from tests.web.support import ITEM, PDF, VALID, SignedIn, apply, csrf, found

FILES = {
    "m_ID_CARD": ("id.pdf", PDF, "application/pdf"),
    "m_TERMINATION_PROOF": ("proof.pdf", PDF, "application/pdf"),
}
ZHANGSAN = {"walkin_id_number": VALID["applicant_id_number"], "walkin_name": "张三"}


def _by_web(signed_in: SignedIn) -> str:
    page = apply(signed_in("zhangsan"), ITEM, VALID, FILES)
    assert page.status_code == 200, page.text
    return page.url.path.rsplit("/", 1)[-1]


def _at_window(signed_in: SignedIn) -> str:
    clerk = signed_in("clerk")
    form = clerk.get(f"/staff/intake/{ITEM}")
    assert form.status_code == 200, form.text
    data = {**ZHANGSAN, "walkin_phone": VALID["phone"], **VALID, "csrf_token": csrf(form.text)}
    receipt = clerk.post(f"/staff/intake/{ITEM}", data=data, files=FILES)
    assert receipt.status_code == 200 and "/receipt/" in str(receipt.url), receipt.text
    return found(r"<strong>(\d{20,})</strong>", receipt.text)


def _by_agent(client: TestClient, as_user: Any) -> str:
    grantor, agent = as_user("zhangsan"), as_user("lisi")
    body = {"agent_username": "lisi", "relation": "family", "scope": [ITEM]}
    body["valid_until"] = date(2025, 10, 31).isoformat()
    made = client.post(f"{API}/me/authorisations", json=body, headers=grantor)
    assert made.status_code == 201, made.text
    answers = {**VALID}
    made = client.post(
        f"{API}/cases",
        json={"code": ITEM, "authorisation_id": made.json()["id"], "form_data": answers},
        headers=agent,
    )
    assert made.status_code == 201, made.text
    number = made.json()["number"]
    for material in ("ID_CARD", "TERMINATION_PROOF"):
        assert upload(client, agent, number, material, data=PDF).status_code == 201
    sent = client.post(f"{API}/cases/{number}/submit", headers=agent)
    assert sent.status_code == 200, sent.text
    return str(number)


# what may differ between channels: the case's own number, its channel, and the version
# counter (how many saves the channel's form took)
OWN = {"number", "channel", "version"}


def _seen(client: TestClient, headers: dict[str, str], number: str) -> dict[str, Any]:
    """The case as its applicant sees it: the case, its materials and its timeline."""
    case = client.get(f"{API}/cases/{number}", headers=headers).json()
    materials = client.get(f"{API}/cases/{number}/materials", headers=headers).json()
    events = client.get(f"{API}/cases/{number}/timeline", headers=headers).json()["events"]
    return {
        "case": {k: v for k, v in case.items() if k not in OWN},
        "materials": sorted((m["material_code"], m["content_type"]) for m in materials),
        "timeline": [(e["action"], e["from_state"], e["to_state"], e["at"]) for e in events],
    }


def _accept_and_review(client: TestClient, staff: dict[str, str], number: str) -> None:
    for stage, action, body in [
        ("accept", "accept", {}),
        ("review", "review", {"outcome": "approved", "opinion": "符合条件"}),
    ]:
        response = act(client, staff, open_task(client, staff, number, stage), action, **body)
        assert response.status_code == 200, response.text


def test_web_window_and_agent_make_equal_cases(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    numbers = {
        "web": _by_web(signed_in),
        "window": _at_window(signed_in),
        "agent": _by_agent(client, as_user),
    }
    applicant = as_user("zhangsan")
    for channel, number in numbers.items():
        read = client.get(f"{API}/cases/{number}", headers=applicant).json()
        assert read["channel"] == channel  # the person's own case, whoever typed it
    received = {c: _seen(client, applicant, n) for c, n in numbers.items()}
    assert received["web"]["materials"] == [
        ("ID_CARD", "application/pdf"),
        ("TERMINATION_PROOF", "application/pdf"),
    ]
    assert received["window"] == received["web"] and received["agent"] == received["web"]

    staff = as_user("rs")
    for number in numbers.values():
        _accept_and_review(client, staff, number)
    handled = {c: _seen(client, applicant, n) for c, n in numbers.items()}
    assert handled["web"]["case"]["state"] == "completed"
    assert handled["window"] == handled["web"] and handled["agent"] == handled["web"]

    signed_in("supervisor")
    for channel, number in numbers.items():
        listed = client.get("/supervision/cases", params={"channel": channel}).text
        others = [n for c, n in numbers.items() if c != channel]
        assert number in listed and not any(n in listed for n in others)
