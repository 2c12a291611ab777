"""The catalog copy fixture of the catalog tests, for a test that flags an item."""

from tests.catalog.conftest import catalog_copy

__all__ = ["catalog_copy"]
