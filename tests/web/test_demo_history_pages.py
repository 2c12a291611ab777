"""The demo history fills the supervision dashboard and the staff workbench."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import START
from tests.supervision.conftest import TZ
from tongban.audit.models import AuditEntry
from tongban.cases.enums import Stage
from tongban.cases.models import Case
from tongban.demo import history as demo_history
from tongban.demo.casefile import MOVES
from tongban.demo.simulator import simulate
from tongban.files.store import LocalFileStore
from tongban.web.runtime import Runtime


def test_the_supervision_page_and_a_workbench_show_the_history(
    db: Session, tmp_path: Path, signed_in: Any
) -> None:
    store = LocalFileStore(tmp_path / "files")
    demo_history.load_history(db, store=store, count=20, now=START)
    db.commit()  # releases the savepoint: the pages' sessions share the connection
    page = signed_in("supervisor").get("/supervision")
    assert page.status_code == 200
    overdue = page.text.split('id="overdue-title"')[1].split("</section>")[0]
    assert "<td" in overdue
    queue = signed_in("clerk").get("/staff")
    assert queue.status_code == 200


def test_an_english_timeline_names_the_simulated_staff_in_english(
    db: Session, runtime: Runtime, signed_in: Any
) -> None:
    """The simulated stages' staff (窗口受理人员 …) read "Window clerk" on an English page:
    pages take the platform's names from ``audit.names``, as the API's ``*_en`` do."""
    simulate(db, store=runtime.store, days=10, count=40, seed=11, now=START, tz=TZ)
    db.commit()
    accepted = db.scalar(
        select(Case.number)
        .join(AuditEntry, AuditEntry.case_id == Case.id)
        .where(AuditEntry.action == MOVES[Stage.accept], AuditEntry.actor_id.is_(None))
        .limit(1)
    )
    english = signed_in("supervisor").get(f"/cases/{accepted}", params={"lang": "en"}).text
    assert "Window clerk" in english and "窗口受理人员" not in english
    chinese = signed_in("supervisor").get(f"/cases/{accepted}").text
    assert "窗口受理人员" in chinese and "Window clerk" not in chinese
