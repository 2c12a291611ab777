"""Cases driven to their licence through the public API, as staff would."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import API, act, run_worker, submitted

FOOD = "3501-SCJG-002"  # 食品经营许可证, 5 years
BUSINESS = "3501-SCJG-001"  # 营业执照 of a new enterprise, 长期
STEPS = {
    "accept": ("accept", {}),
    "review": ("review", {"outcome": "approved", "opinion": "符合许可条件"}),
    "decide": ("approve", {"opinion": "准予许可"}),
    "issue": ("issue", {"opinion": ""}),
}


def finish(client: TestClient, *staff: dict[str, str], number: str) -> None:
    """Approve every open task of the case in the queues of ``staff`` (a department's
    reviewer and its approver: 审核与审批分离) until none is left."""
    for _ in range(10):
        tasks = [
            (headers, t)
            for headers in staff
            for t in client.get(f"{API}/tasks", headers=headers).json()
            if t["case_number"] == number
        ]
        if not tasks:
            return
        # a head (核准人) lists every stage of the department's queue, acts on its own
        headers, task = next((headers, t) for headers, t in tasks if t["may_act"])
        action, body = STEPS[task["stage"]]
        response = act(client, headers, task, action, **body)
        assert response.status_code == 200, response.text


def licensed(
    client: TestClient,
    as_user: Any,
    code: str,
    applicant: str = "minfeng",
    *,
    printed: bool = True,
    staff: tuple[str, str] = ("scjg", "scjg-hz"),
) -> dict[str, Any]:
    """The first signed result of a new case of ``code`` (a licence, or a document such as a
    回执), approved by ``staff`` (市场监管's by default); with ``printed`` the worker has
    run since (its PDF is made), else not yet."""
    number = submitted(client, as_user(applicant), code)["number"]
    finish(client, *(as_user(name) for name in staff), number=number)
    if printed:
        run_worker(client)  # the licence PDF is printed by the worker right after issue
    results = client.get(f"{API}/cases/{number}/results", headers=as_user(applicant)).json()
    licences = [r for r in results if r["kind"] == "licence"]
    result = (licences or [r for r in results if r["kind"] == "document"])[0]
    return {"case_number": number, **result}


def held(client: TestClient, headers: dict[str, str], number: str) -> dict[str, Any]:
    """The licence numbered ``number`` as its holder (signed in by ``headers``) reads it in
    ``GET /licences``: its own ``id`` (a case result's ``id`` is another row's)."""
    mine = client.get(f"{API}/licences", headers=headers).json()
    return dict(next(item for item in mine if item["number"] == number))
