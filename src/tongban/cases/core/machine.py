"""The case state machine: the one table of legal transitions.

Every change of a case's state is looked up here (by :func:`next_state`) before it
happens; anything not in the table is illegal and is refused with a clear reason.
"""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum

from tongban.cases.enums import CaseState, Stage


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
    terminate = "terminate"  # 容缺受理: the missing materials did not arrive in time
    recheck = "recheck"  # 重新调查核实: a founded objection to the notice before the decision


S = CaseState
# The state a case is in while each stage after acceptance is worked.
STAGE_STATES: dict[Stage, CaseState] = {
    Stage.review: S.in_review,
    Stage.decide: S.in_decision,
    Stage.issue: S.issuing,
    Stage.deliver: S.delivering,
}
# The event a case moves by when its stage's work is done (the stage's task approved).
STAGE_DONE: dict[Stage, Event] = {
    Stage.accept: Event.accept,
    Stage.review: Event.review_complete,
    Stage.decide: Event.approve,
    Stage.issue: Event.issue,
    Stage.deliver: Event.deliver,
}
# Each event leads to one of its targets, in process order: the first is the next stage of
# the full process; the later ones skip stages an item's process does not list (an item
# without 审查, 核准 or 制证, or an instant 即办 item decided at acceptance). Which one is
# taken is decided by the stages the case runs (``next_state``), never by the caller.
FORWARD_FROM_ACCEPTANCE = (S.in_review, S.in_decision, S.issuing, S.delivering, S.completed)
TRANSITIONS: dict[tuple[CaseState, Event], tuple[CaseState, ...]] = {
    (S.draft, Event.submit): (S.submitted,),
    (S.submitted, Event.request_correction): (S.correction_requested,),
    (S.correction_requested, Event.resubmit): (S.submitted,),
    (S.submitted, Event.accept): FORWARD_FROM_ACCEPTANCE,
    (S.submitted, Event.deem_accept): FORWARD_FROM_ACCEPTANCE,
    (S.submitted, Event.reject): (S.rejected,),
    (S.draft, Event.withdraw): (S.withdrawn,),
    (S.submitted, Event.withdraw): (S.withdrawn,),
    (S.correction_requested, Event.withdraw): (S.withdrawn,),
    # an approved round, or any round whose outcome goes to the 核准 stage
    (S.in_review, Event.review_complete): (S.in_decision, S.issuing, S.delivering, S.completed),
    (S.in_review, Event.refuse): (S.refused,),  # a refused round where no 核准 stage is listed
    (S.in_decision, Event.approve): (S.issuing, S.delivering, S.completed),
    (S.in_decision, Event.refuse): (S.refused,),
    (S.in_decision, Event.recheck): (S.in_review,),
    (S.issuing, Event.issue): (S.delivering, S.completed),
    (S.delivering, Event.deliver): (S.completed,),
    (S.in_review, Event.terminate): (S.terminated,),
    (S.in_decision, Event.terminate): (S.terminated,),
    (S.issuing, Event.terminate): (S.terminated,),
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
    S.terminated: "已终止",
}


class IllegalTransition(Exception):
    def __init__(self, state: CaseState, event: Event) -> None:
        super().__init__(f"{event} is not allowed while the case is {state}")
        self.state = state
        self.event = event


def runs(target: CaseState, stages: Collection[Stage]) -> bool:
    """Whether a case running ``stages`` ever is in ``target`` (states of no stage: always)."""
    stage = next((s for s, state in STAGE_STATES.items() if state == target), None)
    return stage is None or stage in stages


def next_state(
    state: CaseState, event: Event, stages: Collection[Stage] = tuple(Stage)
) -> CaseState:
    """The state after ``event`` for a case running ``stages`` (default: every stage).

    The first target of the event that is not a skipped stage's state; IllegalTransition
    when the table has no such move.
    """
    for target in TRANSITIONS.get((state, event), ()):
        if runs(target, stages):
            return target
    raise IllegalTransition(state, event)


def action_of(event: Event) -> str:
    """The audit action of a case's move by ``event`` (``case.accept`` …)."""
    return f"case.{event}"


def allowed_events(state: CaseState) -> frozenset[Event]:
    return frozenset(event for (source, event) in TRANSITIONS if source == state)
