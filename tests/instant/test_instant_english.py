"""Found in trial: in English, a case decided by the rules (秒批) still read in Chinese: the
rule's reason on the decision task and in the record, and 系统（秒批规则） as who acted. The
platform now stores the English beside the Chinese where it writes an opinion, and names
itself in English (``actor_name_en``)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import API
from tests.instant.conftest import ZHANGSAN_ID, apply, set_record
from tests.instant.test_instant_api import FILING, INSURED, YB
from tests.web.support import SignedIn

APPROVED_ZH = "参保状态正常，就医地在省外，准予备案"
APPROVED_EN = "Insured and treated outside the province"
REFUSED_ZH = "就医地在本省，不属于跨省异地就医备案的范围"
REFUSED_EN = "The place of treatment is in this province"
RULES_EN = "System (instant approval rules)"


def test_an_approval_by_rule_reads_in_english(
    client: TestClient, as_user: Any, db: Session, population: dict, signed_in: SignedIn
) -> None:
    set_record(db, "social_insurance", ZHANGSAN_ID, INSURED)
    headers = as_user("zhangsan")
    number = apply(client, headers, YB, FILING)["number"]
    timeline = client.get(f"{API}/cases/{number}/timeline", headers=headers).json()
    approve = next(e for e in timeline["events"] if e["action"] == "case.approve")
    assert (approve["opinion"], approve["opinion_en"]) == (APPROVED_ZH, APPROVED_EN)
    assert (approve["actor_name"], approve["actor_name_en"]) == ("系统（秒批规则）", RULES_EN)
    [decide] = [t for s in timeline["stages"] for t in s["tasks"] if t["stage"] == "decide"]
    assert (decide["opinion"], decide["opinion_en"]) == (APPROVED_ZH, APPROVED_EN)
    assert decide["actor_name_en"] == RULES_EN
    page = signed_in("zhangsan").get(f"/cases/{number}", params={"lang": "en"}).text
    assert APPROVED_EN in page and RULES_EN in page
    assert APPROVED_ZH not in page and "秒批" not in page


def test_a_refusal_by_rule_reads_in_english(
    client: TestClient, as_user: Any, db: Session, population: dict, signed_in: SignedIn
) -> None:
    set_record(db, "social_insurance", ZHANGSAN_ID, INSURED)
    headers = as_user("zhangsan")
    number = apply(client, headers, YB, {**FILING, "destination_province": "福建省"})["number"]
    events = client.get(f"{API}/cases/{number}/timeline", headers=headers).json()["events"]
    refusal = next(e for e in events if e["action"] == "case.refuse")
    assert refusal["opinion_en"] == REFUSED_EN
    page = signed_in("zhangsan").get(f"/cases/{number}", params={"lang": "en"}).text
    assert REFUSED_EN in page and REFUSED_ZH not in page
