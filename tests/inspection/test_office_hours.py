"""An on-site inspection (现场踏勘) is visited in office hours on a working day of the
official calendar, as the department's inspectors work: a visit proposed at 22:00, on a
Sunday or on 元旦 is refused with what to choose instead, on the service, the page and the
API, and nothing of the proposal is kept. Before: any future time was proposed to the
applicant, 22:00 and Sundays included."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tests.factories import API
from tests.inspection.test_inspection import ACCEPTED, _in_review, _order
from tests.web.support import SignedIn, csrf
from tongban.accounts.models import User
from tongban.errors import InvalidInput
from tongban.inspection import service as inspection
from tongban.inspection.enums import VisitState


@pytest.fixture
def review(client: TestClient, as_user: Any, clock: Clock) -> dict[str, Any]:
    """A 食品生产许可 case accepted on Thursday 2025-11-06 10:00, in review."""
    return _in_review(client, as_user, clock)


def _propose(db: Session, found: Any, visit_at: datetime) -> None:
    inspector = db.get_one(User, found.first_inspector_id)
    inspection.propose_visit(
        db, inspection_id=found.id, user=inspector, visit_at=visit_at, note="", now=ACCEPTED
    )


@pytest.mark.parametrize(
    ("visit_at", "words", "words_en"),
    [
        # Friday 2025-11-07 22:00 in Fuzhou: after office hours
        (
            datetime(2025, 11, 7, 14, 0, tzinfo=UTC),
            "22:00 不在办公时间 09:00–17:00 内",
            "22:00 is outside office hours (09:00–17:00)",
        ),
        # Friday 17:00: office hours end then
        (
            datetime(2025, 11, 7, 9, 0, tzinfo=UTC),
            "17:00 不在办公时间 09:00–17:00 内",
            "17:00 is outside office hours (09:00–17:00)",
        ),
        # Sunday 2025-11-09 10:00
        (
            datetime(2025, 11, 9, 2, 0, tzinfo=UTC),
            "2025-11-09 是休息日，",
            "2025-11-09 is not a working day;",
        ),
        # Thursday 2026-01-01 10:00: 元旦
        (
            datetime(2026, 1, 1, 2, 0, tzinfo=UTC),
            "2026-01-01 是休息日（元旦）",
            "2026-01-01 is not a working day (New Year's Day)",
        ),
        # Thursday 2026-10-01 10:00: 国庆节
        (
            datetime(2026, 10, 1, 2, 0, tzinfo=UTC),
            "2026-10-01 是休息日（国庆节）",
            "2026-10-01 is not a working day (National Day)",
        ),
    ],
)
def test_a_visit_outside_office_hours_on_working_days_is_refused(
    db: Session, review: dict[str, Any], visit_at: datetime, words: str, words_en: str
) -> None:
    found = _order(db, review)
    with pytest.raises(InvalidInput) as refused:
        _propose(db, found, visit_at)
    assert refused.value.field == "visit_at"
    assert words in refused.value.message_zh
    assert words_en in refused.value.message_en
    assert "请选择工作日 09:00–17:00 之间的时间" in refused.value.message_zh
    assert "working day between 09:00 and 17:00" in refused.value.message_en
    assert found.visit_at is None and found.visit_state is None


@pytest.mark.parametrize(
    "visit_at",
    [
        datetime(2025, 11, 7, 1, 0, tzinfo=UTC),  # Friday 09:00, as office hours open
        datetime(2025, 11, 7, 8, 59, tzinfo=UTC),  # Friday 16:59
        datetime(2026, 1, 4, 2, 0, tzinfo=UTC),  # Sunday 2026-01-04, 元旦's make-up working day
    ],
)
def test_a_visit_in_office_hours_of_a_working_day_is_proposed(
    db: Session, review: dict[str, Any], visit_at: datetime
) -> None:
    found = _order(db, review)
    _propose(db, found, visit_at)
    assert found.visit_at == visit_at and found.visit_state == VisitState.proposed


def test_the_page_says_what_to_choose_and_keeps_the_note(
    review: dict[str, Any], signed_in: SignedIn, db: Session
) -> None:
    found = _order(db, review)
    db.commit()
    inspector = signed_in(_drawn(db, found))
    page = inspector.get(f"/inspections/{found.id}").text
    data = {"csrf_token": csrf(page), "visit_at": "2025-11-09T10:00", "note": "请负责人在场"}
    refused = inspector.post(f"/inspections/{found.id}/propose", data=data)
    assert refused.status_code == 422
    assert "2025-11-09 是休息日" in refused.text and "请选择工作日 09:00–17:00" in refused.text
    assert "请负责人在场</textarea>" in refused.text
    inspector.cookies.set("tongban_lang", "en")
    english = inspector.post(f"/inspections/{found.id}/propose", data=data)
    assert english.status_code == 422 and "2025-11-09 is not a working day" in english.text


def test_the_api_refuses_a_visit_at_night(
    client: TestClient, review: dict[str, Any], as_user: Any, db: Session
) -> None:
    found = _order(db, review)
    db.commit()
    late = client.post(
        f"{API}/inspections/{found.id}/visit",
        json={"visit_at": "2025-11-07T22:00:00+08:00"},
        headers={**as_user(_drawn(db, found)), "Accept-Language": "en"},
    )
    assert late.status_code == 422
    assert "22:00 is outside office hours (09:00–17:00)" in late.text
    db.refresh(found)
    assert found.visit_state is None


def _drawn(db: Session, found: Any) -> str:
    return db.get_one(User, found.first_inspector_id).username
