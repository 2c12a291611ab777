"""The join rule of parallel review, in every completion order."""

from __future__ import annotations

from itertools import permutations

import pytest

from tongban.cases.enums import JoinRule, RoundOutcome, TaskOutcome
from tongban.cases.stages.review import decide

A, R = TaskOutcome.approved, TaskOutcome.refused


def _replay(
    order: tuple[int, ...], outcomes: list[TaskOutcome], rule: JoinRule
) -> list[RoundOutcome]:
    """The round's verdict after each task finishes, in ``order``."""
    done: list[TaskOutcome | None] = [None] * len(outcomes)
    verdicts = []
    for index in order:
        done[index] = outcomes[index]
        verdicts.append(decide(done, rule))
    return verdicts


@pytest.mark.parametrize("order", list(permutations(range(5))))
def test_five_approvals_join_only_when_the_last_arrives(order: tuple[int, ...]) -> None:
    verdicts = _replay(order, [A] * 5, JoinRule.end_round)
    assert verdicts == [RoundOutcome.pending] * 4 + [RoundOutcome.approved]


@pytest.mark.parametrize("order", list(permutations(range(5))))
def test_one_refusal_ends_the_round_the_moment_it_arrives(order: tuple[int, ...]) -> None:
    outcomes = [A, A, R, A, A]
    verdicts = _replay(order, outcomes, JoinRule.end_round)
    refusal_at = order.index(2)
    assert verdicts[:refusal_at] == [RoundOutcome.pending] * refusal_at
    assert verdicts[refusal_at] == RoundOutcome.refused


@pytest.mark.parametrize("order", list(permutations(range(4))))
def test_wait_all_hears_every_department_before_refusing(order: tuple[int, ...]) -> None:
    verdicts = _replay(order, [A, R, A, R], JoinRule.wait_all)
    assert verdicts == [RoundOutcome.pending] * 3 + [RoundOutcome.refused]


def test_a_single_department_decides_alone() -> None:
    assert decide([A], JoinRule.end_round) == RoundOutcome.approved
    assert decide([R], JoinRule.wait_all) == RoundOutcome.refused
    assert decide([None], JoinRule.end_round) == RoundOutcome.pending
