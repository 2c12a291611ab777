"""The expert review JSON API (专家评审): a reviewer convenes a panel on a task; each drawn
expert lists their seats, declares no conflict (or a conflict, and another is drawn) and
gives an opinion; the last opinion closes the panel; the case's staff read the panels; an
expert never reads another's seat, and an applicant never reads the panels."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import API

EXPERTS = [f"zhuanjia{n}" for n in range(1, 6)]  # demo/experts.yaml
ASK = {"field": "health", "size": 2, "working_days": 5, "question": "辐射防护措施是否充分？"}


def _drawn(client: TestClient, as_user: Any, number: str) -> dict[str, dict[str, Any]]:
    """username → their seat on the case's panel, for every expert of the demo register."""
    seats = {}
    for username in EXPERTS:
        answer = client.get(f"{API}/experts/seats", headers=as_user(username))
        assert answer.status_code == 200, answer.text
        mine = [s for s in answer.json() if s["case_number"] == number]
        seats |= {username: mine[0]} if mine else {}
    return seats


def test_a_panel_runs_through_the_api(
    client: TestClient, as_user: Any, register: dict[str, int], review: dict[str, Any]
) -> None:
    staff = as_user("wjw")
    made = client.post(f"{API}/tasks/{review['id']}/expert-panels", json=ASK, headers=staff)
    assert made.status_code == 201, made.text
    number = made.json()["case_number"]
    assert made.json()["state"] == "open" and len(made.json()["seats"]) == 2

    seats = _drawn(client, as_user, number)
    assert len(seats) == 2 and {s["state"] for s in seats.values()} == {"drawn"}
    (first, one), (second, other) = sorted(seats.items())
    assert not one["reads_case"]
    opinion = {"verdict": "agree", "opinion": "防护措施充分"}
    early = f"{API}/experts/seats/{one['id']}/opinion"
    refused = client.post(early, json=opinion, headers=as_user(first))
    assert refused.status_code == 409, refused.text  # declare first

    for username, seat in ((first, one), (second, other)):
        declared = client.post(
            f"{API}/experts/seats/{seat['id']}/declaration",
            json={"conflict": False},
            headers=as_user(username),
        )
        assert declared.status_code == 200 and declared.json()["reads_case"], declared.text
        answered = client.post(
            f"{API}/experts/seats/{seat['id']}/opinion", json=opinion, headers=as_user(username)
        )
        assert answered.json()["state"] == "answered", answered.text

    panels = client.get(f"{API}/cases/{number}/expert-panels", headers=staff).json()
    assert [p["state"] for p in panels] == ["closed"]
    assert panels[0]["closed_why"] == "answered"
    assert [s["opinion"] for s in panels[0]["seats"]] == ["防护措施充分"] * 2
    again = client.post(early, json=opinion, headers=as_user(first))
    assert again.status_code == 409 and again.json()["error"]["code"] == "panel_closed", again.text


def test_seats_and_panels_stay_with_those_they_belong_to(
    client: TestClient, as_user: Any, register: dict[str, int], review: dict[str, Any]
) -> None:
    made = client.post(
        f"{API}/tasks/{review['id']}/expert-panels", json=ASK, headers=as_user("wjw")
    ).json()
    number = made["case_number"]
    seats = _drawn(client, as_user, number)
    outsider = next(u for u in EXPERTS if u not in seats)
    seat_id = next(iter(seats.values()))["id"]
    for path in (f"/experts/seats/{seat_id}", f"/experts/seats/{seat_id}/declaration"):
        method = "GET" if path.endswith(str(seat_id)) else "POST"
        body = {"conflict": False} if method == "POST" else None
        answer = client.request(method, API + path, json=body, headers=as_user(outsider))
        assert answer.status_code == 404, (path, answer.text)
    for username, status in (("zhangsan", 403), ("zrzy", 404)):
        answer = client.get(f"{API}/cases/{number}/expert-panels", headers=as_user(username))
        assert answer.status_code == status, (username, answer.text)
    zrzy_convenes = client.post(
        f"{API}/tasks/{review['id']}/expert-panels", json=ASK, headers=as_user("zrzy")
    )
    assert zrzy_convenes.status_code in (403, 404), zrzy_convenes.text


def test_a_bad_request_is_told_in_words(
    client: TestClient, as_user: Any, register: dict[str, int], review: dict[str, Any]
) -> None:
    answer = client.post(
        f"{API}/tasks/{review['id']}/expert-panels",
        json=ASK | {"field": "astrology"},
        headers=as_user("wjw"),
    )
    assert answer.status_code == 422 and "field" in answer.text, answer.text


def test_a_conflict_declared_draws_another(
    client: TestClient, as_user: Any, register: dict[str, int], review: dict[str, Any]
) -> None:
    number = client.post(
        f"{API}/tasks/{review['id']}/expert-panels", json=ASK, headers=as_user("wjw")
    ).json()["case_number"]
    username, seat = sorted(_drawn(client, as_user, number).items())[0]
    declared = client.post(
        f"{API}/experts/seats/{seat['id']}/declaration",
        json={"conflict": True, "reason": "曾为申请人提供咨询"},
        headers=as_user(username),
    )
    assert declared.json()["state"] == "recused", declared.text
    assert declared.json()["recusal"] == "曾为申请人提供咨询"
    assert len(_drawn(client, as_user, number)) == 3  # the one recused and two sitting
