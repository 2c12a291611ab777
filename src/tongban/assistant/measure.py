"""How well the assistant answers a question set: top-1 and top-3 accuracy and the answer
time, used by the suite (a floor) and ``bench/assistant.py`` (the figures in BENCHMARKS.md).

A question set is YAML: ``questions:`` a list of ``{q, expect: [codes], held_out}``; a
reply is right at top-k when one of the first k entries it offers is among ``expect``. A
question the assistant declines to answer counts as wrong, unless it is one the catalog
does not answer (``expect: []``): then declining is the only right reply, at top-1 and
top-3 alike (its share right is the abstention rate).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from tongban.assistant import retrieval, service


@dataclass(frozen=True)
class Figures:
    """Accuracy (shares, 0–1) and answer time (milliseconds) over one set of questions."""

    questions: int
    top1: float
    top3: float
    p95_ms: float
    # "question → the codes offered" with no right one among the first three; left out of
    # the figures' repr, which a failing assertion prints: a held-out miss is never shown
    misses: list[str] = field(repr=False)
    declined: float = 0.0  # the share declined in any way (unanswered, or a matter elsewhere)


def read_questions(path: Path) -> list[dict[str, Any]]:
    """The questions of a question-set file."""
    return list(yaml.safe_load(path.read_text(encoding="utf-8"))["questions"])


def evaluate(session: Session, questions: Sequence[dict[str, Any]]) -> Figures:
    """Ask each question as an anonymous person and compare with what it expects."""
    right1 = right3 = declined = 0
    took: list[float] = []
    misses = []
    for question in questions:
        start = time.perf_counter()
        reply = service.ask(session, question=question["q"], user=None)
        took.append((time.perf_counter() - start) * 1000)
        codes = _offered(reply)
        expect = question["expect"] or [_declined(question.get("matter"))]
        declined += not reply.found
        right1 += codes[0] in expect
        if any(code in expect for code in codes[:3]):
            right3 += 1
        else:
            misses.append(f"{question['q']} → {' '.join(codes[:3])}")
    took.sort()
    count = len(questions)
    p95 = took[min(count - 1, int(count * 0.95))] if took else 0.0
    return Figures(count, right1 / count, right3 / count, p95, misses, declined / count)


UNANSWERED = "(none)"  # what a plain "cannot answer" reply offers, as the measure reads it


def _declined(matter: str | None) -> str:
    """The right decline of a question outside the catalog: its matter, or the plain one."""
    return retrieval.ELSEWHERE + matter if matter else UNANSWERED


def _offered(reply: service.Reply) -> list[str]:
    """The entries a reply offers, a matter handled elsewhere as its code in the index
    (``elsewhere:…``), or :data:`UNANSWERED` when it offers nothing."""
    if reply.matter is not None:
        return [retrieval.ELSEWHERE + str(reply.matter["code"])]
    return [found.code for found in reply.found] or [UNANSWERED]
