"""The case state machine as a table: properties that must hold for any event sequence."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tongban.cases.core.machine import (
    STAGE_DONE,
    STAGE_STATES,
    STATE_NAMES_ZH,
    TRANSITIONS,
    Event,
    IllegalTransition,
    allowed_events,
    next_state,
    runs,
)
from tongban.cases.enums import FINAL_STATES, CaseState, Stage

# Any process a catalog item may list: 受理 always, any of the later stages.
STAGE_SETS = st.sets(st.sampled_from([s for s in Stage if s != Stage.accept])).map(
    lambda later: frozenset({Stage.accept, *later})
)


def test_final_states_have_no_way_out() -> None:
    for state in FINAL_STATES:
        assert allowed_events(state) == frozenset()


def test_every_state_is_reachable_from_a_draft() -> None:
    reached, frontier = {CaseState.draft}, [CaseState.draft]
    while frontier:
        state = frontier.pop()
        for event in allowed_events(state):
            for target in TRANSITIONS[(state, event)]:
                if target not in reached:
                    reached.add(target)
                    frontier.append(target)
    assert reached == set(CaseState)


def test_every_state_has_a_chinese_name() -> None:
    assert set(STATE_NAMES_ZH) == set(CaseState)


@given(st.lists(st.sampled_from(list(Event)), max_size=40), STAGE_SETS)
def test_any_event_sequence_stays_on_the_table(
    events: list[Event], stages: frozenset[Stage]
) -> None:
    state = CaseState.draft
    for event in events:
        try:
            target = next_state(state, event, stages)
        except IllegalTransition:
            assert not any(runs(t, stages) for t in TRANSITIONS.get((state, event), ()))
            continue
        assert target in TRANSITIONS[(state, event)]
        state = target
    assert state in set(CaseState)


@given(st.lists(st.sampled_from(list(Event)), max_size=40), STAGE_SETS)
def test_a_case_is_never_in_the_state_of_a_stage_it_does_not_run(
    events: list[Event], stages: frozenset[Stage]
) -> None:
    skipped = {state for stage, state in STAGE_STATES.items() if stage not in stages}
    state = CaseState.draft
    for event in events:
        if event not in allowed_events(state):
            continue
        try:
            state = next_state(state, event, stages)
        except IllegalTransition:  # no target runs: recheck with no review to go back to
            continue
        assert state not in skipped


@given(STAGE_SETS)
def test_an_approved_case_visits_exactly_the_stages_it_runs_in_order(
    stages: frozenset[Stage],
) -> None:
    """Accept, approve every round, decide, issue, deliver: whatever is listed, nothing else."""
    state, visited = next_state(CaseState.draft, Event.submit, stages), []
    forward = [Event.accept, Event.review_complete, Event.approve, Event.issue, Event.deliver]
    for event in forward:
        if event in allowed_events(state):
            state = next_state(state, event, stages)
            visited.append(state)
    assert state == CaseState.completed
    expected = [STAGE_STATES[s] for s in Stage if s in stages and s in STAGE_STATES]
    assert visited == [*expected, CaseState.completed]


def test_without_a_decision_stage_review_goes_straight_to_issuing() -> None:
    """A 备案 item lists 受理, 审查, 制证: no 核准 (待核准) in between."""
    stages = {Stage.accept, Stage.review, Stage.issue}
    assert next_state(CaseState.in_review, Event.review_complete, stages) == CaseState.issuing
    assert next_state(CaseState.in_review, Event.review_complete) == CaseState.in_decision
    assert next_state(CaseState.submitted, Event.accept, {Stage.accept}) == CaseState.completed


@given(st.lists(st.sampled_from(list(Event)), max_size=40))
def test_a_case_is_only_accepted_after_it_was_submitted(events: list[Event]) -> None:
    state, submitted = CaseState.draft, False
    for event in events:
        if (state, event) not in TRANSITIONS:
            continue
        submitted |= event == Event.submit
        state = next_state(state, event)
        if state == CaseState.in_review:
            assert submitted


def test_finishing_each_stage_moves_the_case_on() -> None:
    """The move a finished stage makes (``STAGE_DONE``, what the demo's cases record) is a
    legal one from the state the stage is worked in, and leads forward, not to an end
    other than completion."""
    assert set(STAGE_DONE) == set(Stage)
    for stage, event in STAGE_DONE.items():
        waiting = STAGE_STATES.get(stage, CaseState.submitted)
        after = next_state(waiting, event)
        assert after not in FINAL_STATES or after == CaseState.completed, stage
