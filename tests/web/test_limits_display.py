"""The promised and the legal limit (行政许可法 art. 42), and the extended legal deadline,
are shown to staff and to the applicant (issue 8, fault 6: computed but shown nowhere).
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.factories import API, act, open_task, submitted
from tests.web.support import SignedIn, found

RADIATION = "3501-WJW-002"  # 放射工作人员证核发: legal 20, promised 3 working days


def _row(html: str, label: str) -> str:
    return re.sub(r"\s+", " ", found(rf"<dt>{label}</dt>\s*<dd>(.*?)</dd>", html))


def test_both_limits_and_the_extension_are_shown(
    client: TestClient, as_user, signed_in: SignedIn
) -> None:  # type: ignore[no-untyped-def]
    number = submitted(client, as_user("zhangsan"), RADIATION)["number"]
    before = signed_in("zhangsan").get(f"/cases/{number}").text
    assert "自受理之日起计算" in _row(before, "法定期限")
    wjw = as_user("wjw")
    assert act(client, wjw, open_task(client, wjw, number, "accept"), "accept").status_code == 200
    # accepted Monday 2025-09-22: promised 3 working days, legal 20 (National Day in between)
    page = signed_in("zhangsan").get(f"/cases/{number}").text
    assert "截至 2025-09-25" in _row(page, "承诺期限") and "剩余 3 个工作日" in page
    assert "截至 2025-10-24" in _row(page, "法定期限") and "第四十二条" in _row(page, "法定期限")
    body = {"opinion": "需补充现场检测，经负责人批准延长"}
    head = as_user("wjw-hz")  # an extension is the approver's (经负责人批准)
    assert (
        client.post(f"{API}/cases/{number}/extension", json=body, headers=head).status_code == 200
    )
    legal = _row(signed_in("zhangsan").get(f"/cases/{number}").text, "法定期限")
    assert "依法延长 10 个工作日" in legal and "截至 2025-11-07" in legal
    assert "原期限截至 2025-10-24" in legal
    staff = signed_in("wjw")
    task = staff.get(found(rf'href="(/staff/tasks/\d+)">{number}', staff.get("/staff").text)).text
    assert "截至 2025-11-07" in _row(task, "法定期限") and "截至 2025-09-25" in _row(
        task, "承诺期限"
    )
