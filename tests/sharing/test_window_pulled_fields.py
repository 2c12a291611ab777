"""The window's walk-in form (窗口代办) shows the person's pulled fields as the applicant's own
form does: filled, locked, with their source, once the clerk has checked the person's
identity; a department that is down leaves the field an input with the reason."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.sharing.conftest import ACCOUNTS, free_port_url, serve_over_http
from tests.web.support import PDF, SignedIn, csrf
from tongban.sharing.models import SourceRecord

ITEM = "3501-RS-003"  # 失业登记: applicant, household and residence address from 公安人口库


def _input(html: str, name: str) -> str:
    found = re.search(rf'<input type="[a-z]+" id="f-{name}"[^>]*>', html)
    assert found, f"no input {name}"
    return found.group(0)


def _stranger(db: Session) -> dict:
    """A person of the synthetic population who has no account yet."""
    accounts = {a.get("id_number") for a in ACCOUNTS}
    query = select(SourceRecord).where(SourceRecord.source == "population")
    return next(
        r.data for r in db.scalars(query.order_by(SourceRecord.id)) if r.key not in accounts
    )


def _start(clerk, person: dict):  # type: ignore[no-untyped-def]
    """The clerk enters the walk-in's identity and asks for their shared data."""
    page = clerk.get(f"/staff/intake/{ITEM}")
    assert "核验身份并调取共享数据" in page.text
    data = {
        "walkin_id_number": person["id_number"],
        "walkin_name": person["name"],
        "walkin_phone": "13700000007",
        "intent": "start",
        "csrf_token": csrf(page.text),
    }
    return clerk.post(f"/staff/intake/{ITEM}", data=data)


def test_the_walk_in_form_shows_pulled_fields_filled_and_locked(
    signed_in: SignedIn, db: Session, population: dict
) -> None:
    person = _stranger(db)
    clerk = signed_in("clerk")
    response = _start(clerk, person)
    assert response.status_code == 200 and "/staff/intake/drafts/" in str(response.url)
    html = response.text
    household = _input(html, "household_address")
    assert f'value="{person["household_address"]}"' in household and " readonly" in household
    assert 'id="s-household_address">来自公安人口库</p>' in html
    name = _input(html, "applicant_name")
    assert f'value="{person["name"]}"' in name and " readonly" in name
    assert " readonly" not in _input(html, "termination_date")  # no source holds it: asked
    assert "只需询问其余栏目" in html

    # the lock is the server's: a changed value is refused beside the field, the draft kept
    action = re.search(r'action="(/staff/intake/drafts/\d+)"', html).group(1)  # type: ignore[union-attr]
    changed = {
        "household_address": "福建省福州市鼓楼区别处1号",
        "termination_date": "2025-09-01",
        "csrf_token": csrf(html),
    }
    refused = clerk.post(
        action, data=changed, files={"m_ID_CARD": ("id.pdf", PDF, "application/pdf")}
    )
    assert refused.status_code == 422
    assert "“户籍地址”来自公安人口库，不能修改。" in refused.text
    assert f'value="{person["household_address"]}"' in _input(refused.text, "household_address")
    signing = clerk.post(f"{action}/signatures/COMMITMENT", data=changed)  # the same when signing
    assert signing.status_code == 422 and "“户籍地址”来自公安人口库，不能修改。" in signing.text
    assert 'id="f-household_address"' in signing.text  # the form again, not an error page


def test_with_the_department_down_the_walk_in_form_asks_the_field_and_says_why(
    signed_in: SignedIn, db: Session, population: dict
) -> None:
    person = _stranger(db)
    serve_over_http(db, "population", free_port_url())
    response = _start(signed_in("clerk"), person)
    assert response.status_code == 200
    html = response.text
    assert " readonly" not in _input(html, "household_address")
    assert "公安人口库暂时无法访问（无法连接），请手动填写；办件照常保存，不会丢失。" in html
    assert f'value="{person["name"]}"' in _input(html, "applicant_name")  # from the account
