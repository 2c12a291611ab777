"""The source registry on the operators' pages (``/ops/sources``), not only on the command
line: each source, how it is reached, its state, and its last successful and last failed
lookup; a department service found down, and up again once probed; for the system
administrator only."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import API
from tests.sharing.conftest import MINFENG_CREDIT, Department, free_port_url, serve_over_http
from tests.web.support import SignedIn


def _row(page: str, code: str) -> str:
    found = re.search(rf'<tr id="source-{code}">(.*?)</tr>', page, re.S)
    assert found, f"no row for {code}"
    return re.sub(r"\s+", " ", found.group(1))


def _cells(row: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row)]


def test_the_operator_sees_each_source_its_state_and_its_last_success_and_failure(
    db: Session,
    population: dict[str, int],
    department: Department,
    client: TestClient,
    as_user: Any,
    signed_in: SignedIn,
) -> None:
    serve_over_http(db, "enterprise_register", department.url)
    form = {"credit_code": MINFENG_CREDIT}
    body = {"code": "3501-SCJG-006", "form_data": form}
    assert client.post(f"{API}/cases", json=body, headers=as_user("minfeng")).status_code == 201
    down = free_port_url()
    serve_over_http(db, "enterprise_register", down, timeout=0.3, retries=0)
    drafted = client.post(f"{API}/cases", json=body, headers=as_user("minfeng"))
    assert drafted.status_code == 201, drafted.text  # degraded: the fields are asked instead

    admin = signed_in("admin")
    page = admin.get("/ops/sources")
    assert page.status_code == 200 and 'href="/ops/sources"' in page.text  # in the header
    people = _cells(_row(page.text, "population"))
    assert people[1:5] == ["公安人口库", "GA", "resident_id", "本库"]
    assert people[5] == f"{population['population']} 条记录"
    firms = _cells(_row(page.text, "enterprise_register"))
    assert firms[4] == f"部门接口 {down}" and firms[5] == "未探测"
    success, failure, recently = firms[6:9]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", success), success
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", failure) and recently == "1"
    probed = _cells(_row(admin.get("/ops/sources?probe=1").text, "enterprise_register"))
    assert probed[5] == "无法连接"
    admin.cookies.set("tongban_lang", "en")
    english = admin.get("/ops/sources").text
    assert "Shared data sources" in english and "Last failure" in english
    assert "Department service" in _row(english, "enterprise_register")

    assert signed_in("zhangsan").get("/ops/sources").status_code == 403
    assert signed_in("scjg").get("/ops/sources").status_code == 403
