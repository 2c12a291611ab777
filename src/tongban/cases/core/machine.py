"""The case state machine: the one table of legal transitions.

Every change of a case's state is looked up here (by :func:`next_state`) before it
happens; anything not in the table is illegal and is refused with a clear reason.
"""

from __future__ import annotations

from enum import StrEnum

from tongban.cases.enums import CaseState


class Event(StrEnum):
    submit = "submit"
    request_correction = "request_correction"
    resubmit = "resubmit"
    accept = "accept"
    deem_accept = "deem_accept"  # 行政许可法 art. 32: no notice within 5 working days
    reject = "reject"
    withdraw = "withdraw"
    review_complete = "review_complete"
    approve = "approve"
    refuse = "refuse"
    issue = "issue"
    deliver = "deliver"


S = CaseState
TRANSITIONS: dict[tuple[CaseState, Event], CaseState] = {
    (S.draft, Event.submit): S.submitted,
    (S.submitted, Event.request_correction): S.correction_requested,
    (S.correction_requested, Event.resubmit): S.submitted,
    (S.submitted, Event.accept): S.in_review,
    (S.submitted, Event.deem_accept): S.in_review,
    (S.submitted, Event.reject): S.rejected,
    (S.draft, Event.withdraw): S.withdrawn,
    (S.submitted, Event.withdraw): S.withdrawn,
    (S.correction_requested, Event.withdraw): S.withdrawn,
    (S.in_review, Event.review_complete): S.in_decision,
    (S.in_decision, Event.approve): S.issuing,
    (S.in_decision, Event.refuse): S.refused,
    (S.issuing, Event.issue): S.delivering,
    (S.delivering, Event.deliver): S.completed,
}

STATE_NAMES_ZH = {
    S.draft: "草稿",
    S.submitted: "待受理",
    S.correction_requested: "待补正",
    S.in_review: "审查中",
    S.in_decision: "待核准",
    S.issuing: "制证中",
    S.delivering: "待送达",
    S.completed: "已办结",
    S.rejected: "不予受理",
    S.refused: "不予许可",
    S.withdrawn: "已撤回",
}


class IllegalTransition(Exception):
    def __init__(self, state: CaseState, event: Event) -> None:
        super().__init__(f"{event} is not allowed while the case is {state}")
        self.state = state
        self.event = event


def next_state(state: CaseState, event: Event) -> CaseState:
    """The state after ``event``, or IllegalTransition."""
    try:
        return TRANSITIONS[(state, event)]
    except KeyError:
        raise IllegalTransition(state, event) from None


def allowed_events(state: CaseState) -> frozenset[Event]:
    return frozenset(event for (source, event) in TRANSITIONS if source == state)
