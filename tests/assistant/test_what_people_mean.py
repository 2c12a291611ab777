"""Questions whose words the catalog holds but the assistant read otherwise (session 22):
"register my e-bike" was cut at its hyphen and "bike" read as pinyin (bi ke), and pinyin
typed with a slip ("shenfenzen" for 身份证) met nothing."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from tongban.assistant import service
from tongban.assistant.enums import ReplyKind


@pytest.mark.parametrize(
    "question", ["register my e-bike", "How do I register an e-bike?", "e-bike plates"]
)
def test_an_english_question_with_a_hyphenated_word_reaches_its_matter(
    db: Session, question: str
) -> None:
    reply = service.ask(db, question=question, user=None)
    assert reply.matter is not None and reply.matter["code"] == "e_bike_registration", (
        question,
        [found.code for found in reply.found],
    )


def test_a_pinyin_slip_far_from_every_catalog_word_meets_nothing(db: Session) -> None:
    reply = service.ask(db, question="xqzvbn", user=None)
    assert reply.kind == ReplyKind.unanswered


@pytest.mark.parametrize(
    ("question", "code"), [("shenfenzen", "3501-GA-003"), ("dibaou", "3501-MZ-001")]
)
def test_pinyin_typed_with_a_slip_is_read_as_the_catalogs_nearest_word(
    db: Session, question: str, code: str
) -> None:
    """A slip or two (a letter added, left out or swapped) in a pinyin question:
    shenfenzen is 身份证 (zen for zheng), dibaou 低保 (bao with a u added)."""
    reply = service.ask(db, question=question, user=None)
    assert reply.found and reply.found[0].code == code, (question, reply.kind)
