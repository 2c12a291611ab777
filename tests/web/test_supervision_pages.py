"""The supervision dashboard shows what is late and whose it is."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session

from tests.conftest import START, Clock
from tests.factories import submitted
from tests.web.support import check_structure
from tongban.accounts.models import User
from tongban.errors import NotAllowed
from tongban.supervision import service as supervision


def test_dashboard_names_the_department_that_is_late(
    client: TestClient, as_user: Any, clock: Clock, signed_in: Any
) -> None:
    number = submitted(client, as_user("zhangsan"), "3501-WJW-002")["number"]
    clock.advance(days=3)  # the acceptance stage (same working day) is now overdue
    page = signed_in("supervisor").get("/supervision")
    assert page.status_code == 200
    overdue = page.text.split('id="overdue-title"')[1].split("</section>")[0]
    assert number in overdue and "福州市卫生健康委员会" in overdue
    assert "echarts.common.min.js" in page.text and 'id="figures"' in page.text


def test_only_supervisors_see_the_dashboard(signed_in: Any) -> None:
    assert signed_in("clerk").get("/supervision").status_code == 403
    assert signed_in("zhangsan").get("/supervision").status_code == 403


def test_staff_without_the_supervisor_role_cannot_drill_down(signed_in: Any) -> None:
    for username in ("zhangsan", "wjw", "clerk"):
        client = signed_in(username)
        assert client.get("/supervision/cases").status_code == 403
        assert client.get("/supervision/cases", params={"status": "overdue"}).status_code == 403


def test_the_list_refuses_anyone_but_supervisors_in_the_service_too(db: Session) -> None:
    clerk = db.scalar(select(User).where(User.username == "clerk"))
    with pytest.raises(NotAllowed):
        supervision.list_supervised_cases(db, user=clerk, where=supervision.CaseFilter(), now=START)


def test_both_languages(client: TestClient, as_user: Any, clock: Clock, signed_in: Any) -> None:
    submitted(client, as_user("zhangsan"), "3501-WJW-002")
    clock.advance(days=3)
    supervisor = signed_in("supervisor")
    chinese = supervisor.get("/supervision", params={"days": "7"}).text
    assert "各事项情况" in chinese and "放射工作人员证核发" in chinese
    assert 'href="/supervision?days=7" aria-current="page"' in chinese
    supervisor.cookies.set("tongban_lang", "en")
    english = supervisor.get("/supervision", params={"days": "90"}).text
    assert "Per item" in english and "Radiation worker certificate" in english
    assert "Average time per stage" in english and "Last 90 days" in english
    drilled = supervisor.get("/supervision/cases", params={"status": "overdue"}).text
    assert "Overdue" in drilled and "1 case" in drilled and "Time left" in drilled
    check_structure(english)
    check_structure(drilled)


def test_dashboard_queries_do_not_grow_with_the_cases(
    client: TestClient, as_user: Any, clock: Clock, db: Session, engine: Engine
) -> None:
    """Figures are counted by the database: a few statements, however many cases."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    def statements_for_dashboard() -> int:
        statements.clear()
        event.listen(engine, "before_cursor_execute", record)
        try:
            supervision.dashboard(db, now=clock.now, tz=ZoneInfo("Asia/Shanghai"), days=30)
        finally:
            event.remove(engine, "before_cursor_execute", record)
        return len(statements)

    submitted(client, as_user("zhangsan"), "3501-WJW-002")
    few = statements_for_dashboard()
    for code in ("3501-WJW-002", "3501-RS-003", "3501-RS-003"):
        submitted(client, as_user("lisi"), code)
    clock.advance(days=3)
    # the stored rows, yesterday's and today's events (daily.count_days), the open work;
    # per-transaction caches may save one
    assert statements_for_dashboard() <= few < 40
