"""Fixtures of other folders the licence tests use."""

from tests.web.conftest import signed_in  # noqa: F401 (fixture for page tests)
