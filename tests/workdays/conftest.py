"""Fixtures for the working-day calendar tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from tests.workdays.support import calendar_from_package
from tongban.db import Base
from tongban.workdays import models  # noqa: F401  (registers the tables on Base.metadata)
from tongban.workdays.calendar import WorkCalendar


@pytest.fixture(scope="session")
def cal() -> WorkCalendar:
    return calendar_from_package()


@pytest.fixture
def session() -> Iterator[Session]:
    # Plain in-memory engine: make_engine's WAL and BEGIN IMMEDIATE hooks are for files.
    engine = create_engine("sqlite://")
    tables = [Base.metadata.tables["calendar_years"], Base.metadata.tables["calendar_days"]]
    Base.metadata.create_all(engine, tables=tables)
    with Session(engine) as db:
        yield db
    engine.dispose()
