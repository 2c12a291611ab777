"""Two administrators confirming the same preview at once, in real concurrent
transactions: one replaces the year, the other is told the year changed (409)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from tests.workdays.support import package_days
from tongban.audit.models import AuditEntry
from tongban.audit.service import SYSTEM
from tongban.db import unit_of_work
from tongban.holidays.service import preview_year, replace_year
from tongban.workdays.errors import PreviewOutdated
from tongban.workdays.service import PACKAGE_SOURCE, set_official_year

NOW = datetime(2025, 9, 22, 1, 0, tzinfo=UTC)
SOURCE = "国办发明电〔2024〕12号（更正）"
DAYS = [*package_days(2025), (date(2025, 10, 9), False, "国庆节")]


@pytest.fixture
def factory(committing_engine: Engine) -> Iterator[sessionmaker[Session]]:
    """Sessions that really commit; 2025 is put back as the package has it afterwards."""
    factory = sessionmaker(bind=committing_engine, expire_on_commit=False)
    yield factory
    with unit_of_work(factory) as session:
        set_official_year(
            session=session, year=2025, days=package_days(2025), source=PACKAGE_SOURCE
        )


def _replace(factory: sessionmaker[Session], confirm: str, replaced: threading.Event) -> None:
    with unit_of_work(factory) as session:
        replace_year(
            session=session,
            year=2025,
            days=DAYS,
            source=SOURCE,
            confirm=confirm,
            actor=SYSTEM,
            now=NOW,
        )
        replaced.set()
        time.sleep(1)  # the other administrator confirms before this commits


def test_two_confirmations_of_one_preview_replace_the_year_once(
    factory: sessionmaker[Session],
) -> None:
    with factory() as session:
        confirm = preview_year(session=session, year=2025, days=DAYS, source=SOURCE).confirm
    replaced, outcomes = threading.Event(), dict[str, BaseException | None]()

    def run(name: str, wait: bool) -> None:
        if wait:
            assert replaced.wait(timeout=30)
        try:
            _replace(factory, confirm, replaced)
            outcomes[name] = None
        except BaseException as error:  # asserted below
            outcomes[name] = error

    threads = [threading.Thread(target=run, args=(n, n == "second")) for n in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcomes["first"] is None, outcomes
    assert isinstance(outcomes["second"], PreviewOutdated), outcomes
    with factory() as session:
        replaced_entries = select(func.count()).where(AuditEntry.action == "calendar.year_replaced")
        assert session.scalar(replaced_entries) == 1
