"""The engine asks the provider registry for each material's declared ways, in order,
and falls back down the list to an upload: a material the platform can provide is not
asked for, an upload is superseded by the platform's own copy, and a failed way says why.

The providers here stand in for the upper domains (e-licence library, shared data), which
register theirs the same way at start-up.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from tongban.accounts import service as accounts
from tongban.accounts.models import User
from tongban.audit.service import Actor
from tongban.cases import service as cases
from tongban.cases.enums import TrustLevel
from tongban.cases.materials import provision, registry
from tongban.cases.materials.registry import Provided, Unavailable
from tongban.cases.models import Case, Material
from tongban.catalog import service as catalog
from tongban.catalog.enums import MaterialWay
from tongban.demo.samples import SAMPLES, fill_form
from tongban.errors import InvalidInput
from tongban.files.store import LocalFileStore

NOW = datetime(2025, 11, 3, 2, 0, tzinfo=UTC)
ITEM = "3501-RS-003"  # 失业登记: ID_CARD (居民身份证), TERMINATION_PROOF (容缺)
ADMIN = Actor(id=None, name="目录管理员")


class Library:
    """A licence library of one kind: holders' ID numbers → licence numbers."""

    def __init__(self) -> None:
        self.held: dict[str, str] = {}
        self.recorded: list[str] = []
        self.accepted: list[str] = []

    def provide(
        self, session: Session, *, case: Case, material: dict[str, Any], now: datetime
    ) -> Provided | Unavailable:
        number = self.held.get(case.form_data.get("applicant_id_number", ""))
        if number is None:
            return Unavailable(
                "您名下没有有效的居民身份证电子证照", "You hold no valid ID e-licence"
            )
        return Provided(number, TrustLevel.a, "已有电子证照，无需上传", "E-licence held")

    def on_recorded(self, session: Session, *, material: Material, **_: Any) -> None:
        self.recorded.append(str(material.reference))

    def on_accepted(self, session: Session, *, material: Material, **_: Any) -> None:
        self.accepted.append(str(material.reference))


@pytest.fixture(autouse=True)
def _own_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test changes a copy of the registry, never the one the app runs on."""
    monkeypatch.setattr(registry, "_PROVIDERS", dict(registry._PROVIDERS))


@pytest.fixture
def library() -> Library:
    found = Library()
    registry.register(
        MaterialWay.licence,
        found.provide,
        recorded=found.on_recorded,
        accepted=found.on_accepted,
    )
    return found


def _declare(db: Session, ways: str) -> None:
    """A new version of the item whose ID card declares ``ways``."""
    text = catalog.entry_text(db, code=ITEM)
    anchor = "  ways:\n  - licence\n  - shared\n  - upload\n"
    assert anchor in text, text
    saved = catalog.save_entry_text(
        db, code=ITEM, text=text.replace(anchor, f"  ways: {ways}\n", 1), actor=ADMIN, now=NOW
    )
    assert saved.saved, saved


def _draft(db: Session, applicant: User) -> Case:
    spec = catalog.get_entry(db, code=ITEM).current_version
    assert spec is not None
    return cases.create_case(
        db, applicant=applicant, code=ITEM, form_data=fill_form(spec.definition["form"]), now=NOW
    )


def _upload(db: Session, case: Case, user: User, store: LocalFileStore, code: str) -> Material:
    return cases.add_material(
        db,
        case=case,
        user=user,
        material_code=code,
        filename="平面图.png",
        data=SAMPLES["png"],
        store=store,
        max_bytes=10**6,
        now=NOW,
    )


def _applicant(db: Session) -> User:
    found = accounts.find_user(db, username="zhangsan")
    assert found is not None
    return found


def test_a_held_licence_satisfies_the_id_card_without_an_upload(
    db: Session, tmp_path: Path, library: Library
) -> None:
    _declare(db, "[licence, upload]")
    applicant = _applicant(db)
    case = _draft(db, applicant)
    library.held[case.form_data["applicant_id_number"]] = "35010320250001"
    store = LocalFileStore(tmp_path)
    # complete, so that a plain acceptance is allowed (a missing 容缺 one needs 容缺受理)
    _upload(db, case, applicant, store, "TERMINATION_PROOF")
    cases.submit_case(db, case_id=case.id, user=applicant, now=NOW, store=store)
    row = provision.current_rows(db, case=case)["ID_CARD"]
    assert (row.way, row.trust_level, row.reference) == ("licence", TrustLevel.a, "35010320250001")
    assert row.detail and row.detail["zh"] == "已有电子证照，无需上传"
    assert row.storage_key is None and library.recorded == ["35010320250001"]
    clerk = accounts.find_user(db, username="rs")
    assert clerk is not None
    cases.accept_case(db, case_id=case.id, user=clerk, opinion=None, now=NOW, store=store)
    assert library.accepted == ["35010320250001"]


def test_a_floor_plan_cannot_stand_in_for_an_id_card_the_platform_holds(
    db: Session, tmp_path: Path, library: Library
) -> None:
    _declare(db, "[licence, upload]")
    applicant = _applicant(db)
    case = _draft(db, applicant)
    library.held[case.form_data["applicant_id_number"]] = "35010320250002"
    store = LocalFileStore(tmp_path)
    plan = _upload(db, case, applicant, store, "ID_CARD")
    cases.submit_case(db, case_id=case.id, user=applicant, now=NOW, store=store)
    assert plan.replaced_at == NOW
    row = provision.current_rows(db, case=case)["ID_CARD"]
    assert row.way == "licence" and row.filename is None


def test_without_a_licence_the_id_card_falls_back_to_an_upload_saying_why(
    db: Session, tmp_path: Path, library: Library
) -> None:
    _declare(db, "[licence, upload]")
    applicant = _applicant(db)
    case = _draft(db, applicant)
    store = LocalFileStore(tmp_path)
    with pytest.raises(InvalidInput) as error:
        cases.submit_case(db, case_id=case.id, user=applicant, now=NOW, store=store)
    [problem] = error.value.details
    assert problem["field"] == "materials.ID_CARD"
    assert (
        problem["message_zh"]
        == "请上传“申请人(经办人)居民身份证”（您名下没有有效的居民身份证电子证照）"
    )
    _upload(db, case, applicant, store, "ID_CARD")
    cases.submit_case(db, case_id=case.id, user=applicant, now=NOW, store=store)
    row = provision.current_rows(db, case=case)["ID_CARD"]
    assert (row.way, row.trust_level) == ("upload", TrustLevel.c)


def test_a_way_no_domain_provides_is_said_so_and_no_upload_is_taken_where_none_is_allowed(
    db: Session, tmp_path: Path
) -> None:
    _declare(db, "[licence]")
    registry.unregister(MaterialWay.licence)
    applicant = _applicant(db)
    case = _draft(db, applicant)
    store = LocalFileStore(tmp_path)
    with pytest.raises(InvalidInput) as error:
        _upload(db, case, applicant, store, "ID_CARD")
    assert "无需上传" in error.value.message_zh
    with pytest.raises(InvalidInput) as error:
        cases.check_complete(db, case=case, now=NOW)
    [problem] = error.value.details
    assert "暂时无法获取" in problem["message_zh"] and "尚未接通" in problem["message_zh"]
