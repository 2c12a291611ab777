"""A policy run finds everyone eligible and tells each once per period; one click grants;
a no-action policy grants at once; the ineligible get nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.benefits.conftest import BIG_FIRM, MINFENG, NO_ACCOUNT, NOW, TURNS_80, ZHANGSAN, ZHOULAO
from tests.factories import account_of, opinions_en
from tongban.accounts import service as accounts
from tongban.accounts.models import User
from tongban.audit.service import SYSTEM
from tongban.benefits import service as benefits
from tongban.benefits.models import BenefitOffer
from tongban.cases.enums import CaseState
from tongban.cases.models import Case, ResultDocument
from tongban.outbox.models import OutboxMessage
from tongban.pii.keys import lookup_secret, previous_lookup_secret
from tongban.pii.service import lookup_key
from tongban.privacy.lookup_rotation import build_translation
from tongban.web.runtime import Runtime

ALLOWANCE = "3501-MZ-002"  # 高龄津贴: one click
SUBSIDY = "3501-RS-006"  # 新办小微企业一次性创业补贴: no action

pytestmark = pytest.mark.usefixtures("profiles")


def _run(db: Session, runtime: Runtime, code: str, period: str = "2026-11") -> Any:
    done = benefits.run_policy(
        db,
        code=code,
        period=benefits.Period.parse(period),
        actor=SYSTEM,
        now=NOW,
        store=runtime.store,
    )
    db.commit()
    return done


def _messages(db: Session, user: User, topic: str) -> int:
    query = select(func.count()).where(
        OutboxMessage.recipient_id == user.id, OutboxMessage.topic == topic
    )
    return int(db.scalar(query) or 0)


def _offer_keys(db: Session, code: str, period: str = "2026-11") -> list[str]:
    query = select(BenefitOffer.subject_key).where(
        BenefitOffer.item_code == code, BenefitOffer.period == period
    )
    return sorted(db.scalars(query))


def _keys(*codes: str) -> list[str]:
    """Offers hold the keyed hash of the subject (``pii.lookup_key``)."""
    return sorted(lookup_key(code) for code in codes)


def test_a_run_twice_over_the_same_period_tells_each_eligible_person_once(
    db: Session, runtime: Runtime
) -> None:
    first = _run(db, runtime, ALLOWANCE)
    second = _run(db, runtime, ALLOWANCE)
    assert _offer_keys(db, ALLOWANCE) == _keys(ZHOULAO, NO_ACCOUNT, TURNS_80)
    assert (first.eligible, first.new_offers, first.notified) == (3, 3, 1)
    assert first.without_account == 2  # 林阿婆 and 陈依伯 have no account yet
    assert (second.eligible, second.new_offers, second.notified) == (3, 0, 0)
    assert _messages(db, account_of(db, "zhoulao"), "benefit_offered") == 1


def test_an_ineligible_person_gets_nothing(db: Session, runtime: Runtime) -> None:
    _run(db, runtime, ALLOWANCE)
    zhangsan = account_of(db, "zhangsan")
    assert lookup_key(ZHANGSAN) not in _offer_keys(db, ALLOWANCE)
    assert _messages(db, zhangsan, "benefit_offered") == 0
    assert benefits.offers_for(db, user=zhangsan) == []


def test_the_month_someone_turns_80_is_the_first_they_are_found(
    db: Session, runtime: Runtime
) -> None:
    _run(db, runtime, ALLOWANCE, "2026-10")
    assert lookup_key(TURNS_80) not in _offer_keys(db, ALLOWANCE, "2026-10")
    _run(db, runtime, ALLOWANCE, "2026-11")
    assert lookup_key(TURNS_80) in _offer_keys(db, ALLOWANCE, "2026-11")


def test_a_new_period_offers_again(db: Session, runtime: Runtime) -> None:
    _run(db, runtime, ALLOWANCE, "2026-10")
    november = _run(db, runtime, ALLOWANCE, "2026-11")
    assert (november.new_offers, november.notified) == (3, 1)
    assert _messages(db, account_of(db, "zhoulao"), "benefit_offered") == 2


def test_a_month_that_has_not_come_is_refused_and_offers_nobody(
    db: Session, runtime: Runtime, client: TestClient, as_user: Any
) -> None:
    """Found in trial: a run over 2099-01 judged ages at 2099-01-31 and offered the 80+
    allowance to 张三 (born 1962), who confirmed it and got a licence."""
    response = client.post(
        f"/api/v1/benefits/policies/{ALLOWANCE}/runs",
        json={"period": "2099-01"},
        headers=as_user("mz-hz"),
    )
    assert response.status_code == 422, response.text
    assert "2026-11" in response.json()["error"]["message"]  # the latest month allowed
    assert _offer_keys(db, ALLOWANCE, "2099-01") == []
    assert benefits.offers_for(db, user=account_of(db, "zhangsan")) == []


def test_a_one_off_subsidy_is_granted_once_whatever_the_month(
    db: Session, runtime: Runtime
) -> None:
    """Found in trial: each month's run of the 一次性 subsidy granted it again (two payment
    notices for one enterprise)."""
    first = _run(db, runtime, SUBSIDY, "2026-10")
    later = _run(db, runtime, SUBSIDY, "2026-11")
    assert first.granted == 1
    assert (later.new_offers, later.granted) == (0, 0)
    assert _offer_keys(db, SUBSIDY, "2026-11") == []
    assert db.scalar(select(func.count()).where(Case.catalog_code == SUBSIDY)) == 1


def test_one_click_by_api_grants_a_real_completed_case_with_its_result(
    db: Session, runtime: Runtime, client: TestClient, as_user: Any
) -> None:
    _run(db, runtime, ALLOWANCE)
    headers = as_user("zhoulao")
    offers = client.get("/api/v1/benefits/offers", headers=headers).json()
    assert [(o["item_code"], o["state"]) for o in offers] == [(ALLOWANCE, "offered")]
    response = client.post(f"/api/v1/benefits/offers/{offers[0]['id']}/accept", headers=headers)
    assert response.status_code == 200, response.text
    number = response.json()["case_number"]
    case = client.get(f"/api/v1/cases/{number}", headers=headers).json()
    assert case["state"] == CaseState.completed
    assert case["form_data"]["applicant_id_number"] == ZHOULAO  # pulled, nothing asked
    # found in trial: the applicant was listed as the official who accepted and approved
    events = client.get(f"/api/v1/cases/{number}/timeline", headers=headers).json()["events"]
    handled = {e["action"]: e["actor_name"] for e in events}
    assert handled["case.submit"] == "周德福"
    assert handled["case.accept"] == handled["case.approve"] == "系统（免申即享政策核定）"
    named = {e["action"]: e["actor_name_en"] for e in events}  # found in trial: no English
    assert named["case.submit"] is None  # a person's name is as written
    assert named["case.approve"] == "The system (by the benefit policy)"
    mine = client.get("/api/v1/cases", headers=headers).json()
    assert number in [c["number"] for c in mine]
    row = db.scalar(select(Case).where(Case.number == number))
    assert row is not None
    titles = db.scalars(select(ResultDocument.title).where(ResultDocument.case_id == row.id))
    assert list(titles) == ["高龄津贴享受确认书"]
    again = client.post(f"/api/v1/benefits/offers/{offers[0]['id']}/accept", headers=headers)
    assert again.status_code == 409 and again.json()["error"]["code"] == "offer_granted"


def test_nobody_else_accepts_an_offer(
    db: Session, runtime: Runtime, client: TestClient, as_user: Any
) -> None:
    _run(db, runtime, ALLOWANCE)
    offer = db.scalar(select(BenefitOffer).where(BenefitOffer.subject_key == ZHOULAO))
    assert offer is not None
    response = client.post(
        f"/api/v1/benefits/offers/{offer.id}/accept", headers=as_user("zhangsan")
    )
    assert response.status_code == 403
    db.refresh(offer)
    assert offer.state == "offered" and offer.case_id is None


def test_a_one_off_subsidy_reaches_an_enterprise_whose_account_comes_later(
    db: Session, runtime: Runtime
) -> None:
    """Eligible without a verified account at the first run, it was never granted: later
    runs skipped it as offered already, and only looked at their own month's offers."""
    minfeng = account_of(db, "minfeng")
    verified, minfeng.identity_verified_at = minfeng.identity_verified_at, None
    db.commit()
    first = _run(db, runtime, SUBSIDY, "2026-10")
    assert (first.granted, first.without_account) == (0, 1)
    minfeng.identity_verified_at = verified  # 实名认证 done
    db.commit()
    later = _run(db, runtime, SUBSIDY, "2026-11")
    assert (later.new_offers, later.granted) == (0, 1)
    [offer] = benefits.offers_for(db, user=minfeng)
    assert (offer.period, offer.state) == ("2026-10", "granted")
    assert _messages(db, minfeng, "benefit_granted") == 1


def test_a_no_action_policy_grants_at_once(db: Session, runtime: Runtime) -> None:
    done = _run(db, runtime, SUBSIDY)
    assert _offer_keys(db, SUBSIDY) == _keys(MINFENG)  # the large firm is not small
    assert lookup_key(BIG_FIRM) not in _offer_keys(db, SUBSIDY)
    assert (done.granted, done.notified) == (1, 0)
    minfeng = account_of(db, "minfeng")
    offer = benefits.offers_for(db, user=minfeng)[0]
    assert offer.state == "granted" and offer.case_id is not None
    case = db.get(Case, offer.case_id)
    assert case is not None and case.state == CaseState.completed
    assert case.applicant_id == minfeng.id
    assert _messages(db, minfeng, "benefit_granted") == 1
    again = _run(db, runtime, SUBSIDY)
    assert (again.granted, again.new_offers) == (0, 0)
    assert db.scalar(select(func.count()).where(Case.catalog_code == SUBSIDY)) == 1


def test_someone_who_registers_later_is_told_by_the_next_run(db: Session, runtime: Runtime) -> None:
    from tongban.accounts.schemas import ApplicantCreate

    _run(db, runtime, ALLOWANCE)
    person = accounts.register_applicant(
        db,
        data=ApplicantCreate(
            username="linapo",
            password="Linapo-2026!",
            kind="person",
            display_name="林阿婆",
            id_number=NO_ACCOUNT,
            phone="13800000099",
        ),
    )
    db.commit()
    assert [o.state for o in benefits.offers_for(db, user=person)] == ["offered"]
    later = _run(db, runtime, ALLOWANCE)
    assert (later.new_offers, later.notified) == (0, 1)
    assert _messages(db, person, "benefit_offered") == 1


def _register(db: Session, username: str, name: str, id_number: str, phone: str) -> User:
    from tongban.accounts.schemas import ApplicantCreate

    data = ApplicantCreate(
        username=username,
        password="Register-2026!",
        kind="person",
        display_name=name,
        id_number=id_number,
        phone=phone,
    )
    person = accounts.register_applicant(db, data=data)
    db.commit()
    return person


def test_offers_reach_their_accounts_while_the_lookup_key_is_rotated(
    db: Session, runtime: Runtime, new_lookup_key: Callable[[bool], None]
) -> None:
    """Found in review: the run matched an offer to its account by a hash recomputed under
    the current key, so during a rotation of the lookup key an offer stored under the
    previous one missed its account — whether the account was stored under the previous
    key (陈依伯, registered before) or already under the new one (林阿婆, after)."""
    first = _run(db, runtime, ALLOWANCE)
    assert first.without_account == 2  # 林阿婆 and 陈依伯 have no account yet
    chen = _register(db, "chenyibo", "陈依伯", TURNS_80, "13800000098")
    previous = lookup_key(TURNS_80)
    new_lookup_key(True)
    linapo = _register(db, "linapo", "林阿婆", NO_ACCOUNT, "13800000099")
    assert lookup_key(TURNS_80) != previous  # offers and 陈依伯 under the old key, 林阿婆 new
    old = previous_lookup_secret()
    assert old is not None
    build_translation(db, old=old, new=lookup_secret())  # the rotation has begun
    db.commit()
    later = _run(db, runtime, ALLOWANCE)
    assert (later.notified, later.without_account) == (2, 0)
    assert _messages(db, chen, "benefit_offered") == 1
    assert _messages(db, linapo, "benefit_offered") == 1


def test_a_grant_counts_in_the_supervision_figures(db: Session, runtime: Runtime) -> None:
    from zoneinfo import ZoneInfo

    from tongban.supervision.metrics import dashboard

    tz = ZoneInfo("Asia/Shanghai")
    before = dashboard(db, now=NOW, tz=tz).items.get(SUBSIDY)
    assert before is None or before.finished == 0
    _run(db, runtime, SUBSIDY)
    after = dashboard(db, now=NOW, tz=tz).items[SUBSIDY]
    assert (after.received, after.finished, after.late) == (1, 1, 0)


def test_an_unverified_account_with_someones_id_number_gets_nothing_of_theirs(
    db: Session, runtime: Runtime, client: TestClient, as_user: Any
) -> None:
    """Found after real-name verification landed: offers were matched on the number the
    account typed, so registering with another's ID number showed (and let one accept)
    their benefit."""
    _run(db, runtime, ALLOWANCE)
    zhoulao = account_of(db, "zhoulao")
    zhoulao.identity_verified_at = None
    db.commit()
    assert benefits.offers_for(db, user=zhoulao) == []
    listed = client.get("/api/v1/benefits/offers", headers=as_user("zhoulao"))
    assert listed.status_code == 200 and listed.json() == []
    offer = db.scalar(select(BenefitOffer).where(BenefitOffer.subject_key == ZHOULAO))
    assert offer is not None
    response = client.post(f"/api/v1/benefits/offers/{offer.id}/accept", headers=as_user("zhoulao"))
    assert response.status_code == 403


def test_what_the_platform_writes_of_a_grant_reads_in_english(
    db: Session, runtime: Runtime, client: TestClient, as_user: Any
) -> None:
    """The grant's line on the case's timeline (您已享受“…”，无需任何操作) had no English:
    an English timeline and the API's opinion_en showed nothing for it."""
    _run(db, runtime, SUBSIDY)
    [offer] = benefits.offers_for(db, user=account_of(db, "minfeng"))
    case = db.get_one(Case, offer.case_id)
    english = opinions_en(client, as_user("minfeng"), case.number)["benefit.granted"]
    assert english.endswith("was granted to you; nothing needs to be done.")
    assert "（" not in english and "您" not in english
