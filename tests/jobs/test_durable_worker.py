"""The worker as a real process: killed with SIGKILL in the middle of a batch and started
again, every job is done and none twice in effect; two workers on one PostgreSQL queue
never handle the same job.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tests.conftest import ROOT
from tongban.audit.models import AuditEntry
from tongban.db import make_sessionmaker, reading_session
from tongban.jobs import service as jobs
from tongban.jobs.enums import JobState
from tongban.jobs.models import Job
from tongban.timeutil import utcnow


def _enqueue(engine: Engine, count: int, *, sleep: float) -> list[int]:
    with Session(engine) as session:
        rows = [
            jobs.enqueue(
                session,
                kind="test.record",
                due_at=utcnow(),
                payload={"n": n, "sleep": sleep},
                max_attempts=20,
            )
            for n in range(count)
        ]
        session.commit()
        return [row.id for row in rows]


def _start(engine: Engine, log: Path) -> subprocess.Popen[bytes]:
    url = engine.url.render_as_string(hide_password=False)
    env = os.environ | {"PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.jobs.worker_process", url, str(log)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _reading(engine: Engine) -> Session:
    """A session that only reads: on SQLite it takes no write lock (``BEGIN DEFERRED``), so
    watching never waits for, or slows, the worker."""
    return reading_session(make_sessionmaker(engine))


def _effects(engine: Engine) -> Counter[str]:
    with _reading(engine) as session:
        rows = session.scalars(select(AuditEntry.object_id).where(AuditEntry.action == "test.job"))
        return Counter(rows)


def _states(engine: Engine, ids: list[int]) -> Counter[str]:
    with _reading(engine) as session:
        return Counter(session.scalars(select(Job.state).where(Job.id.in_(ids))))


def _wait(condition: Callable[[], bool], *, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


@pytest.fixture
def workers() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


def test_killed_mid_batch_and_restarted_every_job_done_once_in_effect(
    committing_engine: Engine, tmp_path: Path, workers: list[subprocess.Popen[bytes]]
) -> None:
    ids = _enqueue(committing_engine, 40, sleep=0.2)
    log = tmp_path / "handled.log"
    first = _start(committing_engine, log)
    workers.append(first)
    _wait(lambda: sum(_effects(committing_engine).values()) >= 5, seconds=60)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    states = _states(committing_engine, ids)
    assert states[JobState.running] >= 1, states  # killed with a batch claimed, not finished
    assert states[JobState.done] < len(ids)

    workers.append(_start(committing_engine, log))
    _wait(lambda: _states(committing_engine, ids)[JobState.done] == len(ids), seconds=120)
    effects = _effects(committing_engine)
    assert effects == Counter({str(n): 1 for n in range(40)})  # each once in effect
    handled = Counter(line.split()[0] for line in log.read_text().splitlines())
    assert set(handled) == {str(n) for n in range(40)}  # at least once …
    assert sum(handled.values()) >= 40  # (one begun when the first was killed ran again)


@pytest.mark.postgres
def test_two_workers_on_one_postgresql_queue_never_handle_a_job_twice(
    committing_engine: Engine, tmp_path: Path, workers: list[subprocess.Popen[bytes]]
) -> None:
    """Each batch of 20 takes 3 s, longer than the workers' 2 s lease: still no job is
    claimed by the other worker while its batch holds it."""
    ids = _enqueue(committing_engine, 60, sleep=0.15)
    log = tmp_path / "handled.log"
    workers.extend([_start(committing_engine, log), _start(committing_engine, log)])
    _wait(lambda: _states(committing_engine, ids)[JobState.done] == len(ids), seconds=120)
    lines = [line.split() for line in log.read_text().splitlines()]
    handled = Counter(n for n, _ in lines)
    assert handled == Counter({str(n): 1 for n in range(60)})  # no job handled twice
    assert len({pid for _, pid in lines}) == 2  # both workers took jobs
    assert _effects(committing_engine) == Counter({str(n): 1 for n in range(60)})
    with Session(committing_engine) as session:
        claims = session.execute(select(Job.runs, Job.attempts).where(Job.id.in_(ids))).all()
    assert Counter(tuple(row) for row in claims) == Counter({(1, 1): 60})  # claimed once
