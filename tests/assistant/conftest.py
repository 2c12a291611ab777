"""Assistant test fixtures: the page fixtures, and a fresh index after each test (versions
made in a test are rolled back)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.web.conftest import signed_in
from tongban.assistant import retrieval

__all__ = ["signed_in"]


@pytest.fixture(autouse=True)
def _fresh_index() -> Iterator[None]:
    yield
    retrieval.forget()
