"""免申即享 reaches people without an account: one SMS to the mobile number the population
register holds, once per policy (not again each month of a monthly allowance), while those with an account are told in-app as
before; the number is found as the text leaves, so neither the audit trail nor the outbox
holds it; the person who signs up later sees the offer and accepts it."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.benefits.conftest import NO_ACCOUNT, NO_ACCOUNT_MOBILE, NOW, ZHOULAO_MOBILE
from tests.benefits.test_runs import ALLOWANCE, _register, _run
from tests.factories import account_of
from tongban.audit.models import AuditEntry
from tongban.benefits import service as benefits
from tongban.benefits.models import BenefitOffer
from tongban.config import Settings
from tongban.notifications import service as notifications
from tongban.outbox.models import OutboxMessage
from tongban.pii.service import lookup_key
from tongban.web.runtime import Runtime

pytestmark = pytest.mark.usefixtures("profiles")


def _settings(tmp_path: Path, **extra: Any) -> Settings:
    values = {"environment": "test", "sms_file": tmp_path / "sms.jsonl"}
    return Settings(**{**values, **extra})  # type: ignore[arg-type]


def _deliver(db: Session, settings: Settings, minutes: int = 1) -> list[dict[str, str]]:
    """Deliver the outbox once; every SMS the provider has been given so far."""
    notifications.run_due_notifications(db, now=NOW + timedelta(minutes=minutes), settings=settings)
    db.commit()
    if not settings.sms_path.exists():
        return []
    lines = settings.sms_path.read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines]


def _texts_to(sent: list[dict[str, str]], phone: str) -> list[str]:
    return [sms["text"] for sms in sent if sms["phone"] == phone]


def test_an_eligible_person_without_an_account_gets_one_text_however_often_it_runs(
    db: Session, runtime: Runtime, tmp_path: Path
) -> None:
    settings = _settings(tmp_path)
    first = _run(db, runtime, ALLOWANCE)
    sent = _deliver(db, settings)
    [text] = _texts_to(sent, NO_ACCOUNT_MOBILE)
    assert "高龄津贴" in text and "2026-11" in text and "实名认证" in text
    assert first.texted == 1  # 陈依伯 has no account and the register holds no number of his
    again = _run(db, runtime, ALLOWANCE)
    assert again.texted == 0
    assert _texts_to(_deliver(db, settings, minutes=2), NO_ACCOUNT_MOBILE) == [text]


def test_a_monthly_allowance_texts_a_person_without_an_account_once_not_every_month(
    db: Session, runtime: Runtime, tmp_path: Path
) -> None:
    """高龄津贴 runs every month: someone who has not signed up was sent the same invitation
    each month. One text per policy; the later months' offers wait for the account."""
    settings = _settings(tmp_path)
    first = _run(db, runtime, ALLOWANCE, period="2026-10")
    assert first.texted == 1
    later = _run(db, runtime, ALLOWANCE)
    assert later.texted == 0 and later.without_account >= first.without_account
    [text] = _texts_to(_deliver(db, settings), NO_ACCOUNT_MOBILE)
    assert "2026-10" in text
    waiting = db.scalars(select(BenefitOffer.period).where(BenefitOffer.item_code == ALLOWANCE))
    assert {"2026-10", "2026-11"} <= set(waiting)


def test_a_person_with_an_account_is_told_in_app_and_not_at_the_registers_number(
    db: Session, runtime: Runtime, tmp_path: Path
) -> None:
    _run(db, runtime, ALLOWANCE)
    sent = _deliver(db, _settings(tmp_path))
    zhoulao = account_of(db, "zhoulao")
    [told] = notifications.inbox(db, user=zhoulao)
    assert told.message.topic == "benefit_offered"
    assert _texts_to(sent, ZHOULAO_MOBILE) == []


def test_neither_the_audit_trail_nor_the_outbox_holds_the_number(
    db: Session, runtime: Runtime, tmp_path: Path
) -> None:
    _run(db, runtime, ALLOWANCE)
    _deliver(db, _settings(tmp_path))
    [texted] = db.scalars(select(AuditEntry).where(AuditEntry.action == "benefit.sms_offered"))
    assert texted.subject_id is None and "林阿婆" not in (texted.opinion or "")
    for entry in db.scalars(select(AuditEntry)):
        written = json.dumps([entry.opinion, entry.data], ensure_ascii=False)
        assert NO_ACCOUNT_MOBILE not in written
    rows = db.scalars(select(OutboxMessage).where(OutboxMessage.audit_entry_id == texted.id))
    [row] = rows
    assert (row.channel, row.status, row.address) == ("sms", "sent", None)
    assert NO_ACCOUNT_MOBILE not in json.dumps(row.payload, ensure_ascii=False)


def test_the_text_reads_in_english_on_an_english_platform(
    db: Session, runtime: Runtime, tmp_path: Path
) -> None:
    _run(db, runtime, ALLOWANCE)
    sent = _deliver(db, _settings(tmp_path, default_locale="en"))
    [text] = _texts_to(sent, NO_ACCOUNT_MOBILE)
    assert text.startswith("[Tongban]") and "Old-age allowance" in text
    assert "高龄" not in text


def test_the_texted_person_signs_up_sees_the_offer_and_accepts_it(
    db: Session, runtime: Runtime, tmp_path: Path
) -> None:
    _run(db, runtime, ALLOWANCE)
    _deliver(db, _settings(tmp_path))
    person = _register(db, "linapo", "林阿婆", NO_ACCOUNT, "13800000099")
    [offer] = benefits.offers_for(db, user=person)
    assert offer.sms_at is not None and offer.state == "offered"
    benefits.accept_offer(db, offer_id=offer.id, user=person, now=NOW, store=runtime.store)
    db.commit()
    assert db.get(BenefitOffer, offer.id).state == "granted"  # type: ignore[union-attr]


def test_the_use_of_the_registers_number_is_logged_for_the_person(
    db: Session, runtime: Runtime
) -> None:
    from tongban.sharing.models import DataAccess

    _run(db, runtime, ALLOWANCE)
    logged = db.scalars(select(DataAccess).where(DataAccess.subject_key == lookup_key(NO_ACCOUNT)))
    assert [(a.source, a.fields) for a in logged] == [("population", ["mobile"])]


def test_a_number_gone_from_the_register_before_the_text_leaves_fails_visibly(
    db: Session, runtime: Runtime, tmp_path: Path
) -> None:
    """The number is read as the text leaves: one removed from the register meanwhile is
    a failed attempt (retried, then listed for operators), never a text sent elsewhere."""
    from tongban.sharing.models import SourceRecord

    _run(db, runtime, ALLOWANCE)
    record = db.scalars(
        select(SourceRecord).where(
            SourceRecord.source == "population", SourceRecord.key == NO_ACCOUNT
        )
    ).one()
    record.data = {k: v for k, v in record.data.items() if k != "mobile"}
    db.commit()
    assert _texts_to(_deliver(db, _settings(tmp_path)), NO_ACCOUNT_MOBILE) == []
    [row] = db.scalars(select(OutboxMessage).where(OutboxMessage.topic == "benefit_offered_sms"))
    assert (row.status, row.attempts, row.sent_at) == ("pending", 1, None)
    assert "no number" in (row.last_error or "")


def test_an_enterprise_without_an_account_is_texted_at_its_liaisons_number(
    db: Session, runtime: Runtime, tmp_path: Path
) -> None:
    """The enterprise register holds the registration liaison's mobile (登记联络员, a
    filed matter of every market entity): an eligible firm with no account hears of the
    no-action subsidy once, told that it is paid once the firm registers, not asked to
    confirm it."""
    from datetime import date

    from tests.benefits.conftest import _firm
    from tests.benefits.test_runs import SUBSIDY
    from tongban.identifiers import make_credit_code
    from tongban.sharing.models import SourceRecord

    firm = make_credit_code("350105", "MA88CD21")
    record = {**_firm(firm, "福州新榕茶业有限公司", date(2026, 8, 1), 50), "mobile": "13905917788"}
    db.add(SourceRecord(source="enterprise_register", key=firm, data=record, updated_at=NOW))
    db.add(
        SourceRecord(source="tax", key=firm, data={"taxpayer_type": "小规模纳税人"}, updated_at=NOW)
    )
    db.add(SourceRecord(source="credit", key=firm, data={"dishonest": False}, updated_at=NOW))
    db.commit()
    first = _run(db, runtime, SUBSIDY)
    assert first.texted == 1
    settings = _settings(tmp_path)
    [text] = _texts_to(_deliver(db, settings), "13905917788")
    assert "创业补贴" in text and "自动发放" in text and "一键确认" not in text
    assert _run(db, runtime, SUBSIDY).texted == 0
    assert _texts_to(_deliver(db, settings, minutes=2), "13905917788") == [text]
