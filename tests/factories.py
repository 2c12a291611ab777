"""Test factories: cases at each stage of
their life (draft, submitted, in correction, in review, approved …) driven through
the public API exactly as a client would.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.verification import support
from tongban import worker
from tongban.accounts import service as accounts
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.accounts.schemas import StaffCreate
from tongban.assistant.models import UnansweredQuestion
from tongban.assistant.unanswered import question_key
from tongban.demo.samples import fill_form, sample
from tongban.timeutil import utcnow

API = "/api/v1"


def account_of(db: Session, username: str) -> User:
    """The account ``username`` (a demo user or one a test made)."""
    found = accounts.find_user(db, username=username)
    assert found is not None, username
    return found


def new_staff(db: Session, username: str, *roles: Role, department: str | None) -> User:
    """A new staff account of ``department`` with ``roles`` (a test's own colleague)."""
    data = StaffCreate(
        username=username,
        password="a-long-passphrase-1",
        display_name=f"测试{username}",
        department_code=department,
        roles=list(roles),
    )
    return accounts.create_staff(db, data=data)


def entry(
    client: TestClient, code: str, situations: dict[str, str] | None = None
) -> dict[str, Any]:
    """The entry's definition, tailored to the ``situations`` answers (情形引导) if given."""
    kind = "bundles" if "BUNDLE" in code else "items"
    params = {f"s_{question}": option for question, option in (situations or {}).items()}
    response = client.get(f"{API}/{kind}/{code}", params=params)
    assert response.status_code == 200, response.text
    return dict(response.json()["definition"])


def find_code(client: TestClient, words: str, *, bundle: bool) -> str:
    """The code of the first search hit of the wanted kind."""
    hits = client.get(f"{API}/search", params={"q": words}).json()
    for hit in hits:
        if (hit["kind"] == "bundle") == bundle:
            return str(hit["code"])
    raise AssertionError(f"no {'bundle' if bundle else 'item'} found for {words!r}: {hits}")


def draft(
    client: TestClient,
    headers: dict[str, str],
    code: str,
    situations: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A draft with a valid form and a PDF for every required material; with
    ``situations``, of the form and materials those answers leave (情形引导)."""
    spec = entry(client, code, situations)
    body: dict[str, Any] = {"code": code, "form_data": fill_form(spec["form"])}
    if situations is not None:
        body["situations"] = situations
    response = client.post(f"{API}/cases", json=body, headers=headers)
    assert response.status_code == 201, response.text
    case = response.json()
    for material in spec["materials"]:
        ways = material.get("ways") or ["upload"]
        if material["required"] and "signed" in ways:
            sign(client, headers, case["number"], material["code"])
        if material["required"] and "upload" in ways:
            kind = (material.get("formats") or ["pdf"])[0]
            response = upload(client, headers, case["number"], material["code"], kind=kind)
            assert response.status_code == 201, response.text
    return dict(case)


def sign(client: TestClient, headers: dict[str, str], number: str, material: str) -> None:
    """Sign a commitment letter online with the signed-in applicant's name."""
    name = client.get(f"{API}/me", headers=headers).json()["display_name"]
    response = client.post(
        f"{API}/cases/{number}/materials/{material}/signature", json={"name": name}, headers=headers
    )
    assert response.status_code == 201, response.text


def upload(
    client: TestClient,
    headers: dict[str, str],
    number: str,
    material: str,
    data: bytes | None = None,
    kind: str = "pdf",
) -> Any:
    """Upload ``data`` (by default a PDF of this case and material's own: an applicant's
    file is their own, and one file shared by unrelated applicants is a risk flag)."""
    content = data if data is not None else sample(kind, f"{number}/{material}")
    files = {"file": (f"{material}.{kind}", content, "application/octet-stream")}
    return client.post(
        f"{API}/cases/{number}/materials",
        data={"material_code": material},
        files=files,
        headers=headers,
    )


def missing_materials(refusal: dict[str, Any]) -> set[str]:
    """The codes of the materials a refused submission's ``error`` asks for (its other
    details are fields: a number a source does not hold)."""
    fields = [str(d["field"]) for d in refusal["details"]]
    return {f.removeprefix("materials.") for f in fields if f.startswith("materials.")}


def submitted(
    client: TestClient,
    headers: dict[str, str],
    code: str,
    situations: dict[str, str] | None = None,
) -> dict[str, Any]:
    case = draft(client, headers, code, situations)
    response = client.post(f"{API}/cases/{case['number']}/submit", headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def run_worker(client: TestClient) -> list[str]:
    """What the worker does within seconds of a commit: run the due jobs (an issued
    e-licence's PDF is printed by one); returns ``kind#id:result`` of each."""
    runtime = client.app.state.runtime
    return worker.run_jobs(runtime, now=runtime.clock() if runtime.clock else utcnow())


def answer_verifications(client: TestClient, task: dict[str, Any]) -> None:
    """The departments the task's department asked (协查, asked by the platform for a
    certificate another department issued) confirm, as their staff would: an approval
    waits for their answers."""
    runtime = client.app.state.runtime
    with runtime.sessions() as db:
        support.answer_verifications(db, task["id"], runtime.clock() if runtime.clock else utcnow())
        db.commit()


def open_task(
    client: TestClient, headers: dict[str, str], number: str, stage: str
) -> dict[str, Any]:
    """The open task of ``stage`` for case ``number`` in the staff member's queue."""
    tasks = client.get(f"{API}/tasks", headers=headers).json()
    for task in tasks:
        if task["case_number"] == number and task["stage"] == stage:
            return dict(task)
    raise AssertionError(f"no open {stage} task for {number} in this queue: {tasks}")


def act(
    client: TestClient, headers: dict[str, str], task: dict[str, Any], action: str, **body: Any
) -> Any:
    """Post ``action`` on ``task``; ``outcome`` is sent only to a review, the one action
    that takes it (the API refuses fields an action does not have)."""
    if action != "review":
        body.pop("outcome", None)
    return client.post(f"{API}/tasks/{task['id']}/{action}", json=body, headers=headers)


def opinions_en(client: TestClient, headers: dict[str, str], number: str) -> dict[str, str]:
    """The English of the opinions on case ``number``'s timeline, by action (the last of
    an action; an action without one is left out)."""
    events = client.get(f"{API}/cases/{number}/timeline", headers=headers).json()["events"]
    return {e["action"]: e["opinion_en"] for e in events if e["opinion_en"]}


def subscribe_every_event(db: Session, codes: Iterable[str], now: datetime) -> None:
    """Each department of ``codes`` subscribes its system to every webhook event (an
    example.gov.cn address of its own), as the platform's administrators would."""
    from tongban.audit import service as audit
    from tongban.integration import webhooks

    for code in codes:
        webhooks.subscribe(
            db,
            department_code=code,
            url=f"https://{code.lower()}.example.gov.cn/events",
            events=list(webhooks.EVENTS),
            actor=audit.SYSTEM,
            now=now,
        )


def unanswered(
    db: Session, question: str, at: datetime, *, resolved_at: datetime | None = None
) -> None:
    """``question`` on the administrators' list of unanswered questions, asked once at
    ``at`` (as kept: no masking applied)."""
    db.add(
        UnansweredQuestion(
            question=question,
            key=question_key(question),
            asks=1,
            first_asked_at=at,
            last_asked_at=at,
            resolved_at=resolved_at,
        )
    )
