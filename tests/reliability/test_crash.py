"""Crash safety: a real server process (``tongban serve``, with its embedded worker) on the
suite's database is killed with SIGKILL at random moments while applicants create,
upload and submit cases and staff accept and approve them, then started again.

Every answer the clients got (a case created or submitted, a material uploaded, a task
accepted or approved) must be in the database afterwards, and nothing twice: creations
are sent with an ``Idempotency-Key`` and retried with it after each restart, so the cases
in the database are exactly the keys' cases, one each; an acknowledged approval left
exactly one result. Prints ``crash test: N kills during M cases, 0 lost, 0 duplicated``.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

import tongban
from tests import figures
from tests.conftest import ROOT
from tongban.accounts.models import User
from tongban.cases.models import Case, Material, ResultDocument, Task
from tongban.catalog import service as catalog
from tongban.demo.samples import fill_form, sample
from tongban.web.idempotency import STALE

ITEM = "3501-RS-003"  # 失业登记: accept → review → a result document
API = "/api/v1"
KILLS = figures.scaled(2, 25)
SEED = int(os.environ.get("TONGBAN_CRASH_SEED", "13"))


@contextmanager
def server(url: str, files: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """``tongban serve`` in its own process on a free loopback port; killed on leaving."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(tongban.__file__).parent.parent),
        "TONGBAN_DATABASE_URL": url,
        "TONGBAN_FILE_STORE_PATH": str(files),
        "TONGBAN_ENVIRONMENT": "test",
    }
    command = [
        sys.executable,
        "-m",
        "tongban.cli",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    process = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            with suppress(httpx.TransportError):
                if httpx.get(f"{base}{API}/items/{ITEM}", timeout=2).status_code == 200:
                    break
            time.sleep(0.1)
        else:
            raise AssertionError("the server did not start")
        yield process, base
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


class Ledger:
    """What the clients were told, and the creation keys still to be answered."""

    def __init__(self) -> None:
        self.created: dict[str, str] = {}  # idempotency key → case number
        self.pending: list[tuple[str, dict[str, Any]]] = []  # key, body not yet answered
        self.submitted: set[str] = set()
        self.materials: set[int] = set()
        self.accepted: set[int] = set()
        self.approved: set[int] = set()
        self.sequence = 0
        self.errors: list[str] = []

    def progress(self) -> int:
        return len(self.created) + len(self.submitted) + len(self.accepted) + len(self.approved)


def _login(client: httpx.Client, username: str) -> dict[str, str]:
    answer = client.post(f"{API}/auth/login", json={"username": username, "password": "demo12345"})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _apply(
    client: httpx.Client, ledger: Ledger, form: dict[str, Any], stop: threading.Event
) -> None:
    """Applicant: create (idempotently), upload, submit, until the server dies."""
    me = _login(client, "zhangsan")
    while not stop.is_set():
        if not ledger.pending:
            ledger.sequence += 1
            ledger.pending.append(
                (f"crash-{SEED}-{ledger.sequence}", {"code": ITEM, "form_data": form})
            )
        key, body = ledger.pending[0]
        made = client.post(f"{API}/cases", json=body, headers={**me, "Idempotency-Key": key})
        if made.status_code == 409 and _code(made) == "idempotency_answer_lost":
            number = _unanswered_case(client, me, ledger)  # made, its answer lost in a kill
        elif made.status_code == 409:  # the first try of this key may still be running
            time.sleep(0.2)
            continue
        else:
            assert made.status_code == 201, made.text
            number = made.json()["number"]
        ledger.created[key] = number
        ledger.pending.pop(0)
        for code in ("ID_CARD", "TERMINATION_PROOF"):
            files = {"file": (f"{code}.pdf", sample("pdf", f"{number}/{code}"), "application/pdf")}
            up = client.post(
                f"{API}/cases/{number}/materials",
                data={"material_code": code},
                files=files,
                headers=me,
            )
            assert up.status_code == 201, up.text
            ledger.materials.add(up.json()["id"])
        done = client.post(f"{API}/cases/{number}/submit", headers=me)
        assert done.status_code == 200, done.text
        ledger.submitted.add(number)


def _code(answer: httpx.Response) -> str:
    return str(answer.json()["error"]["code"])


def _unanswered_case(client: httpx.Client, me: dict[str, str], ledger: Ledger) -> str:
    """The case a creation whose answer was lost made: the applicant's draft nobody told
    the client about: the newest (the client makes one case at a time)."""
    known = set(ledger.created.values())
    mine = client.get(f"{API}/cases", headers=me).json()
    drafts = [c for c in mine if c["state"] == "draft" and c["number"] not in known]
    return str(max(drafts, key=lambda c: c["created_at"])["number"])


def _handle(client: httpx.Client, ledger: Ledger, stop: threading.Event) -> None:
    """Staff: accept and approve whatever is open in the department's queue."""
    staff = _login(client, "rs")
    while not stop.is_set():
        tasks = client.get(f"{API}/tasks", headers=staff).json()
        for task in tasks[:5]:
            if task["stage"] == "accept":
                answer = client.post(f"{API}/tasks/{task['id']}/accept", json={}, headers=staff)
                if answer.status_code == 200:
                    ledger.accepted.add(task["id"])
            elif task["stage"] == "review":
                body = {"outcome": "approved", "opinion": "同意"}
                answer = client.post(f"{API}/tasks/{task['id']}/review", json=body, headers=staff)
                if answer.status_code == 200:
                    ledger.approved.add(task["id"])
        time.sleep(0.05)


def _wait_for(ledger: Ledger, steps: int, *, answered: bool = False) -> None:
    """Until the clients got ``steps`` more answers and, when ``answered``, every creation
    key was answered: a key whose first call died before committing is refused as still
    running until its claim is ``STALE``, so that wait is longer than the claim's age."""
    start = ledger.progress()
    left = {key for key, _ in ledger.pending} if answered else set()
    deadline = time.monotonic() + 60 + (STALE.total_seconds() if answered else 0)
    while time.monotonic() < deadline and (
        ledger.progress() < start + steps or any(key in left for key, _ in ledger.pending)
    ):
        time.sleep(0.02)


def _round(base: str, ledger: Ledger, form: dict[str, Any], kill: Any) -> None:
    """Clients work until ``kill`` (called after a random wait) ends the server."""
    stop = threading.Event()

    def run(work: Any, *args: Any) -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            try:
                work(client, ledger, *args, stop)
            except httpx.TransportError:
                pass  # the server died under a request: unanswered, not acknowledged
            except AssertionError as error:  # a wrong answer: the test fails with it
                ledger.errors.append(str(error)[:300])
            except Exception as error:
                ledger.errors.append(repr(error)[:300])

    threads = [
        threading.Thread(target=run, args=(_apply, form)),
        threading.Thread(target=run, args=(_handle,)),
    ]
    for thread in threads:
        thread.start()
    kill()
    stop.set()
    for thread in threads:
        thread.join(timeout=60)


@pytest.mark.usefixtures("committing_engine")
def test_killed_server_loses_and_duplicates_nothing_acknowledged(
    engine: Engine, tmp_path: Path
) -> None:
    url = engine.url.render_as_string(hide_password=False)
    rng = random.Random(SEED)
    ledger = Ledger()
    with Session(engine) as db:
        applicant = db.scalar(select(User.id).where(User.username == "zhangsan"))
        before = db.scalar(
            select(func.count()).select_from(Case).where(Case.applicant_id == applicant)
        )
        spec = catalog.get_entry(db, code=ITEM).current_version
        assert spec is not None
        form = fill_form(spec.definition["form"])
    for _ in range(KILLS):
        with server(url, tmp_path / "files") as (process, base):
            steps = rng.randint(1, 6)  # acknowledged answers before the kill, then a moment

            def kill(p: subprocess.Popen[bytes] = process, steps: int = steps) -> None:
                _wait_for(ledger, steps)
                time.sleep(rng.uniform(0, 0.3))
                p.send_signal(signal.SIGKILL)

            _round(base, ledger, form, kill)
    with server(url, tmp_path / "files") as (_, base):  # answer the keys left unanswered
        _round(base, ledger, form, lambda: _wait_for(ledger, 2, answered=True))
    with Session(engine) as db:
        numbers = list(db.scalars(select(Case.number).where(Case.applicant_id == applicant)).all())
        cases_made = len(numbers) - before
        states = dict(db.execute(select(Case.number, Case.submitted_at)).all())
        materials = set(db.scalars(select(Material.id).where(Material.id.in_(ledger.materials))))
        tasks = {
            t.id: t
            for t in db.scalars(select(Task).where(Task.id.in_(ledger.accepted | ledger.approved)))
        }
        results = db.execute(
            select(ResultDocument.case_id, func.count())
            .group_by(ResultDocument.case_id)
            .having(func.count() > 1)
        ).all()
    lost = (
        [n for n in ledger.created.values() if n not in states]
        + [n for n in ledger.submitted if states.get(n) is None]
        + [m for m in ledger.materials if m not in materials]
        + [
            t
            for t in ledger.accepted | ledger.approved
            if t not in tasks or tasks[t].state != "done"
        ]
    )
    twice_made = cases_made - len(set(ledger.created.values()))  # cases nobody was told of
    duplicated = twice_made + len(results)  # and cases with two result documents
    figures.count(
        "crash test",
        kills=KILLS,
        cases=len(ledger.created),
        submitted=len(ledger.submitted),
        materials=len(ledger.materials),
        accepted=len(ledger.accepted),
        approved=len(ledger.approved),
        lost=len(lost),
        duplicated=duplicated,
        of_them_cases_made_twice=twice_made,
    )
    assert ledger.errors == []
    assert ledger.pending == [] and len(ledger.submitted) > KILLS
    assert lost == [] and duplicated == 0
