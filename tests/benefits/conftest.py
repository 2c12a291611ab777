"""Profiles for proactive-benefit tests: the demo accounts and a few people and
enterprises around the policies' edges, stored as own-database source records."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tongban.accounts import realname
from tongban.identifiers import make_credit_code, make_resident_id
from tongban.sharing.models import SourceRecord

NOW = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)  # Monday 2026-11-02 09:00 in Fuzhou
ZHOULAO = "350102194103080311"  # demo account 周德福, 85 in November 2026
ZHANGSAN = "350102196204180310"  # demo account, 64: not eligible
NO_ACCOUNT = make_resident_id("350103", date(1930, 5, 1), 21)  # 96, no account
TURNS_80 = make_resident_id("350104", date(1946, 11, 30), 33)  # 80 on 2026-11-30
WANGWU = "350104197812302577"  # demo account minfeng's legal representative
MINFENG = "91350102MA2XQ1K7XN"  # demo enterprise account: opened this year, small
NO_ACCOUNT_MOBILE = "13905910430"  # 林阿婆's mobile, as the population register holds it
ZHOULAO_MOBILE = "13905910285"  # 周德福's, as the register holds it (his account has its own)
BIG_FIRM = make_credit_code("350104", "MA77BG95")  # opened this year, capital too large


def _person(number: str, name: str, born: date, mobile: str | None = None) -> dict[str, Any]:
    mobile_field = {"mobile": mobile} if mobile else {}  # the register's, not an account's
    return {
        **mobile_field,
        "id_number": number,
        "name": name,
        "gender": "男",
        "birth_date": born.isoformat(),
        "division_code": number[:6],
        "district": "鼓楼区",
        "household_address": "福建省福州市鼓楼区五四路1号",
    }


def _firm(code: str, name: str, opened: date, capital: float) -> dict[str, Any]:
    return {
        "credit_code": code,
        "name": name,
        "legal_rep_name": "王五",
        "legal_rep_id_number": WANGWU,
        "established_on": opened.isoformat(),
        "registered_capital": capital,
        "status": "存续",
    }


RECORDS: list[tuple[str, str, dict[str, Any]]] = [
    ("population", ZHOULAO, _person(ZHOULAO, "周德福", date(1941, 3, 8), ZHOULAO_MOBILE)),
    ("population", ZHANGSAN, _person(ZHANGSAN, "张三", date(1962, 4, 18))),
    ("population", NO_ACCOUNT, _person(NO_ACCOUNT, "林阿婆", date(1930, 5, 1), NO_ACCOUNT_MOBILE)),
    ("population", TURNS_80, _person(TURNS_80, "陈依伯", date(1946, 11, 30))),
    ("population", WANGWU, _person(WANGWU, "王五", date(1978, 12, 30))),  # minfeng's rep
    (
        "enterprise_register",
        MINFENG,
        _firm(MINFENG, "福州闽丰餐饮管理有限公司", date(2026, 6, 1), 100),
    ),
    (
        "enterprise_register",
        BIG_FIRM,
        _firm(BIG_FIRM, "福州大榕实业有限公司", date(2026, 5, 1), 1000),
    ),
    ("tax", MINFENG, {"taxpayer_type": "小规模纳税人", "tax_cleared": True}),
    ("tax", BIG_FIRM, {"taxpayer_type": "小规模纳税人", "tax_cleared": True}),
    ("credit", MINFENG, {"rating": "A", "dishonest": False}),
    ("credit", BIG_FIRM, {"rating": "A", "dishonest": False}),
]


def store_profiles(session: Session) -> None:
    for source, key, data in RECORDS:
        session.add(SourceRecord(source=source, key=key, data=data, updated_at=NOW))
    session.flush()
    realname.verify_pending(session, now=NOW)


@pytest.fixture
def profiles(db: Session, clock: Clock) -> None:
    """The profiles in this test's transaction; the test clock at ``NOW``."""
    clock.now = NOW
    store_profiles(db)
    db.commit()


from tests.web.conftest import signed_in  # noqa: E402, F401 (fixture for page tests)
