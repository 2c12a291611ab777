"""The correction message lists the one-time notice itself (issue 12): every problem under
the name of its field or material in the reader's language, not only the (usually empty)
opinion."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.accounts import service as accounts
from tongban.cases import service as cases
from tongban.catalog import service as catalog
from tongban.demo.samples import attach_materials, fill_form
from tongban.files.store import LocalFileStore
from tongban.notifications import writing
from tongban.outbox.models import OutboxMessage

NOW = datetime(2025, 11, 3, 2, 0, tzinfo=UTC)
ITEM = "3501-RS-003"  # 失业登记


def test_the_correction_message_lists_every_problem_by_its_name(
    db: Session, tmp_path: Path
) -> None:
    applicant = accounts.find_user(db, username="zhangsan")
    clerk = accounts.find_user(db, username="rs")
    assert applicant is not None and clerk is not None
    spec = catalog.get_entry(db, code=ITEM).current_version
    assert spec is not None
    case = cases.create_case(
        db, applicant=applicant, code=ITEM, form_data=fill_form(spec.definition["form"]), now=NOW
    )
    store = LocalFileStore(tmp_path)
    attach_materials(db, case=case, user=applicant, store=store, now=NOW)
    cases.submit_case(db, case_id=case.id, user=applicant, now=NOW, store=store)
    cases.request_correction(
        db,
        case_id=case.id,
        user=clerk,
        problems=[{"target": "phone", "problem": "号码有误"}],
        opinion=None,
        now=NOW,
    )
    db.flush()
    message = db.scalar(
        select(OutboxMessage).where(
            OutboxMessage.topic == "correction_requested",
            OutboxMessage.recipient_id == applicant.id,
        )
    )
    assert message is not None
    number = (case.number, case.title)
    zh = writing.write(message, user=applicant, case=number, locale="zh_Hans").body
    en = writing.write(message, user=applicant, case=number, locale="en").body
    assert "1. 联系电话(手机号码)：号码有误" in zh, zh
    assert "1. Phone" in en and ": 号码有误" in en, en
    assert "phone" not in zh and "说明" not in zh  # no code, no empty note
