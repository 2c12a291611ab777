"""Window intake (窗口代办) in the service layer: the walk-in person, the case the clerk
creates for them, and what the clerk may do with it afterwards.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from argon2.exceptions import VerificationError
from sqlalchemy.orm import Session

from tongban.accounts import service as accounts
from tongban.accounts.enums import Role, UserKind
from tongban.accounts.models import User
from tongban.accounts.service import walk_in_username
from tongban.audit import service as audit
from tongban.cases import service as cases
from tongban.cases.enums import CaseState, Stage
from tongban.cases.models import Case
from tongban.catalog import service as catalog
from tongban.demo.samples import attach_materials, fill_form
from tongban.errors import Conflict, InvalidInput, NotAllowed, NotFound
from tongban.files.store import LocalFileStore
from tongban.identifiers import make_resident_id

NOW = datetime(2025, 11, 3, 2, 0, tzinfo=UTC)
CODE = "3501-WJW-002"
ID = make_resident_id("350103", date(1988, 3, 9), 77)


def user(db: Session, username: str) -> User:
    found = accounts.find_user(db, username=username)
    assert found is not None
    return found


def walk_in(db: Session, name: str = "陈代办") -> User:
    return accounts.find_or_create_walk_in(db, id_number=ID, name=name, phone="13900000001")


def test_a_new_person_gets_an_account_nobody_can_sign_in_to(db: Session) -> None:
    person = walk_in(db)
    assert person.username == walk_in_username(ID) and person.kind == UserKind.person
    assert person.roles == {Role.applicant} and person.phone == "13900000001"
    assert person.password_hash.startswith("$argon2id$")
    for guess in ("", person.username, ID):
        with pytest.raises(VerificationError):
            accounts.verify_password(person.password_hash, guess)
    assert walk_in(db).id == person.id


def test_a_registered_person_is_reused_when_the_name_matches(db: Session) -> None:
    zhangsan = user(db, "zhangsan")
    found = accounts.find_or_create_walk_in(
        db, id_number="350102196204180310", name="张三", phone=""
    )
    assert found.id == zhangsan.id
    with pytest.raises(InvalidInput) as error:
        accounts.find_or_create_walk_in(db, id_number="350102196204180310", name="李四", phone="")
    assert error.value.field == "name"


@pytest.mark.parametrize("bad", ["", "123", ID[:-1] + ("1" if ID[-1] != "1" else "2")])
def test_a_bad_id_number_is_refused_on_its_field(db: Session, bad: str) -> None:
    with pytest.raises(InvalidInput) as error:
        accounts.find_or_create_walk_in(db, id_number=bad, name="陈代办", phone="")
    assert error.value.field == "id_number"


def test_a_name_is_required(db: Session) -> None:
    with pytest.raises(InvalidInput) as error:
        accounts.find_or_create_walk_in(db, id_number=ID, name=" ", phone="")
    assert error.value.field == "name"


def _draft(db: Session, by: User) -> tuple[User, Case]:
    spec = catalog.get_entry(db, code=CODE).current_version
    assert spec is not None
    person = walk_in(db)
    case = cases.create_case(
        db,
        applicant=person,
        code=CODE,
        form_data=fill_form(spec.definition["form"]),
        now=NOW,
        created_by=by,
    )
    return person, case


def test_the_clerk_creates_uploads_and_submits_for_the_person(db: Session, tmp_path: Path) -> None:
    clerk = user(db, "clerk")
    person, case = _draft(db, clerk)
    assert case.applicant_id == person.id and case.created_by_id == clerk.id
    store = LocalFileStore(tmp_path)
    attach_materials(db, case=case, user=clerk, store=store, now=NOW, required_only=False)
    done = cases.submit_case(db, case_id=case.id, user=clerk, now=NOW, store=store)
    assert done.state == CaseState.submitted
    assert any(t.stage == Stage.accept for t in done.tasks)
    entries = audit.entries_for_case(db, case_id=done.id)
    created = next(e for e in entries if e.action == "case.create")
    assert created.actor_id == clerk.id and created.subject_id == person.id
    assert created.data == {"channel": "window", "on_behalf_of": person.id}
    assert next(e for e in entries if e.action == "case.submit").actor_id == clerk.id
    with pytest.raises((NotFound, Conflict)):  # once in, the clerk no longer acts for the applicant
        cases.withdraw_case(db, case_id=done.id, user=clerk, now=NOW)


def test_only_the_creating_clerk_acts_for_the_person(db: Session) -> None:
    _, case = _draft(db, user(db, "clerk"))
    with pytest.raises(NotFound):
        cases.update_form(db, case=case, user=user(db, "wjw"), form_data={}, delivery=None)


def test_staff_without_the_clerk_role_cannot_take_in(db: Session) -> None:
    with pytest.raises(NotAllowed):
        _draft(db, user(db, "approver"))


def test_staff_still_cannot_apply_for_themselves(db: Session) -> None:
    clerk = user(db, "clerk")
    with pytest.raises(NotAllowed):
        cases.create_case(db, applicant=clerk, code=CODE, form_data={}, now=NOW, created_by=clerk)


def test_a_walk_in_is_identified_as_registration_identifies(db: Session) -> None:
    wide = ID.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    person = accounts.find_or_create_walk_in(
        db, id_number=wide.lower(), name="陈代办", phone=" 139 0000 0001 "
    )

    assert (person.id_number, person.phone) == (ID, "13900000001")


def test_a_walk_in_phone_that_is_no_mobile_number_is_refused_on_its_field(db: Session) -> None:
    with pytest.raises(InvalidInput) as error:
        accounts.find_or_create_walk_in(db, id_number=ID, name="陈代办", phone="0591-1234")
    assert error.value.field == "phone"
    assert error.value.message_zh.startswith("手机号码")
