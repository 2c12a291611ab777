"""结果公示: the licences granted under items marked public are listed for anyone, without
sign-in, for the item's period; a person is shown masked; a licence revoked after
publication shows as revoked; items not marked public are not listed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tests.factories import API, submitted
from tests.licences.support import FOOD, finish, held, licensed
from tongban.licences.enums import HolderCodeType, LicenceStatus
from tongban.licences.models import Licence
from tongban.publication import service

RADIATION = "3501-WJW-002"  # 放射工作人员证: a person's licence, not published


def _published(client: TestClient, **params: str) -> list[dict[str, Any]]:
    client.cookies.clear()
    response = client.get(f"{API}/public/results", params=params)
    assert response.status_code == 200, response.text
    return list(response.json())


def test_a_granted_licence_is_published_and_a_revocation_shows_at_once(
    client: TestClient, as_user: Any
) -> None:
    number = licensed(client, as_user, FOOD)["number"]
    licence = held(client, as_user("minfeng"), number)
    rows = [row for row in _published(client) if row["number"] == number]
    assert len(rows) == 1 and rows[0]["status"] == "valid"
    assert rows[0]["holder"] == licence["holder_name"] and rows[0]["holder_code"]
    page = client.get("/public/results", params={"q": licence["number"]})
    assert page.status_code == 200 and licence["number"] in page.text and "有效" in page.text

    revoked = client.post(
        f"{API}/licences/{licence['id']}/status",
        json={"action": "revoke", "reason": "以欺骗手段取得许可（行政许可法第六十九条）"},
        headers=as_user("scjg-hz"),
    )
    assert revoked.status_code == 200, revoked.text
    again = _published(client, q=licence["number"])
    assert [row["status"] for row in again] == ["revoked"]
    page = client.get("/public/results", params={"q": licence["number"]})
    assert "已撤销" in page.text and "已吊销" not in page.text  # 行政许可法 art. 69, not a penalty


def test_a_person_is_masked_and_items_not_marked_public_are_not_listed(
    client: TestClient, as_user: Any, db: Session
) -> None:
    licensed(client, as_user, FOOD)
    number = submitted(client, as_user("zhangsan"), RADIATION)["number"]
    finish(client, as_user("wjw"), as_user("wjw-hz"), number=number)
    assert db.scalars(select(Licence).where(Licence.item_code == RADIATION)).first()
    assert all(row["item_code"] != RADIATION for row in _published(client))

    person = Licence(
        name="食品经营许可证",
        number="JY13501020000001",
        holder_name="欧阳娜娜",
        holder_code="350102196204180310",
        holder_code_type=HolderCodeType.resident_id,
        issuer_name="福州市市场监督管理局",
        issued_on=date(2026, 9, 1),
        valid_until=None,
        status=LicenceStatus.valid,
        item_code=FOOD,
        issuer_department="SCJG",
    )
    line = service.line_of(db, person, today=date(2026, 9, 2), period=1095)
    assert (line.holder, line.holder_code) == ("欧***", "")
    assert not service.matches(line, "欧阳娜娜") and service.matches(line, "JY135")


def test_the_english_page_names_the_licence_and_its_issuer_in_english(
    client: TestClient, as_user: Any
) -> None:
    """Issue 16 (fault 2): ?lang=en showed the licence's and the issuer's Chinese names."""
    number = licensed(client, as_user, FOOD)["number"]
    client.cookies.clear()
    page = client.get("/public/results", params={"q": number, "lang": "en"}).text
    row = page[page.index("<tbody>") : page.index("</tbody>")]
    assert "Food business licence" in row and "食品经营许可证" not in row
    assert "Fuzhou Administration for Market Regulation" in row and "市场监督管理局" not in row
    assert ">Valid<" in row
    found = client.get("/public/results", params={"q": "food business", "lang": "en"}).text
    assert number in found  # what the English page shows can be searched for
    (line,) = _published(client, q=number)
    assert line["licence_name_en"] == "Food business licence"
    assert line["issuer_en"] == "Fuzhou Administration for Market Regulation"
    chinese = client.get("/public/results", params={"q": number}).text
    assert "食品经营许可证" in chinese and "Food business licence" not in chinese


def test_the_publication_period_ends(client: TestClient, as_user: Any, clock: Clock) -> None:
    licence = licensed(client, as_user, FOOD)
    assert _published(client, q=licence["number"])
    clock.advance(days=1095 + 2)
    assert _published(client, q=licence["number"]) == []
    assert licence["number"] not in client.get("/public/results").text
