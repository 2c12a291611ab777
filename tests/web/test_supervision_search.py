"""A supervisor finds a case by its number, the applicant's name or the item on the
supervision pages and opens it read-only (issue 8, fault 18).
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.factories import submitted
from tests.web.support import ITEM, SignedIn, check_structure


def test_a_supervisor_finds_a_case_by_number_name_or_item_and_opens_it(
    client: TestClient, as_user, signed_in: SignedIn
) -> None:  # type: ignore[no-untyped-def]
    number = submitted(client, as_user("zhangsan"), ITEM)["number"]
    other = submitted(client, as_user("lisi"), ITEM)["number"]
    supervisor = signed_in("supervisor")
    dashboard = supervisor.get("/supervision").text
    assert 'action="/supervision/cases"' in dashboard and 'name="q"' in dashboard
    found = supervisor.get("/supervision/cases", params={"q": number})
    check_structure(found.text)
    assert found.status_code == 200 and "共 1 件" in found.text
    assert f'href="/cases/{number}"' in found.text and other not in found.text
    fragment = supervisor.get(
        "/supervision/cases", params={"q": number[-6:]}, headers={"HX-Request": "true"}
    ).text
    assert f'href="/cases/{number}"' in fragment and "<html" not in fragment
    wide = number.translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"})  # full width
    for typed in (wide, f"{number[:3]} {number[3:]}", f" {number[-6:]} "):
        typed_page = supervisor.get("/supervision/cases", params={"q": typed}).text
        assert "共 1 件" in typed_page and f'href="/cases/{number}"' in typed_page, typed
    by_name = supervisor.get("/supervision/cases", params={"q": "李四"}).text
    assert other in by_name and number not in by_name
    by_item = supervisor.get("/supervision/cases", params={"q": "失业登记"}).text
    assert number in by_item and other in by_item
    page = supervisor.get(f"/cases/{number}")
    assert page.status_code == 200 and "只读查看" in page.text
    assert "/withdraw" not in page.text and "/resubmit" not in page.text
    assert 'method="post"' not in page.text.split("</header>")[1]  # nothing to act on


def test_the_search_is_for_supervisors_only(signed_in: SignedIn) -> None:
    response = signed_in("zhangsan").get("/supervision/cases", params={"q": "3501"})
    assert response.status_code in (403, 404)
