"""A bad rating's rectification is watched like a stage (电子监察): warned at two thirds of
its hours, overdue at its due time, escalated 8 office hours later across the 2025
National Day week; rectifying resolves its alerts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.alerts.test_watched_requests import _at, _levels
from tests.conftest import Clock
from tests.factories import API
from tests.ratings.conftest import Finish
from tongban.web.runtime import Runtime


def test_a_bad_ratings_rectification_across_national_day(
    client: TestClient, as_user: Any, clock: Clock, runtime: Runtime, db: Session, finish: Finish
) -> None:
    clock.now = datetime(2025, 9, 30, 2, tzinfo=UTC)  # Tuesday 10:00
    number = finish()
    rated = client.post(
        f"{API}/cases/{number}/rating",
        json={"score": 1, "comment": "窗口让我跑了三趟。"},
        headers=as_user("zhangsan"),
    )
    assert rated.status_code == 201, rated.text
    # 24 plain hours: due Wednesday 10/1 10:00, warned 16 hours after the rating;
    # escalated after 8 office hours past the due time: Thursday 10/9 17:00, after the week.
    warning = clock.now + timedelta(hours=16)
    due = clock.now + timedelta(hours=24)
    escalated = datetime(2025, 10, 9, 9, tzinfo=UTC)
    for moment in (warning, due, escalated):
        _at(clock, runtime, moment - timedelta(seconds=1))
        _at(clock, runtime, moment)
    assert {level: raised for level, (_, raised, _) in _levels(db, "rating").items()} == {
        "warning": warning,
        "overdue": due,
        "escalated": escalated,
    }
    assert {department for department, _, _ in _levels(db, "rating").values()} == {"RS"}
    rating_id = rated.json()["id"]
    done = client.post(
        f"{API}/ratings/{rating_id}/rectification",
        json={"text": "已约谈窗口人员并改为一次办结。"},
        headers=as_user("rs"),
    )
    assert done.status_code == 200, done.text
    assert {resolved for _, _, resolved in _levels(db, "rating").values()} == {clock.now}
