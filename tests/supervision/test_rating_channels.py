"""Satisfaction per channel counts each rating under the channel it was given through (the
SMS link, the window's pad, the web page), not the case's: a case filed through the API
and rated by SMS adds to 短信 on the dashboard's channel table and in the export."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import START
from tests.ratings.conftest import Finish, finish
from tests.supervision.conftest import TZ
from tests.web.support import sign_in
from tongban.cases.models import Case
from tongban.ratings import links
from tongban.ratings.enums import RatingChannel
from tongban.ratings.quick import Answer
from tongban.supervision import daily
from tongban.supervision import service as supervision
from tongban.supervision.export import table
from tongban.supervision.reform import ReformFilter, reform_figures
from tongban.web.i18n import gettext_for

__all__ = ["finish"]  # the fixture, shared


def _rate_by_sms(db: Session, client: TestClient, number: str, score: int) -> None:
    case_id = db.scalar(select(Case.id).where(Case.number == number))
    assert case_id is not None
    secret = client.app.state.runtime.settings.secret_key  # type: ignore[attr-defined]
    token = links.sign(case_id=case_id, channel=RatingChannel.sms, sent_at=START, secret_key=secret)
    answer = Answer(score, "很快", [], {})
    links.rate_by_link(db, token=token, answer=answer, now=START, secret_key=secret)


def test_ratings_count_under_the_channel_they_were_given_through(
    client: TestClient, finish: Finish, db: Session
) -> None:
    numbers = [finish(), finish()]  # filed through the API
    assert {str(c) for c in db.scalars(select(Case.channel))} == {"api"}
    _rate_by_sms(db, client, numbers[0], 5)
    _rate_by_sms(db, client, numbers[1], 3)
    db.flush()
    figures = supervision.dashboard(db, now=START, tz=TZ, days=7)
    sms, api = figures.channels["sms"], figures.channels["api"]
    assert (sms.rated, sms.rated_good, sms.satisfaction_rate) == (2, 1, 0.5)
    assert sms.received == 0 and api.rated == 0 and api.finished == 2
    today = START.astimezone(TZ).date()
    daily.compute_days(db, first=today - timedelta(days=1), last=today, tz=TZ, now=START)
    reform = reform_figures(
        db, tz=TZ, where=ReformFilter(today - timedelta(days=6), today), stages=False
    )
    lines = table(reform, items={}, departments={}, gettext=gettext_for("zh_Hans"))
    header = lines[0]
    rated, good = header.index("评价数"), header.index("好评数")
    by_channel = {line[1]: line for line in lines if line[0] == "渠道"}
    assert by_channel["sms"][2] == "短信"
    assert (by_channel["sms"][rated], by_channel["sms"][good]) == (2, 1)
    assert by_channel["api"][rated] == 0
    sign_in(client, "supervisor")
    page = client.get("/supervision?days=7")
    assert page.status_code == 200
    row = page.text[page.text.index('<th scope="row">短信</th>') :].split("</tr>")[0]
    assert ">2<" in row and "50.0%" in row
