"""Fixtures of other folders the form tests use."""

from tests.catalog.conftest import catalog_copy  # noqa: F401 (fixture for loader tests)
