"""The catalog's tokens are cut once, by the worker's sweep, and stored for every web
process: a process builds its index from the stored cuts without cutting; a change of the
cutting code cuts again; a version the worker has not cut yet (an FAQ entry added a moment
ago) is cut by the process that asks, and stored by the next sweep in place of the old."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from tests.conftest import START, Clock
from tongban.assistant import cuts, retrieval, service, unanswered
from tongban.assistant.enums import ReplyKind
from tongban.assistant.models import EntryCut
from tongban.audit import service as audit
from tongban.web.runtime import Runtime
from tongban.worker import run_sweeps

QUESTION = "开饭店要办什么证"


def test_the_worker_sweep_stores_the_cuts_of_the_published_catalog_once(
    runtime: Runtime, db: Session, clock: Clock
) -> None:
    keys = cuts.published(db)
    assert len(keys) > 40
    db.execute(delete(EntryCut))  # the suite's database was cut once, as a worker would
    assert run_sweeps(runtime, now=clock.now)["assistant_cut"] == [str(len(keys))]
    assert run_sweeps(runtime, now=clock.now)["assistant_cut"] == []
    stored = cuts.stored(db, keys)
    assert set(stored) == set(keys)
    document, subject = stored[("3501-BUNDLE-KCG", dict(keys)["3501-BUNDLE-KCG"])]
    assert "餐馆" in document and "餐馆" in subject


def test_a_process_builds_its_index_from_the_stored_cuts_without_cutting(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    service.cut_published(db, now=START)
    retrieval.forget()

    def no_cutting(definition: object) -> retrieval.Cut:
        raise AssertionError("a web process cut a version the worker had cut")

    monkeypatch.setattr(retrieval, "cut", no_cutting)
    reply = service.ask(db, question=QUESTION, user=None, wait=120)
    assert reply.kind == ReplyKind.entries
    assert reply.found[0].code in {"3501-BUNDLE-KCG", "3501-SCJG-002"}


def test_cuts_of_another_cutting_are_not_read_and_are_cut_again(db: Session) -> None:
    keys = cuts.published(db)
    service.cut_published(db, now=START)
    db.execute(update(EntryCut).values(cut_with="0" * 16))
    assert cuts.stored(db, keys) == {}
    assert service.cut_published(db, now=START) == len(keys)
    assert set(cuts.stored(db, keys)) == set(keys)


def test_a_new_version_is_cut_by_the_asker_then_stored_in_place_of_the_old(
    db: Session,
) -> None:
    service.cut_published(db, now=START)
    before = dict(cuts.published(db))["3501-GA-003"]
    unanswered.add_to_catalog(
        db, code="3501-GA-003", question="换个大头照", answer="", actor=audit.SYSTEM, now=START
    )
    after = dict(cuts.published(db))["3501-GA-003"]
    assert cuts.stored(db, [("3501-GA-003", after)]) == {}  # not cut by the worker yet
    reply = service.ask(db, question="换个大头照", user=None, wait=120)
    assert reply.kind == ReplyKind.entries and reply.found[0].code == "3501-GA-003"
    assert service.cut_published(db, now=START) == 1
    held = set(db.scalars(select(EntryCut.version_id)))
    assert after in held and before not in held
    assert db.scalar(select(func.count()).select_from(EntryCut)) == len(cuts.published(db))
