"""Counts on English pages and in English messages take the noun's form for their number
(issue 16): "1 working day", "2 working days", never "1 working days" or "1.0 working
days"; one person ahead in the queue is "1 person", not "1 people"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator

from tests.conftest import Clock
from tests.factories import submitted
from tests.web.support import ITEM, SignedIn, csrf
from tongban.accounts import throttle
from tongban.schema_words import reason_of
from tongban.web.validation import translated

HALL = "GL-ZWFW"


def test_the_receipt_states_one_working_day_in_the_singular(
    client: TestClient,
    as_user,  # type: ignore[no-untyped-def]
    signed_in: SignedIn,
) -> None:
    number = submitted(client, as_user("zhangsan"), ITEM)["number"]  # promised 1, legal 5
    applicant = signed_in("zhangsan")
    applicant.cookies.set("tongban_lang", "en")
    receipt = applicant.get(f"/cases/{number}/receipt").text
    assert "1 working day from acceptance" in receipt
    assert "1 working days" not in receipt and "1.0" not in receipt


def test_the_kiosk_counts_one_person_ahead_and_the_minutes_to_wait(
    client: TestClient, clock: Clock
) -> None:
    client.cookies.set("tongban_lang", "en")
    form = client.get(f"/halls/{HALL}/kiosk")
    first = client.post(
        f"/halls/{HALL}/kiosk/take", data={"item": ITEM, "csrf_token": csrf(form.text)}
    ).text
    assert "0 people ahead of you, about 5 minutes to wait" in first
    clock.advance(minutes=1)
    second = client.post(
        f"/halls/{HALL}/kiosk/take", data={"item": ITEM, "csrf_token": csrf(form.text)}
    ).text
    assert "1 person ahead of you, about 10 minutes to wait" in second, second


def test_the_dashboard_periods_and_reform_times_read_as_english(
    signed_in: SignedIn,
) -> None:
    supervisor = signed_in("supervisor")
    supervisor.cookies.set("tongban_lang", "en")
    dashboard = supervisor.get("/supervision").text
    assert "Last 7 days" in dashboard and "Last 30 days" in dashboard
    reform = supervisor.get("/supervision/reform").text
    assert "Actual 0 working days, legal 0 working days" in reform
    assert ".0 working days" not in reform


def test_a_lock_about_to_end_says_one_minute() -> None:
    now = datetime(2025, 9, 22, 1, 0, tzinfo=UTC)
    error = throttle.locked(now + timedelta(seconds=30), now)
    assert "try again in 1 minute," in error.message_en
    assert "try again in 2 minutes," in throttle.locked(now + timedelta(minutes=2), now).message_en


def test_a_bound_of_one_is_one_character_or_one_item() -> None:
    short = {"type": "string_too_short", "loc": ("body", "name"), "ctx": {"min_length": 1}}
    assert "needs at least 1 character" in translated(short)["message_en"]
    assert "1 characters" not in translated(short)["message_en"]
    few = {"type": "too_short", "loc": ("body", "items"), "ctx": {"min_length": 2}}
    assert "needs at least 2 items" in translated(few)["message_en"]


def test_a_form_asking_for_one_plate_at_least_says_one_entry() -> None:
    """A catalog form's ``minItems: 1`` (车辆号牌, 刻制印章种类) read "at least 1 entries"."""
    schema = {"type": "array", "minItems": 1, "items": {"type": "string"}}
    (error,) = Draft202012Validator(schema).iter_errors([])
    assert reason_of(error) == ("至少 1 项", "needs at least 1 entry")
