"""Webhooks tell a department's own system what happened to the cases it handles: signed
(the receiver recomputes the HMAC), retried while the receiver is down, each event once
per subscription, never to another department, with no personal data in the body."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Clock
from tests.factories import API, act, answer_verifications, open_task, submitted
from tests.integration.receiver import receiver
from tongban.web.runtime import Runtime
from tongban.worker import run_jobs

FILING = "3501-MZ-003"  # 养老机构备案: 受理, 审查 by 民政 (MZ)
EVENTS = ["case.accepted", "task.assigned", "decision.made", "licence.issued", "licence.revoked"]


def _subscribe(client: TestClient, admin: dict[str, str], department: str, url: str) -> Any:
    body = {"department_code": department, "url": url, "events": EVENTS}
    response = client.post(f"{API}/webhooks", json=body, headers=admin)
    assert response.status_code == 201, response.text
    return response.json()


def _verified(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """What the receiver does (docs/integration.md): recompute the signature."""
    signed = headers["x-tongban-timestamp"].encode() + b"." + body
    expected = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["x-tongban-signature"])


def test_events_are_signed_retried_while_the_receiver_is_down_and_delivered_once(
    client: TestClient, as_user: Any, runtime: Runtime, clock: Clock
) -> None:
    admin, applicant, mz = as_user("admin"), as_user("minfeng"), as_user("mz")
    with receiver() as ours, receiver() as theirs:
        mine = _subscribe(client, admin, "MZ", ours.url)
        _subscribe(client, admin, "SCJG", theirs.url)  # another department's system
        number = submitted(client, applicant, FILING)["number"]
        act(client, mz, open_task(client, mz, number, "accept"), "accept")
        task = open_task(client, mz, number, "review")
        answer_verifications(client, task)  # its 协查 answered first
        act(client, mz, task, "review", outcome="approved", opinion="符合备案条件")

        ours.answers = [503] * 5  # the department's system is down at first
        run_jobs(runtime, now=clock.now)
        assert len(ours.received) == 5 and not theirs.received
        clock.advance(minutes=1)  # past the first backoff (30 s)
        run_jobs(runtime, now=clock.now)

    assert len(ours.received) == 10 and not theirs.received
    first, retried = ours.received[:5], ours.received[5:]
    kinds = sorted(r.headers["x-tongban-event"] for r in retried)
    # the filing's receipt is an e-licence of its own: issued as one
    assert kinds == [
        "case.accepted",
        "decision.made",
        "licence.issued",
        "task.assigned",
        "task.assigned",
    ]
    by_id = {r.headers["x-tongban-delivery"]: r for r in first}
    for again in retried:  # a retry carries the very same body: the receiver can drop repeats
        assert by_id[again.headers["x-tongban-delivery"]].body == again.body
        assert _verified(mine["secret"], again.headers, again.body)
        assert not _verified("whsec_wrong", again.headers, again.body)
        event = json.loads(again.body)
        assert event["event_id"] == again.headers["x-tongban-delivery"]
        assert event["case"]["number"] == number and event["case"]["item_code"] == FILING
        for personal in ("350104197812302577", "王五", "13800000003"):  # minfeng's
            assert personal not in again.body.decode()
    decision = next(json.loads(r.body) for r in retried if b"decision.made" in r.body)
    assert decision["decision"] == "approved"
    tasks = [json.loads(r.body)["task"] for r in retried if b"task.assigned" in r.body]
    assert {task["stage"] for task in tasks} == {"accept", "review"}
    assert {task["item_code"] for task in tasks} == {FILING}  # every stage, not only review

    listed = client.get(f"{API}/webhooks/{mine['id']}/deliveries", headers=admin).json()
    assert {d["state"] for d in listed} == {"delivered"} and {d["attempts"] for d in listed} == {2}
    clock.advance(hours=2)
    assert run_jobs(runtime, now=clock.now) == []  # nothing is sent twice


def test_a_receiver_that_never_answers_well_is_given_up_and_listed(
    client: TestClient, as_user: Any, runtime: Runtime, clock: Clock
) -> None:
    admin, applicant = as_user("admin"), as_user("minfeng")
    with receiver() as ours:
        mine = _subscribe(client, admin, "MZ", ours.url)
        ours.answers = [500] * 20
        submitted(client, applicant, FILING)
        for _ in range(12):
            run_jobs(runtime, now=clock.now)
            clock.advance(hours=1)
    listed = client.get(f"{API}/webhooks/{mine['id']}/deliveries", headers=admin).json()
    assert [(d["event_type"], d["state"], d["attempts"]) for d in listed] == [
        ("task.assigned", "failed", 10)
    ]
    assert "HTTP 500" in listed[0]["last_error"]


def test_subscriptions_are_the_system_administrators_and_checked(
    client: TestClient, as_user: Any
) -> None:
    body = {"department_code": "MZ", "url": "http://127.0.0.1:9/x", "events": ["case.accepted"]}
    assert client.post(f"{API}/webhooks", json=body, headers=as_user("mz")).status_code == 403
    wrong = client.post(
        f"{API}/webhooks", json={**body, "url": "ftp://x/y"}, headers=as_user("admin")
    )
    assert wrong.status_code == 422 and "http://" in wrong.json()["error"]["message"]
    unknown = client.post(
        f"{API}/webhooks", json={**body, "events": ["case.eaten"]}, headers=as_user("admin")
    )
    assert unknown.status_code == 422 and "case.eaten" in unknown.json()["error"]["message"]
    made = client.post(f"{API}/webhooks", json=body, headers=as_user("admin")).json()
    listed = client.get(f"{API}/webhooks", headers=as_user("admin")).json()
    assert "secret" not in listed[0] and made["secret"].startswith("whsec_")
    gone = client.delete(f"{API}/webhooks/{made['id']}", headers=as_user("admin"))
    assert gone.status_code == 204
    assert client.get(f"{API}/webhooks", headers=as_user("admin")).json()[0]["active"] is False
    none = client.get(f"{API}/webhooks/{made['id'] + 99}/deliveries", headers=as_user("admin"))
    assert none.status_code == 404 and "没有这个推送订阅" in none.json()["error"]["message"]


def test_a_subscription_lists_its_events_and_a_short_address_is_told_to_be_http(
    client: TestClient, as_user: Any
) -> None:
    admin = as_user("admin")
    body = {"department_code": "MZ", "url": "x.cn", "events": ["task.assigned", "case.accepted"]}
    short = client.post(f"{API}/webhooks", json=body, headers=admin)
    assert short.status_code == 422
    assert "须为 http:// 或 https:// 开头的完整网址" in short.json()["error"]["message"]
    made = client.post(
        f"{API}/webhooks", json={**body, "url": "http://127.0.0.1:9/x"}, headers=admin
    )
    assert made.json()["events"] == ["case.accepted", "task.assigned"]
    assert client.get(f"{API}/webhooks", headers=admin).json()[0]["events"] == [
        "case.accepted",
        "task.assigned",
    ]
