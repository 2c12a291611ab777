"""Parallel review (并联审批) as a pure join rule over the outcomes of a round's tasks."""

from __future__ import annotations

from collections.abc import Sequence

from tongban.cases.enums import JoinRule, RoundOutcome, TaskOutcome


def decide(outcomes: Sequence[TaskOutcome | None], rule: JoinRule) -> RoundOutcome:
    """Join the round: ``None`` marks a task still open.

    All must approve for approval. A refusal ends the round at once under
    ``end_round``; under ``wait_all`` the round ends refused only when every
    department has spoken.
    """
    refused = TaskOutcome.refused in outcomes
    if refused and rule == JoinRule.end_round:
        return RoundOutcome.refused
    if any(outcome is None for outcome in outcomes):
        return RoundOutcome.pending
    return RoundOutcome.refused if refused else RoundOutcome.approved
