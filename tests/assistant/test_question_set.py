"""The question set (tests/assistant/questions.yaml) answered with a floor on accuracy,
apart for the questions tuned on, the held-out ones, the second held-out batch and the
held-out batches no one tuning has seen (batches 3 and 4); it also keeps the set itself
honest: at least 150 questions, every expected entry in the catalog. The floors are what was measured
with the catalog's own words only, without the 同义词词林 groups (not cleared, no longer
shipped: docs/third-party-licences.md; BENCHMARKS.md, 2026-12-01): held out 94.0 %, batch 2
100 %, batch 3 88.5 % top-3. Batch 4 (69 questions from the seeds' wording and the items'
names, measured once after it was committed: 95.7 % top-3) has its own floor; the earlier
held-out floors are of batches 1 to 3. The questions outside the catalog (``expect: []``)
have their own floor: the share declined rightly, with the matter handled elsewhere each
asks about (``matter``) or plainly when the catalog's list has none (assist17c: before, any
decline counted, and 想领养一个孩子 sent to 退休 was right)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from tongban.assistant.measure import evaluate, read_questions
from tongban.catalog import service as catalog

EVERY = read_questions(Path(__file__).with_name("questions.yaml"))
QUESTIONS = [question for question in EVERY if question["expect"]]
# Questions the catalog does not answer (``expect: []``): right when declined.
OUTSIDE = [question for question in EVERY if not question["expect"]]
TUNED = [question for question in QUESTIONS if not question.get("held_out")]
HELD_OUT = [question for question in QUESTIONS if question.get("held_out")]
SECOND = [question for question in HELD_OUT if question.get("batch") == 2]
UNSEEN = [question for question in HELD_OUT if question.get("batch") == 3]
FOURTH = [question for question in HELD_OUT if question.get("batch") == 4]
EARLIER = [question for question in HELD_OUT if question.get("batch") != 4]
# The English questions (questions_en.yaml), asked as on an English page.
ENGLISH = read_questions(Path(__file__).with_name("questions_en.yaml"))


def test_the_question_set_is_large_and_names_real_entries(db: Session) -> None:
    assert len(QUESTIONS) >= 150 and len(HELD_OUT) >= 30 and len(UNSEEN) >= 75
    assert len(FOURTH) >= 60 and len(OUTSIDE) >= 30
    codes = {entry.code for entry in catalog.list_entries(db)}
    assert {code for question in QUESTIONS for code in question["expect"]} <= codes
    listed = catalog.current_elsewhere(db)
    assert listed is not None
    matters = {matter["code"] for matter in listed.definition["matters"]}
    labelled = {q["matter"] for q in [*OUTSIDE, *ENGLISH] if q.get("matter")}
    assert labelled <= matters, labelled - matters


def test_top3_accuracy_floor(db: Session) -> None:
    tuned, held_out = evaluate(db, TUNED), evaluate(db, EARLIER)
    second, unseen = evaluate(db, SECOND), evaluate(db, UNSEEN)
    assert tuned.top3 >= 0.95, tuned.misses
    # no held-out miss is printed (an assertion's message would show it): not for tuning
    assert held_out.top3 >= 0.93
    assert second.top3 >= 0.95
    # 0.885 until 开餐馆 gained its 个体工商户 item and question (hand17): one question of
    # 78 left the top 3 (87.2 %); back to 88.5 % since a bundle is found by its items'
    # keywords and synonyms too (assist19); the misses are not tuned on; 89.7 % since
    # session 22 (assist22: 资格证 is a document, not a question about conditions), whose
    # misses were printed once to find their causes: batch 6 is the unseen one now
    assert unseen.top3 >= 0.89
    assert evaluate(db, FOURTH).top3 >= 0.95  # its misses are not shown: not for tuning
    overall = (tuned.top3 * tuned.questions + held_out.top3 * held_out.questions) / (
        tuned.questions + held_out.questions
    )
    assert overall >= 0.90


def test_questions_outside_the_catalog_are_declined(db: Session) -> None:
    """The share declined rightly: with the matter handled elsewhere the question asks
    about, or plainly when the list has none for it (assist17c, BENCHMARKS.md; before,
    any decline counted: 想领养一个孩子 sent to 退休 was right). Tuned on: 52 of 53, all
    declined (电动车上牌照 is declined plainly, not sent to 机动车登记); the first held-out
    part: 14 of 16, all declined; batch 5: 11 of 20 rightly, 17 declined in some way (its
    misses not shown). Since session 18 (assist18) the tuned part holds the trial's
    questions too, and a matter is offered only when the question names it: 62 of 65
    rightly (给员工办工作证 and 要带身份证吗 still sent to a matter, 电动车上牌照 declined
    plainly); since session 19 (assist19: a document must be named with what says which
    it is, a document to bring asks for materials) 64 of 65 (电动车上牌照 still declined
    plainly: it was labelled 机动车登记, but an electric bicycle is no motor vehicle; since
    session 21 the list has 电动自行车登记上牌, and the question is labelled with it). The shares declined in any way are those of session 17: every
    question tuned on and of the first held-out part (its misses were the subject of the
    lists of matters, so it is tuned in truth), 85 % of batch 5."""
    tuned = evaluate(db, [question for question in OUTSIDE if not question.get("held_out")])
    held_out = evaluate(db, [q for q in OUTSIDE if q.get("held_out") and q.get("batch") != 5])
    fifth = evaluate(db, [question for question in OUTSIDE if question.get("batch") == 5])
    assert tuned.declined >= 1.0 and tuned.top1 >= 0.98, tuned.misses
    assert held_out.declined >= 1.0 and held_out.top1 >= 0.87  # held out: misses not shown
    # 0.85 until session 22 (assist22): a matter is no longer offered over an entry the
    # question names as fully (户口 → 出生登记), and 医保卡里的钱能取出来吗 got the newborn's
    # social security card instead of the adult card's matter (both wrong; rightly unchanged)
    assert fifth.questions >= 15 and fifth.declined >= 0.80
    assert fifth.top1 >= 0.55


def test_english_questions_are_answered(db: Session) -> None:
    """The English set, measured once its held-out part was committed (BENCHMARKS.md,
    2026-12-02, session 17): tuned on 100 % top-3 (57), held out 91.1 % (45, misses never
    printed); questions outside the catalog declined, 11 of 11, 9 of them rightly (with
    the matter asked about: assist17c). Before, every English question was declined: the
    index held only the catalog's Chinese."""
    tuned = [q for q in ENGLISH if q["expect"] and not q.get("held_out")]
    held_out = [q for q in ENGLISH if q["expect"] and q.get("held_out")]
    assert len(tuned) >= 50 and len(held_out) >= 40
    assert evaluate(db, tuned).top3 >= 0.98, evaluate(db, tuned).misses
    assert evaluate(db, held_out).top3 >= 0.91  # its misses are not shown: not for tuning
    # 0.72 for both parts since session 18 (assist18): a matter must be named, half of one
    # of its phrases, and one held-out question lost its matter (BENCHMARKS.md); not tuned
    # on. Apart since session 19: the tuned part shows its misses, the held-out part none
    tuned_out = evaluate(db, [q for q in ENGLISH if not q["expect"] and not q.get("held_out")])
    assert tuned_out.declined >= 1.0 and tuned_out.top1 >= 0.8, tuned_out.misses
    held_out_out = evaluate(db, [q for q in ENGLISH if not q["expect"] and q.get("held_out")])
    assert held_out_out.declined >= 1.0 and held_out_out.top1 >= 0.66


def test_the_sixth_batch_is_answered(db: Session) -> None:
    """Batch 6 (questions_batch6.yaml): 20 questions written before session 22 changed
    anything (Chinese, English and matters handled elsewhere together), never tuned on:
    95 % top-3 before the session's changes and after (BENCHMARKS.md)."""
    sixth = read_questions(Path(__file__).with_name("questions_batch6.yaml"))
    assert len(sixth) >= 20
    assert evaluate(db, sixth).top3 >= 0.95  # its misses are not shown: not for tuning


def test_a_failing_floor_shows_no_held_out_question(db: Session) -> None:
    """pytest prints the figures of a failing ``assert figures.top3 >= …`` (their repr):
    the misses are not in it, so a held-out question is never shown to someone tuning
    (assist18 saw one in such a message)."""
    missed = [{"q": "这一问没有哪个事项回答得了", "expect": ["3501-SCJG-001"]}]
    figures = evaluate(db, missed)
    assert figures.misses and figures.top3 == 0.0
    assert "这一问" not in repr(figures)
