"""The case state machine as a table: properties that must hold for any event sequence."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tongban.cases.core.machine import (
    STATE_NAMES_ZH,
    TRANSITIONS,
    Event,
    IllegalTransition,
    allowed_events,
    next_state,
)
from tongban.cases.enums import FINAL_STATES, CaseState


def test_final_states_have_no_way_out() -> None:
    for state in FINAL_STATES:
        assert allowed_events(state) == frozenset()


def test_every_state_is_reachable_from_a_draft() -> None:
    reached, frontier = {CaseState.draft}, [CaseState.draft]
    while frontier:
        state = frontier.pop()
        for event in allowed_events(state):
            target = TRANSITIONS[(state, event)]
            if target not in reached:
                reached.add(target)
                frontier.append(target)
    assert reached == set(CaseState)


def test_every_state_has_a_chinese_name() -> None:
    assert set(STATE_NAMES_ZH) == set(CaseState)


@given(st.lists(st.sampled_from(list(Event)), max_size=40))
def test_any_event_sequence_stays_on_the_table(events: list[Event]) -> None:
    state = CaseState.draft
    corrections = 0
    for event in events:
        try:
            target = next_state(state, event)
        except IllegalTransition:
            assert (state, event) not in TRANSITIONS
            continue
        assert TRANSITIONS[(state, event)] == target
        corrections += event == Event.request_correction
        state = target
    assert state in set(CaseState)


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
