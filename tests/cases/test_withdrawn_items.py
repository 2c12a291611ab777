"""A withdrawn item (or bundle, or an item of a bundle) takes no applications: a complete
draft cannot be submitted, a case in correction cannot be resubmitted, a clerk cannot
submit on someone's behalf; the draft stays readable and editable. A new version published
meanwhile leaves a draft on the version it started with.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from tongban.accounts import service as accounts
from tongban.accounts.models import User
from tongban.audit.service import Actor
from tongban.cases import service as cases
from tongban.cases.enums import CaseState
from tongban.cases.models import Case
from tongban.catalog import service as catalog
from tongban.catalog.enums import EntryStatus
from tongban.demo.samples import attach_materials, fill_form
from tongban.errors import Conflict
from tongban.files.store import LocalFileStore
from tongban.identifiers import make_resident_id

NOW = datetime(2025, 11, 3, 2, 0, tzinfo=UTC)
ITEM = "3501-RS-003"  # 失业登记, for a person
KCG = "3501-BUNDLE-KCG"  # 我要开餐馆: 3501-SCJG-001 (or -003) and 3501-SCJG-002
ADMIN = Actor(id=None, name="目录管理员")


def user(db: Session, username: str) -> User:
    found = accounts.find_user(db, username=username)
    assert found is not None
    return found


def complete_draft(db: Session, tmp_path: Path, code: str, applicant: User) -> Case:
    spec = catalog.get_entry(db, code=code).current_version
    assert spec is not None
    case = cases.create_case(
        db, applicant=applicant, code=code, form_data=fill_form(spec.definition["form"]), now=NOW
    )
    attach_materials(db, case=case, user=applicant, store=LocalFileStore(tmp_path), now=NOW)
    cases.check_complete(db, case=case, now=NOW)
    return case


def withdraw(db: Session, code: str) -> None:
    catalog.set_status(db, code=code, status=EntryStatus.withdrawn, actor=ADMIN, now=NOW)


def test_a_complete_draft_of_a_withdrawn_item_cannot_be_submitted(
    db: Session, tmp_path: Path
) -> None:
    applicant = user(db, "zhangsan")
    case = complete_draft(db, tmp_path, ITEM, applicant)
    withdraw(db, ITEM)
    with pytest.raises(Conflict) as error:
        cases.submit_case(
            db, case_id=case.id, user=applicant, now=NOW, store=LocalFileStore(tmp_path)
        )
    assert error.value.code == "entry_withdrawn" and error.value.status == 409
    assert "失业登记" in error.value.message_zh and "已停止办理" in error.value.message_zh
    assert "no longer offered" in error.value.message_en
    assert case.state == CaseState.draft and case.received_at is None
    # the draft stays the applicant's: readable and still saved
    cases.update_form(db, case=case, user=applicant, form_data=case.form_data, delivery=None)
    catalog.set_status(db, code=ITEM, status=EntryStatus.published, actor=ADMIN, now=NOW)
    assert (
        cases.submit_case(
            db, case_id=case.id, user=applicant, now=NOW, store=LocalFileStore(tmp_path)
        ).state
        == "submitted"
    )


def test_a_case_in_correction_cannot_be_resubmitted_once_its_item_is_withdrawn(
    db: Session, tmp_path: Path
) -> None:
    applicant, clerk = user(db, "zhangsan"), user(db, "rs")
    case = complete_draft(db, tmp_path, ITEM, applicant)
    cases.submit_case(db, case_id=case.id, user=applicant, now=NOW, store=LocalFileStore(tmp_path))
    problems = [{"target": "phone", "problem": "号码有误"}]
    cases.request_correction(
        db, case_id=case.id, user=clerk, problems=problems, opinion=None, now=NOW
    )
    withdraw(db, ITEM)
    with pytest.raises(Conflict) as error:
        cases.resubmit_case(
            db, case_id=case.id, user=applicant, now=NOW, store=LocalFileStore(tmp_path)
        )
    assert error.value.code == "entry_withdrawn"
    assert case.state == CaseState.correction_requested
    assert cases.withdraw_case(db, case_id=case.id, user=applicant, now=NOW).state == "withdrawn"


def test_a_bundle_draft_cannot_be_submitted_when_one_of_its_items_is_withdrawn(
    db: Session, tmp_path: Path
) -> None:
    applicant = user(db, "minfeng")
    case = complete_draft(db, tmp_path, KCG, applicant)
    withdraw(db, "3501-SCJG-002")
    with pytest.raises(Conflict) as error:
        cases.submit_case(
            db, case_id=case.id, user=applicant, now=NOW, store=LocalFileStore(tmp_path)
        )
    assert "我要开餐馆" in error.value.message_zh and "食品经营许可" in error.value.message_zh
    with pytest.raises(Conflict):  # nor can a new draft of it be started
        cases.create_case(db, applicant=applicant, code=KCG, form_data={}, now=NOW)


def test_a_clerk_cannot_submit_on_behalf_for_a_withdrawn_item(db: Session, tmp_path: Path) -> None:
    clerk = user(db, "rs")
    person = accounts.find_or_create_walk_in(
        db, id_number=make_resident_id("350103", date(1988, 3, 9), 77), name="陈代办", phone=""
    )
    spec = catalog.get_entry(db, code=ITEM).current_version
    assert spec is not None
    case = cases.create_case(
        db,
        applicant=person,
        code=ITEM,
        form_data=fill_form(spec.definition["form"]),
        now=NOW,
        created_by=clerk,
    )
    attach_materials(db, case=case, user=clerk, store=LocalFileStore(tmp_path), now=NOW)
    withdraw(db, ITEM)
    with pytest.raises(Conflict):
        cases.submit_case(db, case_id=case.id, user=clerk, now=NOW, store=LocalFileStore(tmp_path))


def test_a_draft_keeps_its_version_when_a_new_one_is_published(db: Session, tmp_path: Path) -> None:
    applicant = user(db, "zhangsan")
    case = complete_draft(db, tmp_path, ITEM, applicant)
    started_on = case.catalog_version_id
    text = catalog.entry_text(db, code=ITEM)
    saved = catalog.save_entry_text(
        db, code=ITEM, text=text.replace("legal: 5", "legal: 6", 1), actor=ADMIN, now=NOW
    )
    assert saved.saved and saved.saved[0].id != started_on
    cases.submit_case(db, case_id=case.id, user=applicant, now=NOW, store=LocalFileStore(tmp_path))
    assert case.catalog_version_id == started_on
    assert cases.spec_of(db, case) == catalog.get_version(db, version_id=started_on).definition
