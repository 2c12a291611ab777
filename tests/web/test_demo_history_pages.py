"""The demo history fills the supervision dashboard and the staff workbench."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from tests.conftest import START
from tongban.demo import history as demo_history
from tongban.files.store import LocalFileStore


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
