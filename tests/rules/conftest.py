"""A private copy of the demo catalog per test (``tests.catalog``)."""

from tests.catalog.conftest import catalog_copy  # noqa: F401  (fixture)
