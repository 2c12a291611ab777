"""The supervision dashboard shows, per item, how many fields and materials real cases
spared their applicants (减填报、减材料), with a chart; its long backfill tables are folded
to a few rows with a link to the page that lists them all."""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import submitted
from tests.sharing.conftest import ZHANGSAN_ID
from tests.web.support import VALID, SignedIn, check_structure
from tongban.cases.models import Case
from tongban.sharing.models import FieldFill

ITEM = "3501-RS-003"  # 失业登记: six fields from 公安人口库, the ID card pulled
API = "/api/v1"


def _figures(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="figures">(.*?)</script>', html, re.S)
    assert found
    return dict(json.loads(found.group(1)))


def test_the_dashboard_shows_fields_and_materials_spared_per_item(
    client: TestClient, as_user: Any, population: dict, signed_in: SignedIn
) -> None:
    headers = as_user("zhangsan")
    created = client.post(f"{API}/cases", json={"code": ITEM, "form_data": {}}, headers=headers)
    number, pulled = created.json()["number"], created.json()["form_data"]
    form = {**VALID, **pulled}
    assert client.patch(
        f"{API}/cases/{number}", json={"form_data": form}, headers=headers
    ).is_success
    sent = client.post(f"{API}/cases/{number}/submit", headers=headers)
    assert sent.status_code == 200, sent.text
    spec = client.get(f"{API}/items/{ITEM}").json()["definition"]
    fields = len(spec["form"]["properties"])
    required = len([m for m in spec["materials"] if m["required"]])
    assert pulled["applicant_id_number"] == ZHANGSAN_ID

    page = signed_in("supervisor").get("/supervision")
    assert page.status_code == 200
    check_structure(page.text)
    section = page.text.split('id="reduction-title"')[1].split("</section>")[0]
    row = section.split(f'<span class="muted">{ITEM}</span>')[1].split("</tr>")[0]
    cells = re.findall(r"<td>(?:<a [^>]*>)?([^<]*)", row)
    assert cells[:2] == ["1", str(fields)]
    assert int(cells[2]) >= 6 and cells[3] == f"{100 * int(cells[2]) / fields:.0f}%"
    assert cells[4:] == [str(required), "0", "100%"]  # the ID card pulled, nothing uploaded
    chart = _figures(page.text)["reduction"]
    index = chart["labels"].index("失业登记")
    assert chart["series"][1]["data"][index] == 100.0
    assert chart["series"][0]["urls"][index].startswith(f"/supervision/cases?item={ITEM}")
    assert 'id="chart-reduction"' in page.text


def test_long_backfill_tables_are_folded_with_a_link_to_all_rows(
    client: TestClient, as_user: Any, db: Session, signed_in: SignedIn
) -> None:
    number = submitted(client, as_user("zhangsan"), ITEM)["number"]
    case = db.scalar(select(Case).where(Case.number == number))
    assert case is not None
    for index in range(13):  # thirteen shared fields typed by hand: more than the fold
        db.add(
            FieldFill(
                case_id=case.id,
                item_code=ITEM,
                department="RS",
                field=f"field_{index:02d}",
                source="population",
                state="typed",
                reason="no_record",
            )
        )
    db.commit()
    supervisor = signed_in("supervisor")
    page = supervisor.get("/supervision", params={"days": "7"}).text
    typed = page.split('id="typed-title"')[1].split("</table>")[0]
    assert typed.count("<tr><td>") == 10
    total = int(re.search(r"以上为次数最多的 10 个，共 (\d+) 个。", page).group(1))  # type: ignore[union-attr]
    assert total >= 13  # with the shared fields the case itself typed
    assert 'href="/supervision/sharing?days=7&amp;per=week#typed-title"' in page
    full = supervisor.get("/supervision/sharing", params={"days": "7"})
    assert full.status_code == 200
    check_structure(full.text)
    listed = full.text.split('id="typed-title"')[1].split("</table>")[0]
    assert listed.count("<tr><td>") == total
    assert len(re.findall(r"<td>field_\d\d</td>", listed)) == 13
    assert "以上为次数最多的" not in full.text
    assert signed_in("zhangsan").get("/supervision/sharing").status_code == 403
