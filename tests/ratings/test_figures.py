"""Rating figures on a known set of ratings, and the dashboard card that shows them."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import START
from tests.factories import submitted
from tests.ratings.conftest import ITEM, case_id, user
from tongban.catalog.views import departments
from tongban.ratings import service
from tongban.ratings.models import Rating
from tongban.web import templating
from tongban.web.i18n import gettext_for

NOW = START + timedelta(days=10)
HOUR = timedelta(hours=1)
# (department, score, hours before NOW it was given, hours before NOW it was rectified)
RATINGS = [
    ("RS", 5, 48, None),
    ("RS", 4, 48, None),
    ("RS", 2, 48, 30),  # rectified in time (due 24 hours before NOW)
    ("RS", 1, 48, 10),  # rectified late
    ("RS", 1, 48, None),  # open and overdue
    ("GA", 3, 48, None),
    ("GA", 2, 2, None),  # open, 22 hours left: counts neither way yet
]


@pytest.fixture
def rated(client: TestClient, as_user: Any, db: Session) -> None:
    """The ratings above, each on a case of its own, written straight into the table."""
    numbers = [submitted(client, as_user("zhangsan"), ITEM)["number"] for _ in RATINGS]
    applicant = user(db, "zhangsan")
    for number, (department, score, given, rectified) in zip(numbers, RATINGS, strict=True):
        created = NOW - given * HOUR
        bad = score <= 2
        db.add(
            Rating(
                case_id=case_id(db, number),
                applicant_id=applicant.id,
                department_code=department,
                score=score,
                comment="意见" if bad else None,
                created_at=created,
                rectify_due_at=created + 24 * HOUR if bad else None,
                rectification="已整改" if rectified else None,
                rectified_by="人社审查员" if rectified else None,
                rectified_at=NOW - rectified * HOUR if rectified else None,
            )
        )
    db.flush()


@pytest.mark.usefixtures("rated")
def test_figures_per_department_and_in_total(db: Session) -> None:
    figures = service.figures(db, now=NOW)
    rs, ga, total = figures.departments["RS"], figures.departments["GA"], figures.total
    assert (rs.count, rs.average, rs.satisfaction_rate) == (5, 2.6, 0.4)
    assert (rs.bad, rs.rectified, rs.rectified_on_time, rs.open_overdue) == (3, 2, 1, 1)
    assert rs.on_time_rate == 0.333  # one in time, of the three already due
    assert (ga.count, ga.average, ga.satisfaction_rate, ga.bad, ga.open) == (2, 2.5, 0.0, 1, 1)
    assert ga.on_time_rate is None and ga.open_overdue == 0
    assert (total.count, total.average, total.satisfaction_rate) == (7, 2.57, 0.286)
    assert (total.bad, total.rectified, total.open_overdue, total.on_time_rate) == (4, 2, 1, 0.333)


@pytest.mark.usefixtures("rated")
def test_figures_for_a_period_and_for_one_department(db: Session) -> None:
    recent = service.figures(db, now=NOW, since=NOW - 3 * HOUR)
    assert list(recent.departments) == ["GA"] and recent.total.count == 1
    one = service.figures(db, now=NOW, department_code="RS")
    assert list(one.departments) == ["RS"] and one.total.count == 5
    assert service.figures(db, now=NOW, department_code="WJW").total.average is None


def _card(db: Session, locale: str, figures: service.RatingsDashboard) -> str:
    gettext = gettext_for(locale)
    page = templating.environment().get_template("ratings/_dashboard.html")
    return page.render(
        ratings=figures, departments=departments(db), locale=locale, _=gettext, gettext=gettext
    )


@pytest.mark.usefixtures("rated")
def test_the_dashboard_card_shows_the_figures_and_a_row_per_department(db: Session) -> None:
    html = _card(db, "zh_Hans", service.figures(db, now=NOW))
    facts = re.sub(r"\s+", " ", html)
    assert "<dt>好评率</dt><dd>28.6% " in facts and "<dt>平均分</dt><dd>2.57 " in facts
    assert "<dt>按期整改率</dt><dd>33.3% " in facts
    assert '<dt>超期未整改</dt><dd><span class="overdue">1</span>' in facts
    row = facts[facts.index('href="/staff/ratings?department=RS"') :].split("</tr>")[0]
    assert "福州市人力资源和社会保障局" in row and "<td>5</td><td>2.60</td><td>40.0%</td>" in row
    english = _card(db, "en", service.figures(db, now=NOW, department_code="GA"))
    assert "Satisfaction rate" in english and "Rectified on time" in english
    assert "<table>" not in english  # one department: no table of departments


def test_the_card_says_when_there_is_nothing_yet(db: Session) -> None:
    html = _card(db, "zh_Hans", service.figures(db, now=NOW, department_code="WJW"))
    assert "暂无评价" in html and "<dd>—" in html


@pytest.mark.usefixtures("rated")
def test_the_card_takes_the_dashboards_department_names(db: Session) -> None:
    gettext = gettext_for("en")
    page = templating.environment().get_template("ratings/_dashboard.html")
    html = page.render(
        ratings=service.figures(db, now=NOW),
        department_names={"RS": "Human Resources"},
        locale="en",
        _=gettext,
        gettext=gettext,
    )
    assert ">Human Resources</a>" in html and ">GA</a>" in html
