"""A benefit grant is judged at its run's reference day: the 80+ allowance's run for a month
finds those who are 80 by its last day, and a dry run of the item's table over past grants
judges them on that day too (it judged them on the day of the grant, so someone turning
80 later in the month showed as refused by the very table the policy states)."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.benefits.conftest import NOW, ZHOULAO
from tests.web.support import SignedIn, csrf
from tongban.accounts import service as accounts
from tongban.audit.service import SYSTEM
from tongban.benefits import service as benefits
from tongban.sharing.models import SourceRecord
from tongban.web.runtime import Runtime

ALLOWANCE = "3501-MZ-002"

pytestmark = pytest.mark.usefixtures("profiles")


def test_a_dry_run_judges_a_grant_at_the_end_of_its_month(
    db: Session, runtime: Runtime, signed_in: SignedIn
) -> None:
    record = db.scalar(
        select(SourceRecord).where(SourceRecord.source == "population", SourceRecord.key == ZHOULAO)
    )
    assert record is not None
    record.data = {**record.data, "birth_date": "1946-11-20"}  # 80 on 20 November 2026
    db.commit()
    period = benefits.Period.parse("2026-11")
    benefits.run_policy(
        db, code=ALLOWANCE, period=period, actor=SYSTEM, now=NOW, store=runtime.store
    )
    zhoulao = accounts.find_user(db, username="zhoulao")
    assert zhoulao is not None
    [offer] = benefits.offers_for(db, user=zhoulao)
    benefits.accept_offer(db, offer_id=offer.id, user=zhoulao, now=NOW, store=runtime.store)
    db.commit()

    admin = signed_in("admin")
    page = admin.get(f"/admin/catalog/{ALLOWANCE}/rules").text
    text = re.search(r'<textarea id="rules-text"[^>]*>(.*?)</textarea>', page, re.S)
    assert text
    table = html.unescape(text.group(1))
    form = {"csrf_token": csrf(page), "text": table, "source": "recent", "days": "30"}
    result = admin.post(f"/admin/catalog/{ALLOWANCE}/rules/dry-run", data=form)
    assert result.status_code == 200, result.text
    trials = result.text.split("试运行结果")[1]
    assert "共 1 件，结论改变 0 件" in trials
    assert "年满80周岁，本市户籍核验一致，准予发放" in trials
    assert "申请人未满80周岁" not in trials
    assert "已办结" in trials and "completed" not in trials  # what happened, by name
