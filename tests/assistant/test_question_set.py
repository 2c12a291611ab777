"""The question set (tests/assistant/questions.yaml) answered with a floor on accuracy,
apart for the questions tuned on and the held-out ones; it also keeps the set itself
honest: at least 150 questions, every expected entry in the catalog."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from tongban.assistant.measure import evaluate, read_questions
from tongban.catalog import service as catalog

QUESTIONS = read_questions(Path(__file__).with_name("questions.yaml"))
TUNED = [question for question in QUESTIONS if not question.get("held_out")]
HELD_OUT = [question for question in QUESTIONS if question.get("held_out")]


def test_the_question_set_is_large_and_names_real_entries(db: Session) -> None:
    assert len(QUESTIONS) >= 150 and len(HELD_OUT) >= 30
    codes = {entry.code for entry in catalog.list_entries(db)}
    assert {code for question in QUESTIONS for code in question["expect"]} <= codes


def test_top3_accuracy_floor(db: Session) -> None:
    tuned, held_out = evaluate(db, TUNED), evaluate(db, HELD_OUT)
    assert tuned.top3 >= 0.95, tuned.misses
    assert held_out.top3 >= 0.80, held_out.misses
    overall = (tuned.top3 * tuned.questions + held_out.top3 * held_out.questions) / len(QUESTIONS)
    assert overall >= 0.90
