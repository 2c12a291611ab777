"""Expert review as people use it, in English (part of the tour that renders every
template, ``tests/web/test_i18n_pages.py``): the register page, the reviewer sending a case
to a panel, the expert declaring no conflict, reading the case and giving an opinion with
an attachment, and the reviewer reading it."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.conftest import token as api_token
from tests.factories import act, open_task, submitted
from tests.web.support import PDF, csrf

RADIATION = "3501-WJW-002"  # 放射工作人员证: 卫健委 accepts, reviews and decides


def _found(pattern: str, text: str) -> str:
    match = re.search(pattern, text)
    assert match, pattern
    return match.group(1)


def expert_pages(client: TestClient, signed_in: Callable[[str], TestClient]) -> list[str]:
    """Every expert review page once, in English; returns the pages."""
    pages = []
    admin = signed_in("admin")
    admin.cookies.set("tongban_lang", "en")
    pages.append(admin.get("/admin/experts").text)
    assert "Expert register" in pages[-1] and "梁思远 (zhuanjia4)" in pages[-1]
    entry = {
        "csrf_token": csrf(pages[-1]),
        "username": "zhuanjia4",
        "fields": ["health", "environment"],
        "employer": "Fujian Medical University",
        "employer_credit_code": "9135010",  # mistyped: the page says so, keeps the entry
        "phone": "13900000014",
    }
    refused = admin.post("/admin/experts", data=entry)
    pages.append(refused.text)
    assert refused.status_code == 422 and "Fujian Medical University" in pages[-1]
    entry["employer_credit_code"] = ""
    pages.append(admin.post("/admin/experts", data=entry).text)
    assert "Saved." in pages[-1] and "Take part in the random draw" in pages[-1]

    applicant, reviewer = api_token(client, "zhangsan"), api_token(client, "wjw")
    number = submitted(client, applicant, RADIATION)["number"]
    assert act(client, reviewer, open_task(client, reviewer, number, "accept"), "accept")
    task = f"/staff/tasks/{open_task(client, reviewer, number, 'review')['id']}"
    staff = signed_in("wjw")
    staff.cookies.set("tongban_lang", "en")
    page = staff.get(task).text
    assert "Send to an expert panel" in page
    ask = {"csrf_token": csrf(page), "field": "health", "size": "1", "working_days": "5"}
    pages.append(staff.post(f"{task}/experts", data={**ask, "question": "Shielding enough?"}).text)
    assert "Awaiting declaration" in pages[-1] and "Shielding enough?" in pages[-1]
    resumed = staff.post(f"{task}/resume", data={"csrf_token": csrf(pages[-1])})
    assert resumed.status_code == 409 and "An expert panel is sitting" in resumed.text

    expert = signed_in("zhuanjia4")
    expert.cookies.set("tongban_lang", "en")
    pages.append(expert.get("/experts/seats").text)
    seat = _found(r'href="(/experts/seats/\d+)"', pages[-1])
    pages.append(expert.get(seat).text)
    assert "Declaration of interests" in pages[-1] and "materials-title" not in pages[-1]
    declared = {"csrf_token": csrf(pages[-1]), "conflict": "no"}
    pages.append(expert.post(f"{seat}/declaration", data=declared).text)
    assert "materials-title" in pages[-1] and f"{seat}/materials/" in pages[-1]
    opinion = {
        "csrf_token": csrf(pages[-1]),
        "verdict": "conditions",
        "opinion": "Add a lead door.",
    }
    files = {"attachment": ("opinion.pdf", PDF, "application/pdf")}
    pages.append(expert.post(f"{seat}/opinion", data=opinion, files=files).text)
    assert "Your opinion has been submitted." in pages[-1] and "Agree with conditions" in pages[-1]

    staff = signed_in("wjw")
    staff.cookies.set("tongban_lang", "en")
    pages.append(staff.get(task).text)
    assert "Add a lead door." in pages[-1] and "Opinion submitted" in pages[-1]
    attachment = _found(r'href="(/staff/expert-opinions/\d+/attachment)"', pages[-1])
    assert staff.get(attachment).content == PDF
    return pages
