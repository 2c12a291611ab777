"""The supervision dashboard shows what is late and whose it is."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Clock
from tests.factories import submitted


def test_dashboard_names_the_department_that_is_late(
    client: TestClient, as_user: Any, clock: Clock, signed_in: Any
) -> None:
    number = submitted(client, as_user("zhangsan"), "3501-WJW-002")["number"]
    clock.advance(days=3)  # the acceptance stage (same working day) is now overdue
    page = signed_in("supervisor").get("/supervision")
    assert page.status_code == 200
    overdue = page.text.split('id="overdue-title"')[1].split("</section>")[0]
    assert number in overdue and "福州市卫生健康委员会" in overdue
    assert "echarts.min.js" in page.text and 'id="figures"' in page.text


def test_only_supervisors_see_the_dashboard(signed_in: Any) -> None:
    assert signed_in("clerk").get("/supervision").status_code == 403
    assert signed_in("zhangsan").get("/supervision").status_code == 403
