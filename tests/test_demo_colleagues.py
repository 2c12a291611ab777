"""The demo's departments have two people for each role of their back-office stages
(demo/colleagues.yaml beside demo/users.yaml): with one, the random draw had no choice, a
reassignment no colleague to go to and an absence nobody to take over (issue 16's trial,
fault 3)."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy.orm import Session

from tests.conftest import ROOT
from tongban.accounts.enums import Role
from tongban.cases import service as cases
from tongban.demo import users as demo

ASSIGNED = {Role.reviewer, Role.approver, Role.issuer}  # 审查, 核准, 制证: drawn to a person


def test_every_demo_department_has_two_people_for_each_assigned_role() -> None:
    accounts = demo.accounts_of(ROOT / "demo" / "users.yaml")
    held = Counter(
        (entry["department_code"], role)
        for entry in accounts
        if entry.get("department_code")
        for role in entry.get("roles", [])
        if role in ASSIGNED
    )
    assert held and all(n >= 2 for n in held.values()), {k: n for k, n in held.items() if n < 2}
    assert len({entry["username"] for entry in accounts}) == len(accounts)


def test_the_load_page_of_the_demo_shows_a_choice_of_holders(db: Session) -> None:
    for entry in demo.accounts_of(ROOT / "demo" / "users.yaml"):
        demo.ensure_user(db, entry)
    (load,) = cases.load_by_department(db, day=date(2025, 11, 3), department="SCJG")
    reviewers = [p.name for p in load.people if Role.reviewer in p.roles]
    assert sorted(reviewers) == ["市场监管审查员", "市场监管审查员乙"]


def test_the_banner_counts_the_colleagues_without_listing_each() -> None:
    listed = demo.accounts_of(ROOT / "demo" / "users.yaml")[:2]
    banner = demo.logins_table(listed, 35)
    assert "另有 35 名各部门第二名工作人员" in banner and "scjg2" in banner
