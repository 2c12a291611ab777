"""A fresh demo shows an identity document reused: the demo history's uploads of a
居民身份证 (or another dated document) state its 有效期至, so a demo person applying again
is offered the earlier file, not told it cannot be reused because its expiry was never
given (``cases/materials/validity.py``)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import START
from tests.web.support import SignedIn
from tongban.accounts.models import User
from tongban.cases import service as cases
from tongban.cases.models import Case, Material
from tongban.catalog import service as catalog
from tongban.catalog.enums import MaterialWay
from tongban.demo import history as demo_history
from tongban.demo.plans import APPLICANTS
from tongban.files.store import LocalFileStore

DEMO_PERSONS = frozenset(a["username"] for a in APPLICANTS if a["kind"] == "person")


def _dated(db: Session) -> list[tuple[Case, Material]]:
    """Uploads in force of a material the catalog marks ``document_validity``, by demo
    persons."""
    found = []
    rows = db.execute(
        select(Case, Material, User)
        .join(Material, Material.case_id == Case.id)
        .join(User, User.id == Case.applicant_id)
        .where(Material.way == MaterialWay.upload, Material.replaced_at.is_(None))
    )
    for case, material, user in rows:
        wanted = next(
            m for m in cases.spec_of(db, case)["materials"] if m["code"] == material.material_code
        )
        if user.username in DEMO_PERSONS and wanted.get("document_validity"):
            found.append((case, material))
    return found


def test_a_demo_persons_id_card_is_offered_for_reuse(
    db: Session, tmp_path: Path, signed_in: SignedIn, population: dict
) -> None:
    demo_history.load_history(
        db, store=LocalFileStore(tmp_path / "files"), count=40, seed=7, now=START
    )
    db.commit()
    uploads = _dated(db)
    assert uploads, "the demo history uploads no dated identity document of a demo person"
    assert all((m.detail or {}).get("valid_until") for _c, m in uploads)
    offered = []
    for case, material in uploads:
        spec = catalog.get_entry(db, code=case.catalog_code).current_version.definition
        applicant = db.get_one(User, case.applicant_id)
        found = cases.reusable_offers(
            db, case=None, applicant_id=applicant.id, spec=spec, now=START
        ).get(material.material_code, [])
        if any(offer.valid for offer in found) and not catalog.questions(spec):
            offered.append((applicant.username, case.catalog_code, material.material_code))
    assert offered, "no demo person is offered an earlier identity document"
    username, code, material_code = offered[0]
    page = signed_in(username).get(f"/apply/{code}").text
    start = page.index(f'id="material-{material_code}"')
    row = page[start : page.find('<div class="field material', start)]
    assert 'name="reuse"' in row and "沿用“" in row
    assert "上传时未填写证件有效期" not in page
