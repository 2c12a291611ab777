"""Two re-issues (换发) of one licence number at once, in two real transactions: each gets
its own GB/T 36904 version, neither fails on the identifier's unique key."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from tongban.accounts import service as accounts
from tongban.accounts.models import User
from tongban.cases import service as cases
from tongban.cases.models import Case
from tongban.catalog import service as catalog
from tongban.db import unit_of_work
from tongban.demo.samples import fill_form
from tongban.identifiers import validate_licence_identifier
from tongban.licences.issuing import issue_licence
from tongban.licences.models import Licence
from tongban.sharing.models import SourceRecord

NOW = datetime(2025, 11, 3, 2, 0, tzinfo=UTC)
CODE = "3501-SCJG-001"  # 营业执照: the enterprise's credit code is the licence number
CREDIT = "91350102MA2XQ1K7XN"
FIRM = {
    "credit_code": CREDIT,
    "name": "福州闽丰餐饮管理有限公司",
    "legal_rep_name": "王五",
    "legal_rep_id_number": "350104197812302577",
    "status": "存续",
}


def _cases(factory: sessionmaker[Session], count: int) -> list[int]:
    """Committed drafts of the same registered enterprise (its credit code on the form),
    by its own verified account (换发 keeps the code only then)."""
    with unit_of_work(factory) as session:
        applicant = accounts.find_user(session, username="minfeng")
        version = catalog.get_entry(session, code=CODE).current_version
        assert applicant and version
        applicant.identity_verified_at = NOW
        session.add(
            SourceRecord(source="enterprise_register", key=CREDIT, data=FIRM, updated_at=NOW)
        )
        answers = fill_form(version.definition["form"])
        form = {**answers, "credit_code": CREDIT, "enterprise_name": FIRM["name"]}
        made = [
            cases.create_case(session, applicant=applicant, code=CODE, form_data=answers, now=NOW)
            for _ in range(count)
        ]
        session.flush()
        for case in made:  # credit_code is no field of the item: kept as issued from
            case.form_data = form
        return [case.id for case in made]


@pytest.fixture
def verified_minfeng(committing_engine: Engine) -> Iterator[None]:
    """The demo enterprise's verification (实名认证) as it was before the test, afterwards:
    the committing engine deletes the rows a test adds, not what it changes in the demo's
    own (a verified 闽丰 made a later test's founded company show its representative's view)."""
    factory = sessionmaker(bind=committing_engine)
    with factory() as session:
        before = session.scalar(select(User.identity_verified_at).where(User.username == "minfeng"))
    yield
    with unit_of_work(factory) as session:
        applicant = accounts.find_user(session, username="minfeng")
        assert applicant is not None
        applicant.identity_verified_at = before


@pytest.mark.usefixtures("verified_minfeng")
def test_two_reissues_of_one_number_at_once_get_versions_one_after_the_other(
    engine: Engine,
) -> None:
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    first, second, third = _cases(factory, 3)

    def issue(case_id: int, hold: threading.Event | None = None) -> None:
        with unit_of_work(factory) as session:
            case = session.get_one(Case, case_id)
            item = cases.spec_of(session, case)["items"][0]
            issue_licence(session, case=case, item=item, document=None, now=NOW)
            session.flush()
            if hold is not None:  # keep the transaction open while the other one issues
                started.set()
                hold.wait(timeout=30)

    issue(first)  # version 1, committed
    started, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def held() -> None:
        try:
            issue(second, release)
        except BaseException as error:  # asserted below
            errors.append(error)

    def racing() -> None:
        started.wait(timeout=30)
        threading.Timer(1.0, release.set).start()  # the first commits while this one waits
        try:
            issue(third)
        except BaseException as error:  # asserted below
            errors.append(error)

    threads = [threading.Thread(target=held), threading.Thread(target=racing)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    with factory() as session:
        found = session.scalars(select(Licence.identifier).where(Licence.number == CREDIT)).all()
    versions = sorted(validate_licence_identifier(i).version for i in found)
    assert versions == ["001", "002", "003"]
