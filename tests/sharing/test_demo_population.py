"""The demo's people are in its population: every applicant of the demo history resolves
in the population register (and its enterprises in the enterprise register), so the
backfill rate of the demo's items is not zero for want of records."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import START
from tests.sharing.conftest import ACCOUNTS
from tongban.accounts import service as accounts
from tongban.accounts.models import User
from tongban.cases import service as cases
from tongban.cases.models import Case, Material
from tongban.demo import history as demo_history
from tongban.demo.users import population_accounts
from tongban.demo.world import CaseClock
from tongban.files.store import LocalFileStore
from tongban.licences import service as licences
from tongban.sharing import backfill
from tongban.sharing import service as sharing
from tongban.sharing.models import FieldFill
from tongban.timefmt import local


def _demo(db: Session, tmp_path: Path, count: int = 40) -> None:
    accounts = population_accounts(ACCOUNTS)
    sharing.load_synthetic(db, now=START, accounts=accounts, people=120, enterprises=30)
    store = LocalFileStore(tmp_path / "files")
    demo_history.load_history(db, store=store, count=count, seed=7, now=START)
    db.flush()


def test_every_demo_applicant_is_in_the_population_and_its_enterprise_registered(
    db: Session, tmp_path: Path
) -> None:
    _demo(db, tmp_path)
    applicants = {case.applicant_id for case in db.scalars(select(Case))}
    assert len(applicants) > 3
    for user in (db.get_one(User, user_id) for user_id in applicants):
        person = sharing.lookup(db, code="population", key=user.id_number or "")
        assert person.record is not None, user.username
        assert person.record["name"] == user.display_name
        if user.credit_code:
            firm = sharing.lookup(db, code="enterprise_register", key=user.credit_code)
            assert firm.record is not None, user.username
            assert firm.record["name"] == user.enterprise_name
            assert firm.record["legal_rep_id_number"] == user.id_number


def test_the_demo_backfill_rate_of_items_with_pulled_fields_is_not_zero(
    db: Session, tmp_path: Path
) -> None:
    _demo(db, tmp_path)
    fills = list(db.scalars(select(FieldFill)))
    assert fills, "the demo history recorded no shared field"
    tz = cases.calendar(db).tz
    found = backfill.rates(db, since=START - timedelta(days=40), until=START, period="month", tz=tz)
    pulled_items = {rate.item_code for rate in found if rate.pulled}
    items = {rate.item_code for rate in found}
    assert items and pulled_items == items, sorted(items - pulled_items)


def test_a_demo_company_files_every_item_as_the_registers_hold_it(
    db: Session, tmp_path: Path
) -> None:
    """Every demo enterprise can file every entry whose form names the applying company:
    the fields the enterprise register locks once the company's code is on the form
    (type, domicile, scope) are the register's, so no draft is refused as "changed"
    (the demo history failed to load on the days it drew such a case)."""
    accounts = population_accounts(ACCOUNTS)
    sharing.load_synthetic(db, now=START, accounts=accounts, people=120, enterprises=30)
    world = demo_history.make_world(db, store=LocalFileStore(tmp_path / "files"), seed=7, now=START)
    companies = [user for user in world.applicants if user.credit_code]
    codes = [
        code
        for code, spec in world.specs.items()
        if "credit_code" in spec["form"]["properties"] and spec["approval_mode"] != "proactive"
    ]
    assert companies and codes
    for code in codes:
        for company in companies:
            if "enterprise" not in _subjects(world.specs[code]):
                continue
            clock = CaseClock(world, START - timedelta(days=3))
            case = demo_history._submitted(world, code, company, clock)
            assert case.state != "draft", (code, company.username)


def _subjects(spec: dict[str, object]) -> set[str]:
    found: set[str] = set()
    for item in spec["items"]:  # type: ignore[attr-defined]
        found |= set(item.get("subject") or [])
    return found


def test_a_demo_enterprise_applies_with_the_business_licence_it_already_holds(
    db: Session, tmp_path: Path
) -> None:
    """No demo account held an e-licence a later demo case asked for, so licence reuse
    (已有电子证照，无需上传) could not be shown on the demo. Now ``sanfang`` registers a company
    early in the history and holds its 营业执照; that company's later 户外广告设施 (shop sign)
    case takes the business licence from the licence library: no file, trust level A."""
    _demo(db, tmp_path)
    sanfang = accounts.find_user(db, username="sanfang")
    assert sanfang is not None
    mine = {
        c.catalog_code: c for c in db.scalars(select(Case).where(Case.applicant_id == sanfang.id))
    }
    registered, sign = mine["3501-SCJG-001"], mine["3501-CGJ-002"]
    assert registered.state == sign.state == "completed"
    held = next(
        licence
        for licence in licences.list_for_holder(db, user=sanfang)
        if licence.name == "营业执照" and licence.case_id == registered.id
    )
    assert sign.form_data["credit_code"] == held.holder_code
    used = db.scalars(
        select(Material).where(Material.case_id == sign.id, Material.material_code == "BIZ_LICENCE")
    ).one()  # never uploaded, then replaced
    assert (used.way, used.trust_level, used.filename) == ("licence", "A", None)
    assert used.reference == held.identifier
    assert used.summary == f"已有电子证照，无需上传（营业执照 {held.number}）"
    assert sign.submitted_at is not None
    assert held.issued_on <= local(sign.submitted_at).date()
