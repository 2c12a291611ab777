"""The page fixtures of tests/web, for the inspection pages, and a copy of the catalog for
an item version whose on-site step the law excludes from the time limit."""

from tests.catalog.conftest import catalog_copy
from tests.web.conftest import signed_in

__all__ = ["catalog_copy", "signed_in"]
