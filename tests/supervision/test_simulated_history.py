"""``tongban simulate`` writes a month that did not happen: no department system subscribed
to webhooks hears of it, and its audit entries say they are simulated."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import START
from tests.factories import subscribe_every_event
from tests.supervision.conftest import TZ
from tongban.audit.models import AuditEntry
from tongban.catalog.models import Department
from tongban.demo.simulator import simulate
from tongban.files.store import LocalFileStore
from tongban.integration import webhooks
from tongban.integration.models import WebhookDelivery
from tongban.jobs.models import Job


def test_no_subscribed_system_is_told_of_a_simulated_month(db: Session, tmp_path: Path) -> None:
    """Fault: the simulated results were issued through the live path, whose
    ``licence.issued`` entries the webhooks heard like a live one: every department system
    subscribed got a month of licences that were never issued. Nothing of the simulation
    is delivered now, and every entry it wrote is marked simulated."""
    subscribe_every_event(db, db.scalars(select(Department.code)), START)
    before = db.scalar(select(func.max(AuditEntry.id))) or 0
    store = LocalFileStore(tmp_path / "files")
    simulate(db, store=store, days=30, count=120, seed=3, now=START, tz=TZ)
    written = db.scalars(select(AuditEntry).where(AuditEntry.id > before)).all()
    assert "licence.issued" in {entry.action for entry in written}
    assert not db.scalars(select(WebhookDelivery)).all()
    assert not db.scalars(select(Job).where(Job.kind == webhooks.JOB_KIND)).all()
    assert all(entry.data.get("simulated") is True for entry in written)
