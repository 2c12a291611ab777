"""The index is built at server start-up in the background, not inside the first question;
a question asked while it is being built is told so plainly (and asked again it is
answered); a catalog change is a new revision, built again."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.web.support import csrf
from tongban.app import create_app
from tongban.assistant import retrieval, service
from tongban.assistant.enums import ReplyKind
from tongban.assistant.models import UnansweredQuestion
from tongban.catalog import service as catalog
from tongban.catalog.enums import EntryStatus
from tongban.catalog.models import CatalogEntry
from tongban.web.runtime import Runtime


@pytest.fixture
def held_build(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """The index's build waits until the test sets the event: on a loaded machine the
    asking thread could otherwise be descheduled until the build is done."""
    release = threading.Event()
    real = retrieval._build

    def held(*args: object) -> None:
        release.wait(120)
        real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(retrieval, "_build", held)
    yield release
    release.set()


def test_a_question_asked_while_the_index_is_built_is_told_to_ask_again(
    db: Session, held_build: threading.Event
) -> None:
    retrieval.forget()
    early = service.ask(db, question="开饭店要办什么证", user=None, wait=0)
    assert early.kind == ReplyKind.warming and not early.found
    held_build.set()
    later = service.ask(db, question="开饭店要办什么证", user=None, wait=120)
    assert later.kind == ReplyKind.entries and later.found


def test_the_server_builds_the_index_at_start_up(runtime: Runtime, db: Session) -> None:
    runtime.settings.assistant_prepare_at_start = True  # off in the other tests (conftest)
    retrieval.forget()
    published = db.execute(
        select(CatalogEntry.code, CatalogEntry.current_version_id).where(
            CatalogEntry.status == EntryStatus.published
        )
    )
    revision = [(code, version) for code, version in published if version is not None]
    current = catalog.current_elsewhere(db)  # the matters handled elsewhere are indexed too
    assert current is not None
    revision += [(f"elsewhere:{m['code']}", current.id) for m in current.definition["matters"]]

    def read_again(keys: object) -> retrieval.Reading:
        raise AssertionError("no index was under way: the first question would build it")

    with TestClient(create_app(runtime, start_worker=False)):
        index = retrieval.index_for(revision, read_again, wait=120)
    assert index is not None and index.rank("开饭店要办什么证")


def test_the_page_says_it_is_getting_ready_and_keeps_nothing(
    runtime: Runtime, db: Session, held_build: threading.Event
) -> None:
    retrieval.forget()
    runtime.settings.assistant_prepare_at_start = False
    runtime.settings.assistant_wait_seconds = 0
    with TestClient(create_app(runtime, start_worker=False)) as client:
        token = csrf(client.get("/").text)
        page = client.post("/ask", data={"q": "开饭店要办什么证", "csrf_token": token}).text
    assert "智能客服正在准备" in page and "再问一次" in page and "12345" in page
    assert db.query(UnansweredQuestion).count() == 0


def test_an_empty_catalog_indexes_to_no_answer() -> None:
    """Found by a fresh-clone trial: a new installation's empty catalog made the start-up
    build log a traceback (bm25s over no document) and try again at every question."""
    index = retrieval.Index((), [], [])
    assert index.rank("开饭店要办什么证") == []
