"""好评率 and 差评整改率 have one rule (``ratings.rules``): the supervision dashboard (its
reform line and its 好差评 card with the department scores), the reform figures' page and
API (which the cockpit reads) give the same figure for the same ratings; and a rating
whose department's appeal was upheld (申诉成立) drops out of every one of them, and a new
rating or an appeal decision shows everywhere at once, without waiting for the worker's
refresh of the daily rows."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tests.ratings.conftest import Finish, case_id, user
from tests.web.support import sign_in
from tongban.ratings import followup, service
from tongban.ratings.enums import RatingChannel
from tongban.ratings.models import Rating
from tongban.supervision import daily, tasks

HOUR = timedelta(hours=1)
TZ = ZoneInfo("Asia/Shanghai")


def _pages(client: TestClient, as_user: Any) -> dict[str, tuple[str, str]]:
    """(好评率, 差评整改率) as each place shows it, in per cent with one decimal."""
    api = client.get(
        "/api/v1/supervision/reform", params={"days": 30}, headers=as_user("supervisor")
    )
    rates = api.json()["total"]["rates"]
    exported = client.post(
        "/api/v1/supervision/reform/export",
        params={"days": 30, "format": "csv"},
        headers=as_user("supervisor"),
    )
    header, total = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))[:2]
    line_of = dict(zip(header, total, strict=True))

    def pct(rate: float | None) -> str:
        return "—" if rate is None else f"{100 * rate:.1f}"

    sign_in(client, "supervisor")
    board = client.get("/supervision?days=30").text
    line = re.search(r"好评率 ([\d.]+) ?%", board)
    card = board[board.index('id="ratings-figures-title"') :]
    good = re.search(r"<dt>好评率</dt><dd>([\d.]+)%", card)
    fixed = re.search(r"<dt>差评整改率</dt><dd>([\d.]+)%", card)
    reform = client.get("/supervision/reform?days=30").text
    page_good = re.search(r"<td>好评率</td><td>([\d.]+) %", reform)
    page_fixed = re.search(r"<td>差评整改率</td><td>([\d.]+) %", reform)
    assert line and good and fixed and page_good and page_fixed
    as_exported = (float(line_of["好评率"] or "nan"), float(line_of["差评整改率"] or "nan"))
    return {
        "export": (pct(as_exported[0]), pct(as_exported[1])),
        "api (cockpit)": (pct(rates["satisfaction_rate"]), pct(rates["rectification_rate"])),
        "dashboard card": (good.group(1), fixed.group(1)),
        "dashboard line": (line.group(1), fixed.group(1)),
        "reform page": (page_good.group(1), page_fixed.group(1)),
    }


def test_one_rule_everywhere_and_an_upheld_appeal_drops_out(
    client: TestClient, finish: Finish, as_user: Any, db: Session, clock: Clock
) -> None:
    numbers = [finish() for _ in range(5)]
    now = clock.advance(days=5)
    given = now - 3 * 24 * HOUR  # before yesterday: a day the worker has closed
    applicant = user(db, "zhangsan")
    ratings = []
    scores, rectified_after = (5, 4, 1, 2), (None, None, 2, None)
    for number, score, rectified in zip(numbers, scores, rectified_after, strict=False):
        rating = Rating(
            case_id=case_id(db, number),
            applicant_id=applicant.id,
            department_code="RS",
            score=score,
            comment="意见" if score <= 2 else None,
            created_at=given,
            rectify_due_at=given + 24 * HOUR if score <= 2 else None,
            rectification="已整改" if rectified else None,
            rectified_by="人社审查员" if rectified else None,
            rectified_at=given + rectified * HOUR if rectified else None,
        )
        db.add(rating)
        ratings.append(rating)
    db.flush()
    daily.rebuild(db, tz=TZ, now=now)
    db.commit()
    shown = _pages(client, as_user)
    assert set(shown.values()) == {("50.0", "50.0")}, shown  # 2 good of 4; 1 of 2 bad rectified
    department = service.figures(db, now=now).departments["RS"]
    assert (department.satisfaction_rate, department.rectification_rate) == (0.5, 0.5)

    unfair = ratings[3]  # the bad rating not rectified: the department appeals, upheld
    followup.appeal(db, rating_id=unfair.id, user=user(db, "rs"), reason="与本事项无关。", now=now)
    followup.decide_appeal(
        db,
        rating_id=unfair.id,
        user=user(db, "supervisor"),
        outcome="upheld",
        decision="评价内容与本办件无关。",
        now=now,
    )
    db.commit()  # no refresh of the daily rows: every place counts the decision at once
    shown = _pages(client, as_user)
    assert set(shown.values()) == {("66.7", "100.0")}, shown  # 2 good of 3; 1 of 1 rectified
    department = service.figures(db, now=now).departments["RS"]
    assert (department.satisfaction_rate, department.rectification_rate) == (0.667, 1.0)

    service.rate_case(  # a new rating today: 3 good of 4
        db,
        case_id=case_id(db, numbers[4]),
        user=applicant,
        score=5,
        comment=None,
        now=now,
        channel=RatingChannel.web,
    )
    db.commit()
    assert set(_pages(client, as_user).values()) == {("75.0", "100.0")}
    tasks.refresh(db, payload={"tz": "Asia/Shanghai"}, now=now)  # the worker's next refresh
    db.commit()
    assert set(_pages(client, as_user).values()) == {("75.0", "100.0")}  # changes nothing
